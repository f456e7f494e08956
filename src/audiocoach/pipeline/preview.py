"""The sessions for people and tools: ``audiocoach preview`` (a summary), ``--script`` (the
whole script) and ``--json`` (the timelines as data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audiocoach.audio.session import Session
from audiocoach.audio.timeline import Timeline
from audiocoach.model.patterns import cueing
from audiocoach.model.program import Program
from audiocoach.script.dutch import written_forms
from audiocoach.script.session import session_title, time_per_day


def preview_data(program: Program, sessions: Sequence[Session]) -> dict[str, Any]:
    """The documented JSON shape; tools and tests rely on it, so change it only on purpose."""
    return {
        "program": program.title,
        "phases": [
            {
                "number": s.phase.number,
                "title": s.phase.title,
                "variant": s.variant,
                "file": s.file_name,
                "duration_s": s.timeline.duration_ms / 1000,
                "exercises": list(s.phase.exercises),
                "events": [
                    {
                        "start_s": e.start_ms / 1000,
                        "duration_s": e.duration_ms / 1000,
                        "kind": e.kind,
                        "text": e.text,
                        "exercise": e.exercise,
                    }
                    for e in s.timeline.events
                ],
            }
            for s in sessions
        ],
    }


def preview_text(program: Program, sessions: Sequence[Session]) -> str:
    """The script as a person reads it: each session's heading, then what is said when."""
    lines = [program.title]
    for s in sessions:
        lines += ["", session_heading(s), f"      {time_per_day(program, s.timeline.duration_ms)}"]
        lines += script_lines(s.timeline)
    return "\n".join(lines)


def session_heading(session: Session) -> str:
    """``Fase 1: Gehele periode (met uitleg), 13:08 -> fase-1a-gehele-periode.mp3``."""
    title = session_title(session.phase, session.variant)
    return f"{title}, {clock(session.timeline.duration_ms)} -> {session.file_name}"


def clock(ms: int) -> str:
    """``13:08``: a length or a time in whole seconds (rounded), as a player shows it."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes}:{seconds:02d}"


def script_lines(timeline: Timeline) -> list[str]:
    """One line per thing heard, at its time: what is said (words respelled or given as
    phonemes for the voice written as on the card, "plafond" not "pla-fond"), tones and rests
    in brackets, other silences summed up. ``preview --script`` and serve's preview show it."""
    lines = []
    for e in timeline.events:
        stamp = f"{clock(e.start_ms // 1000 * 1000):>6}"  # the second it starts in
        if e.kind == "tone":
            lines.append(f"{stamp}  ({e.text})")
        elif e.text is not None:
            lines.append(f"{stamp}  {written_forms(e.text)}")
        elif e.kind == "rest":
            lines.append(f"{stamp}  (rust {e.duration_ms / 1000:g} s)")
    return lines


def preview_summary(program: Program, sessions: Sequence[Session]) -> str:
    """The sessions at a glance, for the therapist before building: per phase each session's
    file, length and time a day, then its exercises with their dosage in the page's words.
    The two sessions of a phase do the same exercises, so those are listed once."""
    lines = [program.title]
    phases: dict[int, list[Session]] = {}
    for s in sessions:
        phases.setdefault(s.phase.number, []).append(s)
    for group in phases.values():
        phase = group[0].phase
        lines += ["", f"Fase {phase.number}: {phase.title}"]
        width = max(len(s.file_name) for s in group)
        for s in group:
            per_day = time_per_day(program, s.timeline.duration_ms)
            lines.append(f"  {s.file_name:<{width}}  {clock(s.timeline.duration_ms):>6}  {per_day}")
        for number in phase.exercises:
            exercise = program.exercise(number)
            lines.append(f"  {number:>2}  {exercise.name}: {cueing(exercise.dosage).words()}")
    return "\n".join(lines)
