"""What a session's script decides: the file it becomes, and what it asks of a day.

The session itself, the script laid out on its timeline, is ``audio/session.py``'s, beside the
timeline it holds (a layer after the script).
"""

from __future__ import annotations

from audiocoach.model.program import Phase, Program, safe_slug
from audiocoach.script.writer import SessionScript, Variant


class OfScript:
    """What anything made from one session script knows through it: phase, variant, file."""

    script: SessionScript

    @property
    def phase(self) -> Phase:
        return self.script.phase

    @property
    def variant(self) -> Variant:
        return self.script.variant

    @property
    def file_name(self) -> str:
        return session_file_name(self.phase, self.variant)


def session_file_name(phase: Phase, variant: Variant) -> str:
    """``fase-1a-gehele-periode.mp3``, ``fase-1b-gehele-periode-kort.mp3``: the one home of a
    session file's name.

    Names sort in the order of the playlist (phase 1 before 2, the full session before the
    short one), so a player or car stereo that plays a folder by name plays them in order: the
    letter after the phase number decides, not the ``-kort`` that ``.`` would sort after. Safe
    whatever the program file says. Phases 10 and up would sort before 2; the card has two.
    """
    letter, short = ("b", "-kort") if variant == "kort" else ("a", "")
    return f"fase-{phase.number}{letter}-{safe_slug(phase.title)}{short}.mp3"


def session_title(phase: Phase, variant: Variant) -> str:
    """``Fase 1: Gehele periode (met uitleg)``, ``Fase 1: Gehele periode (kort)``: the one
    home of a session's name, in the tags, playlist, feed, page, ``preview`` and serve, so a
    player and a person tell the two sessions of a phase apart the same way everywhere."""
    kind = "kort" if variant == "kort" else "met uitleg"
    return f"Fase {phase.number}: {phase.title} ({kind})"


def time_per_day(program: Program, duration_ms: int) -> str:
    """What one session's length asks of a day at the card's frequency, for the therapist to
    see before handing it out: "3 tot 5 keer per dag: 51 tot 85 minuten"."""
    fewest, most = program.times_per_day
    low, high = (round(duration_ms * times / 60_000) for times in (fewest, most))
    if fewest == most:
        return f"{fewest} keer per dag: {low} minuten"
    return f"{fewest} tot {most} keer per dag: {low} tot {high} minuten"
