"""How long the sessions are, and a warning when a patient's day gets long.

A patient keeps doing a program that is short. The dosage is the therapist's, so a long
session is never refused: ``preview``, ``build`` and ``serve`` show one plain line per phase
that is long, naming the exercises that make it so, and build it all the same. The bounds
live here, and only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from audiocoach.audio.timeline import Timeline
from audiocoach.model.program import Phase, Program
from audiocoach.script.writer import Variant

SESSION_WARN_MS = 20 * 60_000
"""A session longer than this (20 minutes) gets a warning."""
DAY_WARN_MS = 60 * 60_000
"""A day longer than this (an hour) at the card's most times a day gets a warning."""
NAMED = 3
"""How many of the longest exercises a warning names."""


class Heard(Protocol):
    """A session as laid out: a :class:`~audiocoach.audio.session.Session`, or a file a build
    wrote or kept (:class:`~audiocoach.pipeline.target.BuiltFile`)."""

    @property
    def phase(self) -> Phase: ...

    @property
    def variant(self) -> Variant: ...

    @property
    def timeline(self) -> Timeline: ...


def length_warnings(program: Program, sessions: Iterable[Heard]) -> list[str]:
    """One line per phase whose session is longer than 20 minutes, or whose day at the card's
    most times a day is longer than an hour; none when every phase is short enough.

    A day is the phase's shortest session (the short one, for every day) times the card's
    most times a day (``times_per_day``).
    """
    by_phase: dict[int, list[Heard]] = {}
    for session in sessions:
        if session.timeline.events:  # a kept file an older manifest did not describe: unknown
            by_phase.setdefault(session.phase.number, []).append(session)
    warnings = []
    for number, heard in by_phase.items():
        warning = _phase_warning(program, number, heard)
        if warning:
            warnings.append(warning)
    return warnings


def _phase_warning(program: Program, number: int, heard: Sequence[Heard]) -> str | None:
    """The warning for one phase's sessions, or ``None``."""
    daily = min(heard, key=lambda s: s.timeline.duration_ms)
    most = program.times_per_day[1]
    day_ms = daily.timeline.duration_ms * most
    long = [s for s in heard if s.timeline.duration_ms > SESSION_WARN_MS]
    if not long and day_ms <= DAY_WARN_MS:
        return None
    said = []
    if long:
        lengths = " en ".join(f"{s.variant} {_minutes(s.timeline.duration_ms)}" for s in long)
        said.append(f"de sessie duurt {lengths}, langer dan {_minutes(SESSION_WARN_MS)}")
    if day_ms > DAY_WARN_MS:
        said.append(
            f"{most} keer per dag {daily.variant} is {_minutes(day_ms)}, "
            f"meer dan {_minutes(DAY_WARN_MS)} per dag"
        )
    shorter = "minder oefeningen, series of herhalingen maken het korter."
    longest = _longest(daily)
    advice = f"Het langst duren {longest}: {shorter}" if longest else shorter.capitalize()
    return f"Let op, fase {number}: {'; '.join(said)}. {advice}"


def _minutes(ms: int) -> str:
    """A length as the warning says it: "17 minuten", "1 uur", "2 uur 5 minuten"."""
    minutes = round(ms / 60_000)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} minuten"
    return f"{hours} uur" + (f" {rest} minuten" if rest else "")


def _longest(session: Heard) -> str:
    """The exercises that take longest in ``session``, with their minutes."""
    chapters = sorted(session.timeline.chapters(), key=lambda c: c.start_ms - c.end_ms)
    named = [f"oefening {c.exercise} ({_minutes(c.end_ms - c.start_ms)})" for c in chapters[:NAMED]]
    return ", ".join(named[:-1]) + f" en {named[-1]}" if len(named) > 1 else "".join(named)
