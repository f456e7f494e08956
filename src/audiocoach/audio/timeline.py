"""The timeline: every event of a session with its start and duration, in milliseconds.

It is the single source for the audio, the chapters, the transcripts and ``preview --json``:
each of those reads the same events, so they cannot disagree about when something is said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from audiocoach.script.writer import Step

EventKind = Literal["speech", "count", "cue", "tone", "rest", "pause"]


@dataclass(frozen=True)
class Event:
    """One stretch of the session: a spoken text, or a silence."""

    start_ms: int
    duration_ms: int
    kind: EventKind
    text: str | None
    """What is said, or a tone's label ("♪ start"); ``None`` for silences."""
    exercise: int | None
    """The exercise this event belongs to; ``None`` for the opening and closing."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def spoken(self) -> bool:
        """Whether a voice says something here: what transcripts and captions show."""
        return self.text is not None and self.kind != "tone"


@dataclass(frozen=True)
class Chapter:
    """Where an exercise starts and ends in a session."""

    exercise: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Timeline:
    """A session's events, back to back, from zero."""

    events: tuple[Event, ...]

    @property
    def duration_ms(self) -> int:
        return self.events[-1].end_ms if self.events else 0

    def chapters(self) -> tuple[Chapter, ...]:
        """One chapter per exercise, from its first event to the start of the next one."""
        starts: dict[int, int] = {}
        for event in self.events:
            if event.exercise is not None and event.exercise not in starts:
                starts[event.exercise] = event.start_ms
        numbers = list(starts)
        ends = [starts[n] for n in numbers[1:]] + [self._closing_start()]
        return tuple(Chapter(n, starts[n], end) for n, end in zip(numbers, ends, strict=True))

    def _closing_start(self) -> int:
        last = [e for e in self.events if e.exercise is not None]
        return last[-1].end_ms if last else self.duration_ms


def build_timeline(steps: Iterable[Step], clip_ms: Mapping[str, int]) -> Timeline:
    """Lay the script's steps end to end, given how long each text takes to say (a tone lasts
    what tones.py says).

    A line with a slot longer than its clip is followed by a pause that fills the slot, so a
    count lands on the beat whatever the voice's speed.
    """
    # Imported here, not above: encoding workers unpickle timelines, and the script module
    # brings jinja2 (some 7 MB per worker) that they never use.
    from audiocoach.audio.tones import TONES
    from audiocoach.script.writer import Line, Tone

    events: list[Event] = []
    now = 0

    def add(duration: int, kind: EventKind, text: str | None, exercise: int | None) -> None:
        nonlocal now
        if duration > 0:
            events.append(Event(now, duration, kind, text, exercise))
            now += duration

    for step in steps:
        if isinstance(step, Line):
            length = clip_ms[step.text]
            add(length, step.kind, step.text, step.exercise)
            add(step.slot_ms - length, "pause", None, step.exercise)
        elif isinstance(step, Tone):
            add(TONES[step.label].ms, "tone", step.label, step.exercise)
        else:
            add(step.ms, step.kind, None, step.exercise)
    return Timeline(tuple(events))
