"""What an output folder holds for a patient: the session files present and intact, described.

The page, the playlist and the feed list the session files in the folder, not the phases of
the build that happens to run: ``build`` then ``build --phase 1`` must still show phase 2,
whose MP3 is still there. A build cannot describe that file from its own program (its dosage
may have been another), so when a session file is written its description is kept in the
folder's manifest (``export.describe``, a :class:`~audiocoach.output.record.SessionRecord`),
and every later build reads it back (:func:`present`).
A file that is missing, or whose bytes are not those the manifest recorded, is not listed: the
page and the feed never promise bytes that are not there.

Nothing here assumes one file per phase: every described file is listed, in the order of its
phase, then its ``variant`` (0 for the full session), then its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audiocoach.audio.timeline import Timeline
from audiocoach.model.program import Phase
from audiocoach.output.manifest import Entry, Manifest
from audiocoach.output.record import ExerciseText
from audiocoach.script.session import session_file_name


@dataclass(frozen=True)
class SessionFile:
    """One session file in the folder, as the page, playlist and feed describe it."""

    name: str
    """The MP3's file name in the folder."""
    phase: Phase
    title: str
    """The whole title, as in the MP3's tags: ``Fase 1: Begin (met uitleg) – <program>``."""
    short_title: str
    """The session's title on the page: ``Fase 1: Gehele periode (kort)``."""
    exercises: tuple[ExerciseText, ...]
    """The exercises of this file with the dosage it was made with, in the card's order."""
    timeline: Timeline
    chapter_titles: dict[int, str]
    """Each exercise's chapter title, as the MP3's CHAP frame says it."""
    size: int
    sha256: str
    variant: str = "volledig"
    """``volledig`` (the first time, with every explanation) or ``kort`` (every day after)."""
    written: int = 0
    """When these bytes were first written (Unix seconds), as the manifest recorded."""

    @property
    def duration_ms(self) -> int:
        return self.timeline.duration_ms

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def exercise(self, number: int) -> ExerciseText:
        """The exercise with that number, as this file does it."""
        for exercise in self.exercises:
            if exercise.number == number:
                return exercise
        raise KeyError(number)

    def chapter_title(self, number: int) -> str:
        """``Oefening 7: <title>``, as the MP3's chapter says."""
        return self.chapter_titles.get(number) or f"Oefening {number}"


def _read(name: str, entry: Entry) -> SessionFile | None:
    """The file ``name`` as its entry's record describes it; ``None`` without a record."""
    record = entry.about
    if record is None:
        return None
    return SessionFile(
        name=name,
        phase=record.phase,
        title=record.title,
        short_title=record.short_title,
        exercises=record.exercises,
        timeline=record.timeline,
        chapter_titles=dict(record.chapter_titles),
        size=entry.size,
        sha256=entry.sha256,
        variant=record.variant,
        written=entry.written,
    )


Locate = Callable[[str], Path]
"""Where a file of the folder is now, by name: the folder itself, or where a build staged it."""


def present(manifest: Manifest, locate: Locate | None = None) -> list[SessionFile]:
    """Every session file of the folder that is there, intact and described, in order.

    Intact means the size and SHA-256 the manifest recorded when the file was written: a file
    changed or cut short since is not listed, nor is one the manifest does not know. Each file
    is looked for where ``locate`` says (by default in the manifest's folder).
    """
    files = []
    for name in sorted(manifest.entries):
        entry = manifest.intact(name, None if locate is None else locate(name))
        described = None if entry is None else _read(name, entry)
        # A file named as an older version named sessions (before names sorted in playlist
        # order) stays on disk but is not listed beside its successor.
        if described is not None and name == _named(described):
            files.append(described)
    return sorted(files, key=lambda f: (f.phase.number, f.variant != "volledig", f.name))


def _named(file: SessionFile) -> str:
    """The name this version gives the session the file holds."""
    return session_file_name(file.phase, "kort" if file.variant == "kort" else "volledig")
