"""Shared fixtures: the real speech engine, the built-in card, and one real default build."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.model.program import Program
from audiocoach.model.program_file import load_program
from audiocoach.pipeline.build import BuiltFile, build
from audiocoach.speech.cache import ENV_VAR, CachedVoice
from audiocoach.speech.espeak import EspeakVoice


@pytest.fixture(scope="session", autouse=True)
def private_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The whole run, subprocesses included, uses a fresh cache: never the user's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, str(tmp_path_factory.mktemp("speech-cache")))
        yield


@pytest.fixture(scope="session")
def program() -> Program:
    """The built-in SI-joint card."""
    return load_program()


@pytest.fixture(scope="session")
def voice() -> EspeakVoice:
    """The real bundled espeak-ng Dutch voice, started once for the whole run."""
    return EspeakVoice()


@pytest.fixture(scope="session")
def default_build(
    tmp_path_factory: pytest.TempPathFactory, program: Program, voice: EspeakVoice
) -> list[BuiltFile]:
    """The default sessions, built once with the real engine and encoder.

    Through the run's speech cache, so that previews in this run use the very same clips.
    """
    return build(program, tmp_path_factory.mktemp("default-build"), CachedVoice(voice))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def earlier(tmp_path: Path, default_build: list[BuiltFile]) -> Path:
    """An output folder holding an earlier build's MP3s and a file of the practice's own."""
    out = tmp_path / "uit"
    out.mkdir()
    for built in default_build:
        shutil.copyfile(built.path, out / built.path.name)
    (out / "lees-mij.txt").write_text("van de praktijk", encoding="utf-8")
    return out
