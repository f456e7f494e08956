"""A full disk (or any write that fails) is one sentence, exit 2, and nothing changed: in the
main process, in an encoding worker, and on a real small file system where one can be made."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest
from typer.testing import CliRunner

from audiocoach import files
from audiocoach.speech.cache import ENV_VAR
from helpers import run_cli, tiny_program

pytestmark = pytest.mark.slow


def everything(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def earlier_tiny(tmp_path: Path, runner: CliRunner) -> Path:
    """A folder holding a complete earlier build of the tiny program."""
    tiny_program(tmp_path)
    out = tmp_path / "uit"
    result = run_cli(runner, "build", "--program", str(tmp_path / "klein.toml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


class _Full:
    """A temporary file on a disk that fills after ``room`` bytes."""

    def __init__(self, handle: IO[bytes], room: int) -> None:
        self.handle = handle
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> _Full:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.mark.parametrize("room", [0, 10_000])
def test_a_full_disk_in_the_main_process_is_one_sentence_and_changes_nothing(
    earlier_tiny: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    room: int,
) -> None:
    before = everything(earlier_tiny)
    real = files._open_temp

    def full(folder: Path) -> _Full:
        return _Full(real(folder), room)

    monkeypatch.setattr(files, "_open_temp", full)
    program = str(earlier_tiny.parent / "klein.toml")
    result = run_cli(
        runner,
        "build",
        "--program",
        program,
        "--reps",
        "4",
        "--jobs",
        "1",
        "--out",
        str(earlier_tiny),
    )
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("audiocoach: Cannot write "), line
    assert line.endswith(f"in {earlier_tiny}: No space left on device."), line
    assert everything(earlier_tiny) == before


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="POSIX file size limits")
def test_a_write_that_fails_in_a_worker_is_one_sentence_and_changes_nothing(
    earlier_tiny: Path,
) -> None:
    """A file size limit makes the worker's MP3 write fail, as a full disk would.

    The new texts are spoken under the limit too, into an empty speech cache: speech writes no
    file (pyttsx3's temporary WAV once made this wait forever), and a cache entry that cannot
    be written is simply not kept."""
    program = str(earlier_tiny.parent / "klein.toml")
    before = everything(earlier_tiny)
    env = {**os.environ, ENV_VAR: str(earlier_tiny.parent / "lege-cache")}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))

    result = subprocess.run(
        [sys.executable, "-m", "audiocoach", "build", "--program", program, "--reps", "4",
         "--jobs", "2", "--out", str(earlier_tiny)],
        capture_output=True, text=True, check=False, preexec_fn=limit, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert re.match(r"audiocoach: Cannot write fase-1(a-begin|b-begin-kort)\.mp3 in ", line), line
    assert line.endswith(": File too large."), line
    assert everything(earlier_tiny) == before


def _mount_small(folder: Path) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def test_a_really_full_disk(tmp_path: Path, runner: CliRunner) -> None:
    """On a 1.5 MB file system: the earlier build fits, the new one (reps 20) does not."""
    disk = tmp_path / "klein-schijfje"
    disk.mkdir()
    if not _mount_small(disk):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        tiny_program(tmp_path)
        program = str(tmp_path / "klein.toml")
        out = disk / "uit"
        first = run_cli(runner, "build", "--program", program, "--reps", "1", "--out", str(out))
        assert first.exit_code == 0, first.output
        before = everything(out)
        for jobs in ("1", "2"):
            result = run_cli(
                runner, "build", "--program", program, "--reps", "20", "--sets", "3",
                "--jobs", jobs, "--out", str(out),
            )  # fmt: skip
            assert result.exit_code == 2, result.output
            (line,) = result.stderr.splitlines()
            assert line.endswith("No space left on device."), line
            assert everything(out) == before
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_cold_build_with_a_full_temporary_folder_and_cache_succeeds(tmp_path: Path) -> None:
    """Speech writes no temporary file: with the temporary folder and the speech cache on a
    full file system, a build that speaks every text still ends, and well."""
    disk = tmp_path / "vol"
    disk.mkdir()
    if not _mount_small(disk):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        with (disk / "vulling").open("wb") as filling, contextlib.suppress(OSError):
            while True:
                filling.write(b"\0" * 65536)
                filling.flush()
        program = tiny_program(tmp_path)
        env = {**os.environ, "TMPDIR": str(disk), ENV_VAR: str(disk / "cache")}
        result = subprocess.run(
            [sys.executable, "-m", "audiocoach", "build", "--program", str(program),
             "--quiet", "--out", str(tmp_path / "uit")],
            capture_output=True, text=True, check=False, timeout=300, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in (tmp_path / "uit").glob("*.mp3")) == [
            "fase-1a-begin.mp3",
            "fase-1b-begin-kort.mp3",
        ]
    finally:
        subprocess.run(["umount", str(disk)], check=False)
