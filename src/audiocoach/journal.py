"""Putting a bundle's files in place all at once, even when a rename fails halfway.

A bundle's staged folder, renamed to ``.commit``, holds a journal: each move (a staged file
to its place, or a file to take away) with the SHA-256 of its place's file before and after.
Every file a move replaces is first renamed into the commit folder's ``old`` part, so every
step can be taken back: when any rename fails, the ones done are undone in reverse and the
folder holds the whole earlier bundle again.

A build killed halfway leaves the ``.commit`` folder; the next build, holding the folder's
lock (so no build is still at it, whatever the process ids say), checks every place: when
each holds its file as before (or it is in the ``old`` part) or as after, the moves are under
way and are finished (or undone when one fails); anything else means a later build has
written the folder since, and the leftover is dropped, never put over newer files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from audiocoach.files import TEMP_PREFIX, fault_point, write_text

JOURNAL_NAME = f"{TEMP_PREFIX}journal.json"
OLD_FOLDER = f"{TEMP_PREFIX}old"
"""Inside a ``.commit`` folder: the files its moves replaced, by move number."""
INNER_NAMES = (JOURNAL_NAME, OLD_FOLDER)
"""Names in a stage that are not files of the bundle."""


@dataclass(frozen=True)
class Move:
    """One step: the staged file ``source`` (``None``: nothing) to ``target`` (relative to
    the output folder; ``../uit.zip`` for a zip beside it)."""

    source: str | None
    target: str
    before: str | None = None
    """The SHA-256 of the target's file before (``None``: there was none)."""
    after: str | None = None
    """The SHA-256 of ``source``."""


@dataclass(frozen=True)
class Journal:
    moves: tuple[Move, ...]

    @classmethod
    def plan(cls, stage: Path, folder: Path, moves: list[tuple[str | None, str]]) -> Journal:
        """The moves with the marks of their files as they are now."""
        return cls(
            tuple(
                Move(source, target, mark(folder / target), source and mark(stage / source))
                for source, target in moves
            )
        )

    def save(self, stage: Path) -> None:
        data = [[m.source, m.target, m.before, m.after] for m in self.moves]
        write_text(stage / JOURNAL_NAME, json.dumps({"moves": data}, indent=1) + "\n")

    @classmethod
    def load(cls, pending: Path) -> Journal | None:
        """The journal of a ``.commit`` folder; ``None`` when there is none that can be read."""
        try:
            data = json.loads((pending / JOURNAL_NAME).read_text(encoding="utf-8"))
            return cls(tuple(Move(s, str(t), b, a) for s, t, b, a in data["moves"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def mark(path: Path) -> str | None:
    """The SHA-256 of the file at ``path``; ``None`` when there is no file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class CommitFailed(Exception):
    """A rename failed; ``undone`` says whether the folder holds the earlier bundle again."""

    def __init__(self, error: OSError, undone: bool) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error
        self.undone = undone


def rename(source: Path, target: Path) -> None:
    """One step of a commit; tests replace it to make a rename fail at a chosen position."""
    source.replace(target)


def put_in_place(pending: Path, folder: Path, journal: Journal) -> None:
    """Take every move not yet taken, then remove ``pending``. On a failing rename, undo all
    (raising :class:`CommitFailed`): the folder holds the earlier bundle again."""
    try:
        (pending / OLD_FOLDER).mkdir(exist_ok=True)
        for number, move in enumerate(journal.moves, 1):
            _forward(pending, folder, number, move)
            fault_point(f"committing-{number}")
    except OSError as error:
        try:
            undo(pending, folder, journal)
        except OSError:
            raise CommitFailed(error, undone=False) from None
        raise CommitFailed(error, undone=True) from None
    sync_folder(folder)
    shutil.rmtree(pending, ignore_errors=True)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _forward(pending: Path, folder: Path, number: int, move: Move) -> None:
    target = folder / move.target
    old = pending / OLD_FOLDER / str(number)
    source = None if move.source is None else pending / move.source
    if source is not None and not _exists(source):
        return  # in place already
    if not _exists(old) and _exists(target):
        rename(target, old)
    if source is not None:
        rename(source, target)


def undo(pending: Path, folder: Path, journal: Journal) -> None:
    """Take back every move taken, last first, then remove ``pending``."""
    for number in range(len(journal.moves), 0, -1):
        move = journal.moves[number - 1]
        target = folder / move.target
        old = pending / OLD_FOLDER / str(number)
        source = None if move.source is None else pending / move.source
        if source is not None and not _exists(source) and _exists(target):
            rename(target, source)
        if _exists(old):
            rename(old, target)
    sync_folder(folder)
    shutil.rmtree(pending, ignore_errors=True)


def recover(pending: Path, folder: Path) -> str:
    """Finish (or, when a rename fails, undo) or drop what a killed build left in
    ``pending``; says which it did (``finished``, ``undone``, ``dropped``). Raises
    :class:`CommitFailed` when neither finishing nor undoing works."""
    journal = Journal.load(pending)
    if journal is None and not _exists(pending / JOURNAL_NAME):
        journal = _unwritten(pending)  # left by a version that kept no journal
    if journal is None or not all(
        _as_left(pending, folder, number, move) for number, move in enumerate(journal.moves, 1)
    ):
        shutil.rmtree(pending, ignore_errors=True)
        return "dropped"
    try:
        put_in_place(pending, folder, journal)
    except CommitFailed as failed:
        if not failed.undone:
            raise
        return "undone"
    return "finished"


def _unwritten(pending: Path) -> Journal:
    """The journal of a commit folder an earlier version left: every file in it to its
    place, the manifest last, as that version would have finished it."""
    names = sorted(
        (p.name for p in pending.iterdir() if p.is_file() and not p.name.endswith(".part")),
        key=lambda name: (name.startswith("."), name),
    )
    return Journal.plan(pending, pending.parent, [(name, name) for name in names])


def _as_left(pending: Path, folder: Path, number: int, move: Move) -> bool:
    """Whether the move's place holds what the killed build left: its file as before (or
    moved into the ``old`` part), or the new one in place. Anything else was written since."""
    now = mark(folder / move.target)
    if move.source is not None and not _exists(pending / move.source):
        return now == move.after
    kept = mark(pending / OLD_FOLDER / str(number))
    return now == move.before if kept is None else now is None and kept == move.before


def sync_folder(folder: Path) -> None:
    """Make the renames durable where the system allows it (POSIX)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
