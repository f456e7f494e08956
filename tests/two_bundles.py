"""Two bundles of the small two-phase program (``helpers.TWO_PHASES``: reps 2, then reps 3)
and how tests build and compare them: shared by the bundle and worker interruption tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audiocoach.files import STOP_AT_VAR
from helpers import two_phases


def everything(folder: Path) -> dict[str, str]:
    """Every file in the folder, the manifest included, by name with its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_command(work: Path, out: Path, reps: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "audiocoach", "build", "--program", str(work / "twee.toml"),
            "--out", str(out), "--reps", str(reps), "--quiet", "--jobs", "2", *extra]  # fmt: skip


def run_build(
    work: Path, out: Path, reps: int, stop_at: str | None = None, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != STOP_AT_VAR}
    if stop_at:
        env[STOP_AT_VAR] = stop_at
    return subprocess.run(
        build_command(work, out, reps, *extra),
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip


Bundles = tuple[Path, dict[str, str], dict[str, str]]
"""The work folder, the old bundle and the new one."""


@pytest.fixture(scope="session")
def bundles(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The work folder, the old bundle (reps 2) and the new bundle (reps 3), each built clean."""
    work = tmp_path_factory.mktemp("bundle")
    two_phases(work)
    trees = []
    for reps in (2, 3):
        out = work / f"reps-{reps}"
        done = run_build(work, out, reps)
        assert done.returncode == 0, done.stderr
        trees.append(everything(out))
    assert trees[0].keys() == trees[1].keys()
    assert all(trees[0][name] != trees[1][name] for name in trees[0])  # every file changes
    return work, trees[0], trees[1]
