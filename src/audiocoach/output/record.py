"""What the manifest keeps about a session file, typed, and read back in one place.

When a session file is written, the words and numbers the page, playlist and feed say about it
(titles, exercises with their dosage in words, chapters, the timeline) are kept in the folder's
manifest as a :class:`SessionRecord`, so later builds list the file exactly as it was made even
when their own program differs (``build``, then ``build --phase 1``).

A record is written by :meth:`SessionRecord.to_json` and read only by
:meth:`SessionRecord.from_json`, which checks every field's type: anything else (another
:data:`RECORD_VERSION`, a missing field, a string where a number belongs) reads as no record,
never as a guess. A record holds words and numbers only, not the program's classes, so a new
field of an exercise does not make the files a folder holds unreadable.

To add a field: give it a default here, write it in :meth:`~SessionRecord.to_json`, read it
in :meth:`~SessionRecord.from_json` with that default when it is absent (older records), and
raise :data:`RECORD_VERSION` only when an old record would now be read wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_args

from audiocoach.audio.timeline import Event, EventKind, Timeline
from audiocoach.model.program import Phase

RECORD_VERSION = 1
"""The record's shape; an older or newer record is not trusted (the file is not listed)."""

T = TypeVar("T")


class Garbage(ValueError):
    """A value of a manifest that is not what this version writes there."""


def typed(value: object, kind: type[T]) -> T:
    """``value`` when it is a ``kind`` (a ``bool`` is no ``int`` here), else :class:`Garbage`."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Garbage(f"{kind.__name__} expected")
    return value


def optional(value: object, kind: type[T]) -> T | None:
    return None if value is None else typed(value, kind)


def numbers(value: object) -> tuple[int, ...]:
    """A JSON list of whole numbers, as a tuple."""
    return tuple(typed(item, int) for item in typed(value, list))


_KINDS: dict[str, EventKind] = {kind: kind for kind in get_args(EventKind)}


def _kind(value: object) -> EventKind:
    kind = typed(value, str)
    if kind not in _KINDS:
        raise Garbage(f"no event kind: {kind}")
    return _KINDS[kind]


@dataclass(frozen=True)
class ExerciseText:
    """One exercise of a session file as the page shows it, with the dosage it was made with."""

    number: int
    name: str
    """Its own short name ("Knieën opzij")."""
    title: str
    """The card's title."""
    instruction: str
    execution: str
    """The dosage in words, as in the schedule: "Tien keer links en rechts, …"."""


@dataclass(frozen=True)
class SessionRecord:
    """What the page, playlist and feed say about one session file, as it was made."""

    phase: Phase
    """The phase's number, title and exercises (:func:`kept_phase`: the rest is not kept)."""
    title: str
    """The whole title, as in the MP3's tags."""
    short_title: str
    """The title on the page."""
    exercises: tuple[ExerciseText, ...]
    timeline: Timeline
    chapter_titles: Mapping[int, str] = field(default_factory=dict)
    """Each exercise's chapter title, as the MP3's CHAP frame says it."""
    variant: str = "volledig"
    """``volledig`` (the first time, with every explanation) or ``kort`` (every day after)."""

    def to_json(self) -> dict[str, Any]:
        """The record as the manifest's JSON holds it."""
        phase = self.phase
        return {
            "version": RECORD_VERSION,
            "phase": {
                "number": phase.number,
                "title": phase.title,
                "exercises": list(phase.exercises),
                "fixed": list(phase.fixed),
                "selected": phase.selected,
            },
            "title": self.title,
            "short_title": self.short_title,
            "chapters": {str(n): t for n, t in self.chapter_titles.items()},
            "exercises": [
                {
                    "number": e.number,
                    "name": e.name,
                    "title": e.title,
                    "instruction": e.instruction,
                    "execution": e.execution,
                }
                for e in self.exercises
            ],
            "events": [
                [e.start_ms, e.duration_ms, e.kind, e.text, e.exercise]
                for e in self.timeline.events
            ],
            "variant": self.variant,
        }

    @classmethod
    def from_json(cls, data: object) -> SessionRecord | None:
        """The record :meth:`to_json` wrote; ``None`` for anything else (see the module)."""
        try:
            about = typed(data, dict)
            if about.get("version") != RECORD_VERSION:
                return None
            return cls(
                phase=_phase(about["phase"]),
                title=typed(about["title"], str),
                short_title=typed(about["short_title"], str),
                exercises=tuple(_exercise(e) for e in typed(about["exercises"], list)),
                timeline=Timeline(tuple(_event(e) for e in typed(about["events"], list))),
                chapter_titles={
                    int(n): typed(t, str) for n, t in typed(about["chapters"], dict).items()
                },
                variant=typed(about.get("variant", "volledig"), str),
            )
        except (KeyError, TypeError, ValueError):  # Garbage is a ValueError
            return None


def kept_phase(phase: Phase) -> Phase:
    """What a record keeps of a phase: a record made now equals the same record read back."""
    return Phase(phase.number, phase.title, phase.exercises, phase.fixed, phase.selected)


def _phase(value: object) -> Phase:
    phase = typed(value, dict)
    return Phase(
        typed(phase["number"], int),
        typed(phase["title"], str),
        numbers(phase["exercises"]),
        numbers(phase.get("fixed", [])),
        typed(phase.get("selected", False), bool),
    )


def _exercise(value: object) -> ExerciseText:
    exercise = typed(value, dict)
    number = typed(exercise["number"], int)
    texts = [typed(exercise[key], str) for key in ("name", "title", "instruction", "execution")]
    return ExerciseText(number, *texts)


def _event(value: object) -> Event:
    event = typed(value, list)
    if len(event) != 5:
        raise Garbage("an event has five values")
    start, length, kind, text, exercise = event
    return Event(
        typed(start, int),
        typed(length, int),
        _kind(kind),
        optional(text, str),
        optional(exercise, int),
    )
