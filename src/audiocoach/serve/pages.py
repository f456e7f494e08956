"""What the pages show, made ready for the templates: the preview's phases (as ``preview``
shows them), each exercise's dosage fields. No requests and no state here."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from audiocoach.model.dosage import applies
from audiocoach.model.program import Program
from audiocoach.model.settings import DOSAGE_SETTINGS, RATE
from audiocoach.pipeline.preview import clock
from audiocoach.serve.form import exercise_field


def templates() -> jinja2.Environment:
    """The pages' templates; every value is escaped, a missing one is an error."""
    folder = Path(str(resources.files("audiocoach.serve") / "templates"))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def overall_fields() -> list[dict[str, str]]:
    """The dosage fields for every exercise: name, label and bounds from the settings table."""
    from audiocoach.serve.form import overall

    return [{"name": name, "label": s.label, "hint": s.dutch_span} for name, s in overall().items()]


def rate_field() -> dict[str, str]:
    """The speaking rate's label and bounds, from the settings table."""
    return {"label": RATE.label, "hint": RATE.dutch_span}


def exercise_fields(program: Program) -> list[dict[str, Any]]:
    """Each exercise with the dosage fields that mean something for it, and the card's values."""
    return [
        {
            "number": e.number,
            "name": e.name,
            "fields": [
                {
                    "name": exercise_field(e.number, key),
                    "label": setting.label,
                    "card": str(getattr(e.dosage, key)),
                }
                for key, setting in DOSAGE_SETTINGS.items()
                if applies(key, e.dosage)
            ],
        }
        for e in program.exercises
    ]


def preview_view(data: Mapping[str, Any]) -> dict[str, Any]:
    """``preview --json``'s phases as the page shows them: each with the title, script and
    length ``preview`` shows (made where the sessions are, by the same functions), and the
    length warnings ``preview`` prints."""
    shown = [
        {
            "title": phase["heading"],
            "file": phase["file"],
            "duration_s": phase["duration_s"],
            "minutes": clock(round(phase["duration_s"] * 1000)),
            "per_day": phase["per_day"],
            "script": phase["script"],
        }
        for phase in data["phases"]
    ]
    return {"phases": shown, "warnings": list(data.get("warnings", ()))}
