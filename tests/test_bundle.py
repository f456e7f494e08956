"""The bundle is one unit: whatever stops a build, and whenever, the folder holds the whole
earlier bundle or the whole new one, and the message says which.

Each build is stopped at a named moment through the ``AUDIOCOACH_STOP_AT`` seam (the process
sends itself the signal there), so no test races a timer.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from audiocoach import journal
from audiocoach.errors import Interrupted, OutputError, ProgramError
from audiocoach.files import COMMIT_SUFFIX, STOP_AT_VAR, TEMP_PREFIX
from audiocoach.folders import Bundle, commit_all
from audiocoach.model.program import Program
from audiocoach.pipeline.build import build
from audiocoach.speech.espeak import EspeakVoice
from counting import CountingVoice
from two_bundles import Bundles, everything, run_build

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
    Bundle(out).discard()  # what the next build does first, holding the folder's lock
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


def staged_new_bundle(work: Path, out: Path) -> Bundle:
    """A bundle into ``out`` (holding the old bundle) with the new bundle's files staged."""
    bundle = Bundle(out)
    for file in (work / "reps-3").iterdir():
        shutil.copyfile(file, bundle.path(file.name))
    return bundle


def renames_of_a_commit(work: Path, folder: Path) -> int:
    count = [0]
    real = journal.rename

    def counted(source: Path, target: Path) -> None:
        count[0] += 1
        real(source, target)

    journal.rename = counted
    try:
        bundle = staged_new_bundle(work, folder)
        bundle.commit()
        bundle.discard()
    finally:
        journal.rename = real
    return count[0]


@pytest.mark.slow
def test_a_rename_that_fails_anywhere_in_the_commit_leaves_the_whole_old_bundle(
    bundles: Bundles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each rename of the commit in turn fails (as for a file that is immutable, or open in
    a player on Windows): the folder holds exactly the old bundle, the message says so, and
    the next build puts the whole new one in place."""
    work, old, new = bundles
    shutil.copytree(work / "reps-2", tmp_path / "count")
    positions = renames_of_a_commit(work, tmp_path / "count")
    assert positions > 2 * len(old)  # the stage, then each file's old one away and new one in
    for position in range(1, positions + 1):
        out = tmp_path / f"uit-{position}"
        shutil.copytree(work / "reps-2", out)
        bundle = staged_new_bundle(work, out)
        fail_rename_at(monkeypatch, position, OSError(errno.EPERM, os.strerror(errno.EPERM)))
        with pytest.raises(OutputError) as refused:
            bundle.commit()
        bundle.discard()
        monkeypatch.undo()
        assert str(refused.value) == (
            f"The new files cannot be put in place in {out}: Operation not permitted; "
            "the files that were there before are unchanged."
        )
        assert everything(out) == old, position
        bundle = staged_new_bundle(work, out)
        bundle.commit()
        bundle.discard()
        assert everything(out) == new, position


IMMUTABLE = ["fase-1a-begin.mp3", "index.html", ".audiocoach-manifest.json"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chattr"), reason="chattr makes a file immutable")
@pytest.mark.parametrize("name", IMMUTABLE)
def test_an_immutable_file_of_the_old_bundle_leaves_the_whole_old_bundle(
    bundles: Bundles, tmp_path: Path, name: str
) -> None:
    """For real: root cannot replace or rename an immutable file either."""
    work, old, new = bundles
    out = tmp_path / "uit"
    shutil.copytree(work / "reps-2", out)
    chattr = subprocess.run(["chattr", "+i", str(out / name)], capture_output=True, check=False)
    if chattr.returncode:
        pytest.skip("this file system or user cannot make a file immutable")
    try:
        refused = run_build(work, out, 3)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.splitlines() == [
            f"audiocoach: The new files cannot be put in place in {out}: Operation not "
            "permitted; the files that were there before are unchanged."
        ]
        assert everything(out) == old
    finally:
        subprocess.run(["chattr", "-i", str(out / name)], check=True)
    done = run_build(work, out, 3)
    assert done.returncode == 0, done.stderr
    assert everything(out) == new


@pytest.mark.slow
@pytest.mark.parametrize("fails", [True, False])
def test_the_zip_goes_with_its_bundle(
    bundles: Bundles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    """A full disk while writing the zip: the old files with the old zip; else the new files
    with the new zip."""
    import zipfile

    from typer.testing import CliRunner

    from helpers import run_cli

    work, old, new = bundles
    out = tmp_path / "uit"
    args = ["build", "--program", str(work / "twee.toml"), "--out", str(out), "--zip", "--quiet"]
    runner = CliRunner()
    assert run_cli(runner, *args, "--reps", "2").exit_code == 0
    old_zip = (tmp_path / "uit.zip").read_bytes()
    if fails:

        def full(*_args: object, **_kwargs: object) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    result = run_cli(runner, *args, "--reps", "3")
    zipped = zipfile.ZipFile(tmp_path / "uit.zip")
    inside = {Path(n).name: hashlib.sha256(zipped.read(n)).hexdigest() for n in zipped.namelist()}
    if fails:
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"audiocoach: Cannot write uit.zip in {out}: No space left on device."
        ]
        assert (tmp_path / "uit.zip").read_bytes() == old_zip
        assert everything(out) == old
    else:
        assert result.exit_code == 0, result.output
        assert everything(out) == new
    expected = old if fails else new
    assert inside == {k: v for k, v in expected.items() if not k.startswith(".")}


class Killed(BaseException):
    """Stands for SIGKILL in the middle of a commit: nothing after it runs."""


def stage(bundle: Bundle, files: dict[str, str]) -> None:
    for name, text in files.items():
        bundle.path(name).write_text(text, encoding="utf-8")


def fail_rename_at(monkeypatch: pytest.MonkeyPatch, position: int, error: BaseException) -> None:
    """The ``position``-th rename of a commit (counted from 1) raises ``error``."""
    real, count = journal.rename, [0]

    def rename(source: Path, target: Path) -> None:
        count[0] += 1
        if count[0] == position:
            raise error
        real(source, target)

    monkeypatch.setattr(journal, "rename", rename)


def test_a_bundle_of_a_killed_build_going_in_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the process ids: the next build holds the folder's lock, so nobody else is
    at it."""
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    bundle = Bundle(tmp_path)
    stage(bundle, {"a.txt": "new a", "b.txt": "new b", MANIFEST: "new"})
    fail_rename_at(monkeypatch, 4, Killed())  # the commit folder, a.txt's two, then b.txt
    with pytest.raises(Killed):
        bundle.commit()
    bundle.discard()
    monkeypatch.undo()
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    Bundle(tmp_path).discard()
    assert everything(tmp_path) == everything_of(
        {"a.txt": "new a", "b.txt": "new b", MANIFEST: "new"}
    )


def everything_of(files: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}


MANIFEST = ".audiocoach-manifest.json"


def test_a_leftover_is_never_put_over_what_a_later_build_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed build's commit folder, and a later build that wrote the folder without
    finishing it (its process id was taken, say, or the stick was in another computer)."""
    later = {"a.txt": "later a", "b.txt": "later b", MANIFEST: "later"}
    bundle = Bundle(tmp_path)
    stage(bundle, {"a.txt": "old a", "b.txt": "old b", MANIFEST: "old"})
    fail_rename_at(monkeypatch, 2, Killed())
    with pytest.raises(Killed):
        bundle.commit()
    bundle.discard()
    monkeypatch.undo()
    for name, text in later.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    Bundle(tmp_path).discard()
    assert everything(tmp_path) == everything_of(later)


def test_a_commit_folder_of_an_earlier_version_is_finished(tmp_path: Path) -> None:
    """Versions before the journal left a bare commit folder: its files go in as then."""
    pending = tmp_path / f"{TEMP_PREFIX}1-x{COMMIT_SUFFIX}"
    pending.mkdir()
    (pending / "b.txt").write_text("new b", encoding="utf-8")
    (pending / MANIFEST).write_text("new", encoding="utf-8")
    (tmp_path / "a.txt").write_text("new a", encoding="utf-8")  # moved before the kill
    Bundle(tmp_path).discard()
    new = {"a.txt": "new a", "b.txt": "new b", MANIFEST: "new"}
    assert everything(tmp_path) == everything_of(new)


def test_two_sessions_that_map_to_one_file_are_refused(program: Program, tmp_path: Path) -> None:
    """The program file refuses two phases with one number; a build refuses any two sessions
    with one file name, however the program was made."""
    first = program.phases[0]
    twice = replace(program, phases=(first, replace(first, exercises=(2,))))
    with pytest.raises(ProgramError, match="would both be written to"):
        build(twice, tmp_path / "uit", CountingVoice(EspeakVoice()))
    assert not (tmp_path / "uit").exists()
