"""The output folder and the bundle of files one build puts into it, all at once.

A build writes several files that describe each other (MP3s, transcripts, page, playlist,
manifest), so they are one :class:`Bundle`: staged in a hidden folder inside the output folder
and put in place together at the end (:mod:`audiocoach.journal`: every rename can be taken
back, and what a killed build began is finished or undone by the next one under the folder's
lock), so the folder holds the whole earlier bundle or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from audiocoach import journal
from audiocoach.errors import Interrupted, OutputError
from audiocoach.files import (
    COMMIT_SUFFIX,
    STAGE_SUFFIX,
    TEMP_PREFIX,
    fault_point,
    owner,
    temp_prefix,
    writer_is_gone,
)
from audiocoach.journal import INNER_NAMES, CommitFailed, Journal


def output_folder(text: str, option: str) -> Path:
    """The output folder as typed; an empty one is an error, not the current folder.

    ``Path("")`` is ``.``: ``--out ""`` (an unset variable in a script) would have written the
    bundle among whatever the current folder holds. ``--out .`` still says so on purpose."""
    if not text.strip():
        raise OutputError(
            f"{option} is empty; give a folder such as {option} uitvoer "
            f"(or {option} . for the current folder)."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Bytes the file system gave that are not UTF-8: the file list and the zip's
        # entries could not say the folder's name.
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise OutputError(
            f"The output folder name {shown} is not UTF-8 text; give a name of plain "
            "letters, digits and dashes."
        ) from None
    return Path(text)


def prepare_folder(folder: Path) -> Path:
    """Create the output folder if needed and prove it can be written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"The output folder {folder} is a file, not a folder.") from None
    except OSError as error:
        raise OutputError(
            f"The output folder {folder} cannot be created: {error.strerror}."
        ) from None
    if not folder.is_dir():
        raise OutputError(f"The output folder {folder} is not a folder.")
    # os.access() says yes to root for a read-only folder: only writing proves it.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=TEMP_PREFIX, suffix=".probe"):
            pass
    except OSError as error:
        raise OutputError(
            f"The output folder {folder} cannot be written to: {error.strerror}."
        ) from None
    remove_stale_parts(folder)
    return folder


def remove_stale_parts(folder: Path, *, max_age_s: float = 3600) -> list[Path]:
    """Remove the temporary files of builds that were killed before they could clean up.

    A part whose writing process is gone is stale. Where that cannot be asked safely
    (Windows), a part untouched for ``max_age_s`` is. Returns what was removed.
    """
    removed = []
    for part in folder.glob(f"{TEMP_PREFIX}*.part"):
        with contextlib.suppress(OSError):
            if writer_is_gone(owner(part), part, max_age_s):
                part.unlink()
                removed.append(part)
    for stage in folder.glob(f"{TEMP_PREFIX}*{STAGE_SUFFIX}"):
        with contextlib.suppress(OSError):
            if stage.is_dir() and writer_is_gone(owner(stage), stage, max_age_s):
                shutil.rmtree(stage)
                removed.append(stage)
    return removed


def finish_interrupted(folder: Path, *, locked: bool) -> list[str]:
    """Finish, undo or drop what builds killed while putting their files in place left, and
    remove what killed builds staged; returns what was done with each (see
    :func:`audiocoach.journal.recover`).

    Holding the folder's lock (``locked``), no other build is at work in it, so everything
    left is a leftover whatever the process ids on this machine say (after a reboot, or a USB
    stick from another computer). Without a lock, only folders whose process is gone count.
    """
    done: list[str] = []
    for pending in sorted(folder.glob(f"{TEMP_PREFIX}*{COMMIT_SUFFIX}")):
        if pending.is_dir() and (locked or writer_is_gone(owner(pending), pending, 3600)):
            try:
                done.append(journal.recover(pending, folder))
            except CommitFailed as failed:
                raise OutputError(
                    f"An earlier build's files in {folder} could neither be put in place nor "
                    f"taken back: {failed}; the next build tries again."
                ) from None
    if locked:
        for stage in folder.glob(f"{TEMP_PREFIX}*{STAGE_SUFFIX}"):
            if stage.is_dir():
                shutil.rmtree(stage, ignore_errors=True)
    return done


class Bundle:
    """The files one build writes into one folder: staged, then put in place all at once.

    Every file is written into a hidden folder inside ``folder`` (same file system, so
    renames are atomic). :meth:`commit` renames that folder to mark the bundle as going in,
    then moves each file into place; a build killed during those renames is completed by the
    next build (:func:`finish_interrupted`). Until then, the folder holds the whole earlier
    bundle; after, the whole new one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = _lock_folder(folder)
        self.elsewhere: dict[str, Path] = {}
        """Staged files whose place is outside the folder (the zip), by name."""
        self.removed: list[str] = []
        """Files of the folder this bundle takes away (a feed that no longer holds)."""
        try:
            finish_interrupted(folder, locked=self._lock is not None)
            self.stage = Path(
                tempfile.mkdtemp(dir=folder, prefix=temp_prefix(), suffix=STAGE_SUFFIX)
            )
        except OutputError:
            _unlock(self._lock)
            raise
        except OSError as error:
            _unlock(self._lock)
            raise OutputError(
                f"The output folder {folder} cannot be written to: {error.strerror}."
            ) from None
        self.committed = False

    def path(self, name: str) -> Path:
        """Where the file ``name`` is written until the bundle is put in place."""
        return self.stage / name

    def staged(self) -> list[str]:
        """The names of the files written so far."""
        if not self.stage.is_dir():
            return []
        return sorted(
            p.name for p in self.stage.iterdir() if owner(p) is None and p.name not in INNER_NAMES
        )

    def send(self, name: str, target: Path) -> None:
        """The staged file ``name`` goes to ``target`` (on the folder's file system), not into
        the folder."""
        self.elsewhere[name] = target

    def remove(self, name: str) -> None:
        """Take the folder's file ``name`` away with the bundle."""
        self.removed.append(name)

    def current(self, name: str) -> Path:
        """Where ``name`` is read now (its size for a feed): staged when this build wrote it,
        else in the folder."""
        staged = self.path(name)
        return staged if staged.is_file() else self.folder / name

    def check(self, names: Iterable[str]) -> None:
        """Every name can take a file: a folder of that name would stop the bundle halfway."""
        for name in names:
            target = self.folder / name
            if target.is_dir() and not target.is_symlink():
                raise OutputError(
                    f"{target} is a folder where the build writes a file of that name; "
                    "rename or move the folder."
                )

    def commit(self) -> None:
        """Put every staged file in place, all or none; idempotent."""
        if self.committed:
            return
        names = self.staged()
        self.check(names)
        moves = self._moves(names)
        if not moves:
            return
        plan = Journal.plan(self.stage, self.folder, moves)
        pending = self.stage.with_name(self.stage.name[: -len(STAGE_SUFFIX)] + COMMIT_SUFFIX)
        try:
            plan.save(self.stage)
            journal.rename(self.stage, pending)
        except OutputError:
            raise
        except OSError as error:
            raise OutputError(
                f"The new files cannot be put in place in {self.folder}: {error.strerror}; "
                "the files that were there before are unchanged."
            ) from None
        self.committed = True
        try:
            journal.put_in_place(pending, self.folder, plan)
        except CommitFailed as failed:
            self.committed = False
            if failed.undone:
                raise OutputError(
                    f"The new files cannot be put in place in {self.folder}: {failed}; the "
                    "files that were there before are unchanged."
                ) from None
            raise OutputError(
                f"The new files cannot be put in place in {self.folder}, nor the earlier ones "
                f"taken back: {failed}; the next build into it finishes or undoes this."
            ) from None

    def _moves(self, names: list[str]) -> list[tuple[str | None, str]]:
        """The staged files to their places, the removals, and the manifest (the bundle's
        mark of completion) last."""
        first = [n for n in names if not n.startswith(".")]
        hidden = [n for n in names if n.startswith(".")]
        moves: list[tuple[str | None, str]] = [
            (n, os.path.relpath(self.elsewhere.get(n, self.folder / n), self.folder)) for n in first
        ]
        moves += [(None, n) for n in self.removed]
        moves += [(n, n) for n in hidden]
        return moves

    def discard(self) -> None:
        """Remove what was staged (the folder keeps the earlier bundle; nothing once
        committed), and let other builds write into the folder."""
        if not self.committed:
            shutil.rmtree(self.stage, ignore_errors=True)
        _unlock(self._lock)
        self._lock = None


def _lock_folder(folder: Path) -> int | None:
    """Hold the folder for one build: two builds into one folder at once would each put in a
    page describing its own files. POSIX only; ``None`` where folders cannot be locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(
            f"Another audiocoach build is writing into {folder}; wait until it has finished."
        ) from None
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing releases the lock


def commit_all(bundles: Iterable[Bundle]) -> None:
    """Put every bundle in place; a Ctrl-C (or SIGTERM) meanwhile waits until they are.

    The stop is then raised as :class:`~audiocoach.errors.Interrupted` saying the new files
    are complete. Outside the main thread signals cannot be held, and the bundles are simply
    committed.
    """
    bundles = list(bundles)
    if threading.current_thread() is not threading.main_thread():
        for bundle in bundles:
            bundle.commit()
        return
    received: list[int] = []

    def hold(number: int, _frame: object) -> None:
        received.append(number)

    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, hold) for number in held}
    try:
        fault_point("commit")
        for bundle in bundles:
            bundle.commit()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        folders = ", ".join(str(b.folder) for b in bundles)
        raise Interrupted(
            f"stopped after the new files were put in place in {folders}; they are complete."
        )
