"""Shared fixtures: the real speech engine and a tone voice for tests, the built-in card and
small programs, and one real default build.

A test that uses a fixture which builds whole sessions with the real engine (the default build,
the README's fresh install, the example patient's page, the two bundles) is marked ``slow`` here,
so ``pytest -m "not slow"`` is the quick set of unit tests without anyone remembering to mark it.
"""

from __future__ import annotations

import compileall
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lameenc
import pytest
from typer.testing import CliRunner, Result

from audiocoach.model.dosage import Overrides, apply_overrides
from audiocoach.model.program import Program
from audiocoach.model.program_file import load_program
from audiocoach.pipeline import voices
from audiocoach.pipeline.build import BuiltFile, build
from audiocoach.speech.cache import ENV_VAR, CachedVoice
from audiocoach.speech.espeak import EspeakVoice
from fake_voice import ToneVoice
from helpers import SOURCE_DATE_EPOCH, audiocoach, run_cli, tiny_program, two_phases
from two_bundles import bundles


@pytest.fixture(scope="session", autouse=True)
def private_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The whole run, subprocesses included, uses a fresh cache: never the user's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, str(tmp_path_factory.mktemp("speech-cache")))
        # The feed's dates: when bytes were first written, fixed as reproducible builds fix
        # them, so builds made at different moments can be compared byte for byte.
        patch.setenv("SOURCE_DATE_EPOCH", str(SOURCE_DATE_EPOCH))
        yield


@pytest.fixture(scope="session")
def program() -> Program:
    """The built-in SI-joint card."""
    return load_program()


@pytest.fixture(scope="session")
def all_chosen(program: Program) -> Program:
    """The card with every exercise of phase 2 chosen (``--select all``): both phases."""
    return apply_overrides(program, Overrides(select_all=True))


SLOW_FIXTURES = ("default_build", "installed", "bundles", "example_page", "first_cli_build")
"""Fixtures that build whole sessions with the real speech engine and encoder, made once per
run (per worker process when the tests run in parallel), the costliest first."""


def pytest_configure() -> None:
    """Where Python is told not to write bytecode (``PYTHONDONTWRITEBYTECODE``, as on this
    machine and many CI images), every process the tests start (hundreds: builds, ``serve``,
    the README's commands) would compile the package from source again, and pytest would
    rewrite every test module on every run. The package is compiled once here, as ``pip
    install`` compiles it for a practice, and pytest may keep its rewritten test modules; both
    go where Python keeps them (``__pycache__``, ignored by git)."""
    if sys.dont_write_bytecode:
        compileall.compile_dir(Path(str(sys.modules["audiocoach"].__file__)).parent, quiet=1)
        sys.dont_write_bytecode = False


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its hook names the nodes)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses a slow fixture is slow: it pays for that build when run alone.

    The tests run in parallel (pytest-xdist, ``--dist loadgroup``), and the tests of one slow
    fixture all in the same worker, so that each of those builds is made once, not once in
    every worker; the costliest names the group of a test that uses several."""
    for item in items:
        used = [name for name in SLOW_FIXTURES if name in getattr(item, "fixturenames", ())]
        if used:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group(used[0]))


LOST_GROUP = pytest.StashKey[bool]()


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """In parallel runs the groups above must reach pytest-xdist, which carries them in the
    tests' ids: pytest 9.2 lost them silently (pytest-xdist#1386), every worker then made every
    build, and the suite took twice as long. Such a test fails at once instead (below)."""
    if session.config.getoption("loadgroup", False):
        for item in session.items:
            if item.get_closest_marker("xdist_group"):
                item.stash[LOST_GROUP] = "@" not in item.nodeid.rsplit("]", 1)[-1]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.stash.get(LOST_GROUP, False):
        pytest.fail("pytest-xdist lost this test's group (pytest-xdist#1386): use pytest < 9.2")


class EncodedInAQuickTest(AssertionError):
    """A test not marked ``slow`` started the MP3 encoder."""


@pytest.fixture(autouse=True)
def quick_tests_encode_nothing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Holds the marker to its word: a test that encodes an MP3 in this process is ``slow``."""
    if request.node.get_closest_marker("slow") is None:

        def refuse(*_: object) -> None:
            raise EncodedInAQuickTest(f"{request.node.nodeid} encodes MP3s: mark it slow")

        monkeypatch.setattr(lameenc, "Encoder", refuse)


@pytest.fixture
def tone_voice() -> ToneVoice:
    """A fresh stand-in voice (tests/fake_voice.py): for tests not about the engine's sound."""
    return ToneVoice()


@contextmanager
def cli_speaking_tones() -> Iterator[None]:
    """The command line, run in this process, speaks with the tone voice instead of the
    engine (behind the same speech cache): for tests of what is said and when, not how."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(voices, "engine_voice", lambda _voice, _rate: ToneVoice())
        yield


@pytest.fixture
def tone_cli() -> Iterator[None]:
    """:func:`cli_speaking_tones` for one test."""
    with cli_speaking_tones():
        yield


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Program:
    """``helpers.TINY_PROGRAM``: one phase of one short exercise."""
    return load_program(tiny_program(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def two_phase(tmp_path_factory: pytest.TempPathFactory) -> Program:
    """``helpers.TWO_PHASES``: two phases, four short sessions, exercise 2 in phase 2 only."""
    return load_program(two_phases(tmp_path_factory.mktemp("two-phases")))


@pytest.fixture(scope="session")
def voice() -> EspeakVoice:
    """The real bundled espeak-ng Dutch voice, started once for the whole run."""
    return EspeakVoice()


@pytest.fixture(scope="session")
def default_build(
    tmp_path_factory: pytest.TempPathFactory, all_chosen: Program, voice: EspeakVoice
) -> list[BuiltFile]:
    """Every session of the card (``build --select all``: phase 2 is built only with a
    choice), built once with the real engine and encoder.

    Through the run's speech cache, so that previews in this run use the very same clips.
    """
    return build(all_chosen, tmp_path_factory.mktemp("default-build"), CachedVoice(voice))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def first_cli_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """``audiocoach build --out DIR`` into an empty folder, in this process, once: the card's
    default build (phase 1 only, phase 2 waits for the therapist's choice) and what it said."""
    out = tmp_path_factory.mktemp("cli-build") / "uit"
    return out, run_cli(CliRunner(), "build", "--out", str(out))


@pytest.fixture
def earlier(tmp_path: Path, default_build: list[BuiltFile]) -> Path:
    """An output folder holding an earlier build's MP3s and a file of the practice's own."""
    out = tmp_path / "uit"
    out.mkdir()
    for built in default_build:
        shutil.copyfile(built.path, out / built.path.name)
    (out / "lees-mij.txt").write_text("van de praktijk", encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def example_patient(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``audiocoach init``'s example patient file (8 repetitions, 2 sets, exercises 5, 6 and 9
    of phase 2)."""
    folder = tmp_path_factory.mktemp("patient")
    audiocoach("init", str(folder / "patient.toml"))
    return folder / "patient.toml"


@pytest.fixture(scope="session")
def example_page(example_patient: Path) -> Path:
    """The example patient's bundle, opened from disk."""
    out = example_patient.parent / "uit"
    audiocoach("build", str(example_patient), "--out", str(out), "--quiet")
    return out / "index.html"


@pytest.fixture(scope="session")
def example_phases(example_patient: Path) -> list[dict[str, Any]]:
    """``preview --json`` of that patient: the timeline every page test takes its times from."""
    return list(json.loads(audiocoach("preview", str(example_patient), "--json"))["phases"])


__all__ = ["bundles"]  # a fixture of its own module: the old and new bundles, built once
