"""What an output folder holds for a patient: the session files present and intact, described.

The page, the playlist and the feed list the session files in the folder, not the phases of
the build that happens to run: ``build`` then ``build --phase 1`` must still show phase 2,
whose MP3 is still there. A build cannot describe that file from its own program (its dosage
may have been another), so when a session file is written its description is kept in the
folder's manifest (:func:`describe`), and every later build reads it back (:func:`present`).
A file that is missing, or whose bytes are not those the manifest recorded, is not listed: the
page and the feed never promise bytes that are not there.

Nothing here assumes one file per phase: every described file is listed, in the order of its
phase, then its ``variant`` (0 for the full session), then its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from audiocoach.manifest import Manifest
from audiocoach.program import Dosage, Exercise, Phase, Program
from audiocoach.session import Session
from audiocoach.tags import chapter_title, phase_title, session_title
from audiocoach.timeline import Event, Timeline

ABOUT_VERSION = 1
"""Raise when the description's shape changes; older descriptions are then not trusted."""


@dataclass(frozen=True)
class SessionFile:
    """One session file in the folder, as the page, playlist and feed describe it."""

    name: str
    """The MP3's file name in the folder."""
    phase: Phase
    title: str
    """The whole title, as in the MP3's tags: ``Fase 1: Gehele periode – <program>``."""
    short_title: str
    """The title on the page: ``Fase 1: Gehele periode``."""
    exercises: tuple[Exercise, ...]
    """The exercises of this file with the dosage it was made with, in the card's order."""
    timeline: Timeline
    chapter_titles: dict[int, str]
    """Each exercise's chapter title, as the MP3's CHAP frame says it."""
    size: int
    sha256: str
    variant: int = 0
    """Orders several files of one phase (0: the full session)."""

    @property
    def duration_ms(self) -> int:
        return self.timeline.duration_ms

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def exercise(self, number: int) -> Exercise:
        """The exercise with that number, as this file does it."""
        for exercise in self.exercises:
            if exercise.number == number:
                return exercise
        raise KeyError(number)

    def chapter_title(self, number: int) -> str:
        """``Oefening 7: <title>``, as the MP3's chapter says."""
        return self.chapter_titles.get(number) or f"Oefening {number}"


def describe(program: Program, session: Session, variant: int = 0) -> dict[str, Any]:
    """What the manifest keeps about a session file just written: plain JSON data."""
    numbers = set(session.phase.exercises)
    exercises = [asdict(e) for e in program.exercises if e.number in numbers]
    return {
        "version": ABOUT_VERSION,
        "phase": asdict(session.phase),
        "title": session_title(program, session),
        "short_title": phase_title(session),
        "chapters": {
            str(c.exercise): chapter_title(program, c.exercise) for c in session.timeline.chapters()
        },
        "exercises": exercises,
        "events": [
            [e.start_ms, e.duration_ms, e.kind, e.text, e.exercise] for e in session.timeline.events
        ],
        "variant": variant,
    }


def _read(name: str, about: dict[str, Any], size: int, sha256: str) -> SessionFile | None:
    """A description read back; ``None`` when it is not one this version wrote."""
    try:
        if about.get("version") != ABOUT_VERSION:
            return None
        phase = dict(about["phase"])
        exercises = []
        for record in about["exercises"]:
            fields = dict(record)
            dosage = dict(fields.pop("dosage"))
            dosage["cues"] = tuple(dosage.get("cues", ()))
            exercises.append(Exercise(**fields, dosage=Dosage(**dosage)))
        events = tuple(
            Event(int(start), int(length), kind, text, exercise)
            for start, length, kind, text, exercise in about["events"]
        )
        return SessionFile(
            name=name,
            phase=Phase(
                int(phase["number"]),
                str(phase["title"]),
                tuple(phase["exercises"]),
                tuple(phase.get("fixed", ())),
            ),
            title=str(about["title"]),
            short_title=str(about["short_title"]),
            exercises=tuple(exercises),
            timeline=Timeline(events),
            chapter_titles={int(n): str(t) for n, t in about["chapters"].items()},
            size=size,
            sha256=sha256,
            variant=int(about.get("variant", 0)),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


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
        if entry is None or entry.about is None:
            continue
        described = _read(name, entry.about, entry.size, entry.sha256)
        if described is not None:
            files.append(described)
    return sorted(files, key=lambda f: (f.phase.number, f.variant, f.name))
