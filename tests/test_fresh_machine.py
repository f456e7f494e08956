"""A fresh machine has no ffmpeg: no command may need it or mention it.

pydub looks for ffmpeg when it is imported and warns where there is none, so a machine that
once installed ffmpeg hides the problem. These tests run the commands with a ``PATH`` from
which ffmpeg, ffprobe and avconv are taken out, whatever this machine has.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HIDDEN = {"ffmpeg", "ffprobe", "ffplay", "avconv", "avprobe"}


@pytest.fixture(scope="module")
def path_without_ffmpeg(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ``PATH`` of one folder linking every program on this one but ffmpeg and its kin."""
    folder = tmp_path_factory.mktemp("bin-without-ffmpeg")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            link = folder / program.name
            if program.name not in HIDDEN and not link.exists():
                link.symlink_to(program)
    return str(folder)


def run(path: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python *args`` with only ``path`` on ``PATH``, warnings shown as on a user's machine."""
    env = {**os.environ, "PATH": path, "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    # One set: a day short enough that preview warns about nothing.
    [["--help"], ["preview", "--phase", "1", "--sets", "1"], ["voices"]],
    ids=["help", "preview", "voices"],
)
def test_no_command_mentions_ffmpeg(path_without_ffmpeg: str, args: list[str]) -> None:
    result = run(path_without_ffmpeg, "-m", "audiocoach", *args)
    assert result.returncode == 0, result.stderr
    assert "ffmpeg" not in (result.stdout + result.stderr).lower()
    assert result.stderr == ""


@pytest.mark.slow
def test_importing_every_module_warns_about_nothing(path_without_ffmpeg: str) -> None:
    """Every module of the package imports without a warning on a machine without ffmpeg."""
    code = (
        "import importlib, pkgutil, audiocoach\n"
        "for m in pkgutil.walk_packages(audiocoach.__path__, 'audiocoach.'):\n"
        "    importlib.import_module(m.name)\n"
    )
    result = run(path_without_ffmpeg, "-W", "error", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
