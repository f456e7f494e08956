"""The bundle is one unit: whatever stops a build, and whenever, the folder holds the whole
earlier bundle or the whole new one, and the message says which.

Each build is stopped at a named moment through the ``AUDIOCOACH_STOP_AT`` seam (the process
sends itself the signal there), so no test races a timer.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from audiocoach.errors import Interrupted, OutputError, ProgramError
from audiocoach.files import STOP_AT_VAR, TEMP_PREFIX
from audiocoach.folders import Bundle, commit_all, finish_interrupted, prepare_folder
from audiocoach.model.program import Program
from audiocoach.pipeline.build import build
from audiocoach.speech.espeak import EspeakVoice
from counting import CountingVoice
from two_bundles import bundles, everything, run_build

__all__ = ["bundles"]  # the fixture, shared

UNCHANGED = "audiocoach: stopped; files that were there before are unchanged."
COMPLETE = "they are complete."

# (moment, signal, which bundle the folder holds afterwards)
MOMENTS = [
    ("encoded-1", "INT", "old"),  # the first phase is written, the second is not
    ("encoded-1", "KILL", "old"),
    ("encoded-2", "INT", "old"),  # both phases written, the extras not yet
    ("staged", "KILL", "old"),  # everything staged, nothing in place
    ("commit", "INT", "new"),  # Ctrl-C as the files go in: they all go in
    ("committing-1", "INT", "new"),
    ("committing-1", "KILL", "new"),  # killed between two renames: the next build finishes
    ("committing-4", "KILL", "new"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "sig", "holds"), MOMENTS, ids=str)
def test_a_stopped_build_leaves_the_whole_old_or_the_whole_new_bundle(
    bundles: tuple[Path, dict[str, str], dict[str, str]],
    tmp_path: Path,
    moment: str,
    sig: str,
    holds: str,
) -> None:
    work, old, new = bundles
    out = tmp_path / "uit"
    shutil.copytree(work / "reps-2", out)  # the earlier build
    assert everything(out) == old

    stopped = run_build(work, out, 3, stop_at=f"{moment}:{sig}")

    if sig == "INT":
        assert stopped.returncode == 130, stopped.stderr
        (line,) = stopped.stderr.splitlines()
        assert line == UNCHANGED if holds == "old" else line.endswith(COMPLETE), line
        assert everything(out) == (old if holds == "old" else new)
    else:
        assert stopped.returncode == -signal.SIGKILL, stopped.stderr
    # A killed build leaves its hidden stage; the next build into the folder first removes it,
    # or finishes putting it in place when it was already going in.
    prepare_folder(out)
    assert everything(out) == (old if holds == "old" else new)
    assert not list(out.glob(f"{TEMP_PREFIX}*[0-9]-*"))


@pytest.mark.slow
def test_a_killed_worker_leaves_the_whole_old_bundle(
    bundles: tuple[Path, dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    work, old, _ = bundles
    out = tmp_path / "uit"
    shutil.copytree(work / "reps-2", out)
    stopped = run_build(work, out, 3, stop_at="encoding:KILL")  # each worker kills itself
    assert stopped.returncode == 2, stopped.stderr
    (line,) = stopped.stderr.splitlines()
    assert line.startswith("audiocoach: An encoding process stopped unexpectedly"), line
    assert everything(out) == old


def test_a_bundle_goes_in_whole_and_a_ctrl_c_meanwhile_waits(tmp_path: Path) -> None:
    """In process: SIGINT while the files move is held until every file is in place."""
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("old b", encoding="utf-8")
    bundle = Bundle(tmp_path)
    for name in ("a.txt", "b.txt"):
        bundle.path(name).write_text(f"new {name[0]}", encoding="utf-8")
    os.environ[STOP_AT_VAR] = "committing-1:INT"
    try:
        with pytest.raises(Interrupted, match="complete"):
            commit_all([bundle])
    finally:
        del os.environ[STOP_AT_VAR]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "new b"


def test_a_bundle_reads_a_file_where_it_is_now(tmp_path: Path) -> None:
    (tmp_path / "fase-1-a.mp3").write_text("kept", encoding="utf-8")
    (tmp_path / "fase-2-b.mp3").write_text("old", encoding="utf-8")
    bundle = Bundle(tmp_path)
    bundle.path("fase-2-b.mp3").write_text("new", encoding="utf-8")
    bundle.path("fase-3-c.mp3").write_text("new", encoding="utf-8")
    assert bundle.staged() == ["fase-2-b.mp3", "fase-3-c.mp3"]
    assert bundle.current("fase-1-a.mp3") == tmp_path / "fase-1-a.mp3"
    assert bundle.current("fase-2-b.mp3") == bundle.path("fase-2-b.mp3")
    bundle.discard()


@pytest.mark.skipif(os.name != "posix", reason="folders are locked on POSIX")
def test_two_builds_into_one_folder_at_once_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "uit"
    out.mkdir()
    first = Bundle(out)
    with pytest.raises(OutputError, match="Another audiocoach build is writing into"):
        Bundle(out)
    first.discard()
    Bundle(out).discard()  # free again
    assert list(out.iterdir()) == []


def test_a_discarded_bundle_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    bundle = Bundle(tmp_path)
    bundle.path("a.txt").write_text("new", encoding="utf-8")
    bundle.discard()
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old"


def test_a_bundle_of_a_gone_build_going_in_is_finished(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    pending = tmp_path / f"{TEMP_PREFIX}{gone}-x.commit"
    pending.mkdir()
    (pending / "b.txt").write_text("new b", encoding="utf-8")
    (tmp_path / "a.txt").write_text("new a", encoding="utf-8")  # moved before the kill
    assert finish_interrupted(tmp_path) == [tmp_path / "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_two_sessions_that_map_to_one_file_are_refused(program: Program, tmp_path: Path) -> None:
    """The program file refuses two phases with one number; a build refuses any two sessions
    with one file name, however the program was made."""
    first = program.phases[0]
    twice = replace(program, phases=(first, replace(first, exercises=(2,))))
    with pytest.raises(ProgramError, match="would both be written to"):
        build(twice, tmp_path / "uit", CountingVoice(EspeakVoice()))
    assert not (tmp_path / "uit").exists()
