"""The engine on a busy computer, and the same inputs giving the same bytes whatever the cache.

A cold build (nothing in the speech cache) crashed with a segmentation fault in some runs when
two other programs kept both cores busy. Ten cold builds beside two busy loops must all end
well. And because each text now sounds the same whoever speaks it, and whenever, a build's
bytes no longer depend on what the speech cache held: empty, filled by another patient's
build, by a preview, or with two entries swapped. Small programs keep both quick.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.speech.cache import ENV_VAR, SUFFIX
from helpers import run_cli, tiny_program, tree_hashes, two_phases

pytestmark = pytest.mark.slow

BUSY_LOOP = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end: pass\n"
"""Keeps one core busy, and stops by itself after 15 minutes should nothing end it."""


@pytest.fixture
def small_program(tmp_path: Path) -> Path:
    """``helpers.TWO_PHASES``: two phases (so two encoding workers), words of the lexicon."""
    return two_phases(tmp_path)


@pytest.fixture
def busy_computer() -> Iterator[None]:
    """Two loops keeping both cores busy while the test runs."""
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(2)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


@pytest.mark.usefixtures("busy_computer")
def test_ten_cold_builds_beside_two_busy_loops_all_succeed(tmp_path: Path) -> None:
    """Each cold: an empty speech cache. The smallest program (``helpers.TINY_PROGRAM``: its
    full and short session, so two encoding workers) is a cold build as any other is."""
    program = tiny_program(tmp_path)
    for run in range(10):
        cache = tmp_path / f"cache-{run}"
        env = {
            **os.environ,
            ENV_VAR: str(cache),
            "XDG_CACHE_HOME": str(tmp_path / f"xdg-{run}"),
            "PYTHONFAULTHANDLER": "1",
        }
        build = subprocess.run(
            [sys.executable, "-m", "audiocoach", "build", "--program", str(program),
             "--jobs", "2", "--quiet", "--out", str(tmp_path / f"uit-{run}")],
            capture_output=True, text=True, env=env, check=False, timeout=600,
        )  # fmt: skip
        assert build.returncode == 0, f"cold build {run + 1}: {build.returncode} {build.stderr}"
        assert any(cache.rglob(f"*{SUFFIX}")), "the build spoke into an empty cache"
        shutil.rmtree(tmp_path / f"uit-{run}")


def _patient(folder: Path, program: Path, reps: int) -> Path:
    path = folder / f"patient-{reps}.toml"
    path.write_text(
        f'program = "{program}"\nlabel = "J.D."\n[exercises.1]\nreps = {reps}\n', encoding="utf-8"
    )
    return path


def _build(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, cache: Path, patient: Path, out: Path
) -> dict[str, str]:
    """Build ``patient`` with ``cache`` as the speech cache: every file's hash, zip included."""
    monkeypatch.setenv(ENV_VAR, str(cache))
    result = run_cli(
        runner, "build", str(patient), "--out", str(out), "--zip", "--quiet",
        "--base-url", "https://www.praktijk.nl/oefeningen/jd/",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    files = tree_hashes(out)
    files.update({f"zip:{k}": v for k, v in tree_hashes(out.parent).items() if k.endswith(".zip")})
    assert any(name.endswith(".mp3") for name in files)
    assert any(name.startswith("zip:") for name in files)
    return files


def test_the_same_inputs_give_the_same_bytes_whatever_the_cache_held(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, small_program: Path, tmp_path: Path
) -> None:
    patient, other = _patient(tmp_path, small_program, 3), _patient(tmp_path, small_program, 2)
    clean = _build(runner, monkeypatch, tmp_path / "leeg", patient, tmp_path / "a" / "uit")

    _build(runner, monkeypatch, tmp_path / "gedeeld", other, tmp_path / "b2" / "ander")
    shared = _build(runner, monkeypatch, tmp_path / "gedeeld", patient, tmp_path / "b" / "uit")

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "voorbeeld"))
    assert run_cli(runner, "preview", str(patient), "--set", "1.reps=4").exit_code == 0
    assert run_cli(runner, "preview", str(patient)).exit_code == 0
    previewed = _build(runner, monkeypatch, tmp_path / "voorbeeld", patient, tmp_path / "c" / "uit")

    swapped = tmp_path / "verwisseld"
    shutil.copytree(tmp_path / "leeg", swapped)
    first, second = sorted((swapped / "clips").glob(f"*{SUFFIX}"))[:2]
    first.rename(swapped / "tussen")
    second.rename(first)
    (swapped / "tussen").rename(second)
    after_swap = _build(runner, monkeypatch, swapped, patient, tmp_path / "d" / "uit")

    assert shared == clean
    assert previewed == clean
    assert after_swap == clean
