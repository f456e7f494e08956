"""The sessions as data for people and tools: ``audiocoach preview`` and ``--json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audiocoach.model.program import Program
from audiocoach.script.dutch import written_forms
from audiocoach.script.session import Session, time_per_day


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
    """The script as a person reads it: time stamps and what is said (words respelled for the
    voice written as on the card, "plafond" not "pla-fond"), silences summed up."""
    lines = [program.title]
    for s in sessions:
        minutes, seconds = divmod(round(s.timeline.duration_ms / 1000), 60)
        short = ", kort" if s.variant == "kort" else ""
        lines += [
            "",
            f"Fase {s.phase.number}: {s.phase.title}{short} ({minutes}:{seconds:02d})"
            f" -> {s.file_name}",
            f"      {time_per_day(program, s.timeline.duration_ms)}",
        ]
        for e in s.timeline.events:
            stamp = f"{e.start_ms // 60000:3d}:{e.start_ms // 1000 % 60:02d}"
            if e.kind == "tone":
                lines.append(f"{stamp}  ({e.text})")
            elif e.text is not None:
                lines.append(f"{stamp}  {written_forms(e.text)}")
            elif e.kind == "rest":
                lines.append(f"{stamp}  (rust {e.duration_ms / 1000:g} s)")
    return "\n".join(lines)
