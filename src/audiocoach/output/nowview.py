"""What the page shows while a session plays, read from the session's own timeline.

The page's now-view ("what to do now", in large type, readable from a mat) must never be out
of step with the MP3, so it is not recomputed in the browser: each session file's timeline
(the events ``preview --json`` gives) becomes a list of *steps*, one where what the view shows
changes, and the page's script only looks up the step at the player's current time. A step
says the exercise, the set ("Serie 2 van 3"), the count, cue or sentence being said, until
when a rest or a hold lasts (the script counts the seconds down), and what comes next.

Sets are found in the timeline as the card's counting makes them: an exercise has as many
sets as its first count word ("één"; "drie" in a hold's count-down) is said; the first set
begins with its tone, first count or cue, or its hold, and the announcement after a rest
belongs to the set that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audiocoach.audio.timeline import Event
from audiocoach.output.listing import SessionFile
from audiocoach.script.dutch import written_forms

HOLD_MIN_MS = 5000
"""A silence this long inside a set, not a rest, is a hold: the view counts it down (the time
to take position, four seconds, is not)."""


@dataclass(frozen=True)
class Step:
    """What the now-view shows from ``start_ms`` on, until the next step."""

    start_ms: int
    exercise: str
    """``Oefening 5: Knie naar de andere schouder``, or empty in the opening and closing."""
    set_: int
    """The set being done or just done; 0 before the first."""
    sets: int
    said: str
    """The count, cue or sentence being said (or last said), as written."""
    said_kind: str
    """``count``, ``cue`` or ``speech``: the view shows a count or cue largest."""
    until_ms: int
    """The end of the rest or hold in progress, else 0."""
    countdown: str
    """``Rust`` or ``Vasthouden`` while ``until_ms`` is set."""
    next: str

    def as_data(self) -> list[object]:
        """The step as the page's script reads it: a list, to keep the page small."""
        return [
            self.start_ms,
            self.exercise,
            self.set_,
            self.sets,
            self.said,
            self.said_kind,
            self.until_ms,
            self.countdown,
            self.next,
        ]


def _sets(events: Sequence[Event]) -> tuple[dict[int, int], list[int]]:
    """Per exercise, how many sets; per event, the set it belongs to (0: before the first)."""
    first: dict[int, str] = {}
    totals: dict[int, int] = {}
    for event in events:
        if event.kind == "count" and event.exercise is not None:
            word = first.setdefault(event.exercise, event.text or "")
            if event.text == word:
                totals[event.exercise] = totals.get(event.exercise, 0) + 1
    numbers, current, started = [], 0, 0
    exercise: int | None = None
    after_rest = False
    for event in events:
        if event.exercise != exercise:
            exercise, current, started, after_rest = event.exercise, 0, 0, False
        total = totals.get(exercise, 0) if exercise is not None else 0
        if after_rest and event.kind != "rest" and started < total:
            current, after_rest = started + 1, False
        if event.kind == "count" and exercise is not None and event.text == first[exercise]:
            started += 1
            current = started
        elif current == 0 and total and _begins_a_set(event):
            current = 1
        if event.kind == "rest":
            after_rest = True
        numbers.append(current)
    return totals, numbers


def _begins_a_set(event: Event) -> bool:
    """The first sign of an exercise's first set: its tone, a count or cue, or a hold."""
    if event.kind in ("tone", "count", "cue"):
        return True
    return event.kind == "pause" and event.duration_ms >= HOLD_MIN_MS


def _countdowns(events: Sequence[Event]) -> list[tuple[int, str]]:
    """Per event, the end of the rest or hold it is part of (0 where none) and its name."""
    ends: list[tuple[int, str]] = [(0, "")] * len(events)
    for index, event in enumerate(events):
        if event.kind == "rest":
            kinds: tuple[str, ...] = ("count", "cue", "tone")
            label = "Rust"
        elif event.kind == "pause" and event.duration_ms >= HOLD_MIN_MS:
            kinds, label = ("speech",), "Vasthouden"
        else:
            continue
        end = events[-1].end_ms
        for later in events[index + 1 :]:
            if later.kind in kinds or later.exercise != event.exercise:
                end = later.start_ms
                break
        for within in range(index, len(events)):
            if events[within].start_ms >= end:
                break
            if ends[within][0] == 0:
                ends[within] = (end, label)
    return ends


def steps(file: SessionFile) -> list[Step]:
    """The now-view of one session file, step by step, from its timeline."""
    events = file.timeline.events
    totals, numbers = _sets(events)
    countdowns = _countdowns(events)
    order = [c.exercise for c in file.timeline.chapters()]
    shown: list[Step] = []
    said, said_kind = "", ""
    seen = False  # an exercise has begun: a stretch with no exercise after it is the closing
    for event, set_, (until, countdown) in zip(events, numbers, countdowns, strict=True):
        if event.spoken and event.kind != "tone":
            said, said_kind = written_forms(event.text or ""), event.kind
        number = event.exercise
        seen = seen or number is not None
        sets = totals.get(number, 0) if number is not None else 0
        step = Step(
            event.start_ms,
            "" if number is None else file.chapter_title(number),
            set_,
            sets,
            said,
            said_kind,
            until,
            countdown,
            _next(file, [] if seen and number is None else order, number, set_, sets),
        )
        if not shown or step.as_data()[1:] != shown[-1].as_data()[1:]:
            shown.append(step)
    return shown


def _next(file: SessionFile, order: list[int], number: int | None, set_: int, sets: int) -> str:
    """What comes after the set being done: the next set, the next exercise, or the end."""
    if number is not None and set_ < sets:
        return f"Serie {set_ + 1} van {sets}"
    later = order[order.index(number) + 1 :] if number in order else order
    return file.chapter_title(later[0]) if later else "Einde van de sessie"


def chapters(file: SessionFile) -> list[list[object]]:
    """Each exercise's chapter (start in seconds, title), as in the MP3's tags: the page's
    previous and next track go to these."""
    return [[c.start_ms / 1000, file.chapter_title(c.exercise)] for c in file.timeline.chapters()]
