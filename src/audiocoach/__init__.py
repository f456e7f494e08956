"""audiocoach: a physiotherapist's home-exercise card as voice-guided Dutch audio sessions.

The public API is what ``__all__`` names; everything else may change between versions::

    from pathlib import Path
    import audiocoach

    program = audiocoach.load_program()  # the built-in card
    voice = audiocoach.choose_voice(program)  # the Dutch engine voice, behind the speech cache
    for built in audiocoach.build(program, Path("uitvoer"), voice):
        print(built.path, built.duration_ms)

Names are imported when first used, not with the package: an encoding worker imports
``audiocoach.pipeline.phase_file`` and must not load the speech engine or the templates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from audiocoach.errors import (
        AudiocoachError,
        DosageError,
        Interrupted,
        OutputError,
        PatientError,
        ProgramError,
        ScriptError,
        SpeechError,
        UrlError,
    )
    from audiocoach.model.patient import PatientFile, Plan, PlanOptions, plan_from_options
    from audiocoach.model.program import Dosage, Exercise, Phase, Program
    from audiocoach.model.program_file import load_program
    from audiocoach.pipeline.build import build, build_many
    from audiocoach.pipeline.target import BuiltFile, Target
    from audiocoach.pipeline.voices import choose_voice, voice_for_plan
    from audiocoach.sound import Sound
    from audiocoach.speech.voice import Voice

_HOMES = {
    "AudiocoachError": "audiocoach.errors",
    "DosageError": "audiocoach.errors",
    "Interrupted": "audiocoach.errors",
    "OutputError": "audiocoach.errors",
    "PatientError": "audiocoach.errors",
    "ProgramError": "audiocoach.errors",
    "ScriptError": "audiocoach.errors",
    "SpeechError": "audiocoach.errors",
    "UrlError": "audiocoach.errors",
    "PatientFile": "audiocoach.model.patient",
    "Plan": "audiocoach.model.patient",
    "PlanOptions": "audiocoach.model.patient",
    "plan_from_options": "audiocoach.model.patient",
    "Dosage": "audiocoach.model.program",
    "Exercise": "audiocoach.model.program",
    "Phase": "audiocoach.model.program",
    "Program": "audiocoach.model.program",
    "load_program": "audiocoach.model.program_file",
    "build": "audiocoach.pipeline.build",
    "build_many": "audiocoach.pipeline.build",
    "BuiltFile": "audiocoach.pipeline.target",
    "Target": "audiocoach.pipeline.target",
    "Voice": "audiocoach.speech.voice",
    "Sound": "audiocoach.sound",
    "choose_voice": "audiocoach.pipeline.voices",
    "voice_for_plan": "audiocoach.pipeline.voices",
}
"""Where each public name is defined (a test checks this against ``__all__``)."""

__all__ = [
    "AudiocoachError",
    "BuiltFile",
    "Dosage",
    "DosageError",
    "Exercise",
    "Interrupted",
    "OutputError",
    "PatientError",
    "PatientFile",
    "Phase",
    "Plan",
    "PlanOptions",
    "Program",
    "ProgramError",
    "ScriptError",
    "Sound",
    "SpeechError",
    "Target",
    "UrlError",
    "Voice",
    "__version__",
    "build",
    "build_many",
    "choose_voice",
    "load_program",
    "plan_from_options",
    "voice_for_plan",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'audiocoach' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
