"""The command line's options and arguments, each declared once with its help text.

A command names an option by its type (``quiet: QuietOption = False``): plain typer
declarations that mypy sees as they are. ``build``, ``preview`` and ``phrases`` each list the
options that lay a plan over a patient file (program, voice, rate, dosage, selection, phase,
tones) and hand them on as one :class:`~audiocoach.model.patient.PlanOptions`; a test holds
the three to the same declarations.

Help reads as click shows it: a flag has no value, a value option a metavar that says what
goes there (``--reps N``, ``--out FOLDER``), and each default is said once, by typer
(``[default: output]``) where the option has one, else in the help text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any

import typer

from audiocoach.model.patient import PlanOptions
from audiocoach.model.settings import DOSAGE_SETTINGS as _D
from audiocoach.model.settings import JOBS, PORT, RATE
from audiocoach.pipeline.parallel import INLINE_BELOW_MS, MAX_DEFAULT_WORKERS
from audiocoach.speech.engines import voice_help
from audiocoach.speech.espeak import DEFAULT_RATE

# The options that lay a plan over a patient file, shared by build, preview and phrases.
ProgramOption = Annotated[
    Path | None,
    typer.Option(
        "--program", metavar="FILE", help="A program file (TOML) instead of the built-in card."
    ),
]
VoiceOption = Annotated[
    str | None,
    typer.Option(
        "--voice",
        metavar="VOICE",
        help=voice_help(),
    ),
]
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate",
        metavar="WPM",
        help=f"Speaking rate in words per minute, {RATE.span} (default {DEFAULT_RATE}).",
    ),
]
RepsOption = Annotated[
    str | None,
    typer.Option(
        "--reps",
        metavar="N",
        help=f"Repetitions per set for every counted exercise ({_D['reps'].span}).",
    ),
]
SetsOption = Annotated[
    str | None,
    typer.Option("--sets", metavar="N", help=f"Sets for every exercise ({_D['sets'].span})."),
]
RestOption = Annotated[
    str | None,
    typer.Option(
        "--rest",
        metavar="SECONDS",
        help=f"Seconds of rest after each set, every exercise ({_D['rest_s'].span}).",
    ),
]
HoldOption = Annotated[
    str | None,
    typer.Option(
        "--hold", metavar="SECONDS", help=f"Seconds of every held exercise ({_D['hold_s'].span})."
    ),
]
SelectOption = Annotated[
    str | None,
    typer.Option(
        "--select",
        metavar="EXERCISES",
        help=(
            "The exercises chosen where a phase leaves a choice, such as 5,6,9, or all; a "
            "phase's fixed exercises always stay. Without it such a phase is not built."
        ),
    ),
]
PhaseOption = Annotated[
    str | None,
    typer.Option("--phase", metavar="N", help="This phase only, such as --phase 1."),
]


def set_help() -> str:
    """``--set``'s help, naming every setting of the table; one without a flag of its own
    (set for every exercise with ``--set``) with its bounds, which no other help says."""
    named = (s.key if s.flag else f"{s.key} ({s.span}{s.unit})" for s in _D.values())
    return (
        "Dosage of one exercise, such as --set 7.reps=6, or of every exercise, such as --set "
        f"reps=6; settings: {', '.join(named)}. Repeat for more."
    )


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="EXERCISE.SETTING=VALUE", help=set_help()),
]
NoTonesOption = Annotated[
    bool,
    typer.Option(
        "--no-tones",
        help="No tones at the start and end of each set and at the end of a session "
        "(a patient file: tones = false).",
    ),
]

# Patient files: named in each command's own help, as click does (it lists no arguments).
PatientArgument = Annotated[
    Path | None, typer.Argument(metavar="PATIENT_FILE", show_default=False, hidden=True)
]
PatientFilesArgument = Annotated[
    list[Path] | None, typer.Argument(metavar="PATIENT_FILE", show_default=False, hidden=True)
]
InitArgument = Annotated[Path, typer.Argument(metavar="PATIENT_FILE", hidden=True)]
CardArgument = Annotated[Path, typer.Argument(metavar="CARD", hidden=True)]
CardOutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="FILE",
        help="The program file to write (default: the card's name, .toml).",
        show_default=False,
    ),
]

# How build and preview speak, and what build writes.
OutOption = Annotated[
    str,
    typer.Option(
        "--out",
        "-o",
        metavar="FOLDER",
        help="Folder for the sessions, their transcripts and the patient's page; created "
        "when missing.",
    ),
]
VoiceDirOption = Annotated[
    Path | None,
    typer.Option(
        "--voice-dir",
        metavar="FOLDER",
        help=(
            "Folder of the therapist's recordings, one per phrase: <key>.wav, .flac, .ogg or "
            ".mp3 (see 'audiocoach phrases'). Phrases without one are spoken by the engine."
        ),
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Speak every text anew; neither read nor fill the speech cache."
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help="Web address where the output folder will be published; also writes a "
        "podcast feed (feed.xml) with the sessions as episodes, and a QR code to the page.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Rebuild every file, even those that are up to date.")
]
ZipOption = Annotated[
    bool,
    typer.Option(
        "--zip",
        help="Also write the whole bundle as one zip beside the output folder (uit.zip "
        "beside uit/), to send by e-mail; the same inputs give the same bytes.",
    ),
]
JobsOption = Annotated[
    str | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        help=f"Files encoded at the same time, {JOBS.span} (default: one per core, at most "
        f"{MAX_DEFAULT_WORKERS}; less than {INLINE_BELOW_MS // 60_000} minutes of audio in all "
        "is encoded by one).",
    ),
]

# preview, phrases and serve.
ScriptOption = Annotated[
    bool,
    typer.Option(
        "--script", help="Print the whole script: every line said, every tone and rest, and when."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the sessions' timelines as JSON.")]
PhrasesOutOption = Annotated[
    str,
    typer.Option("--out", "-o", metavar="FOLDER", help="Folder for phrases.csv and phrases.html."),
]
PortOption = Annotated[
    str, typer.Option("--port", metavar="N", help=f"Port on 127.0.0.1, {PORT.span}.")
]
ServeOutOption = Annotated[
    str,
    typer.Option(
        "--out",
        "-o",
        metavar="FOLDER",
        help="Folder for every patient's sessions (a folder per patient) and for program "
        "files to choose from; created when missing.",
    ),
]
OpenOption = Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")]


def plan_options(given: Mapping[str, Any]) -> PlanOptions:
    """The plan options among a command's parameters, as ``locals()`` holds them at its start:
    the declarations above are named as :class:`PlanOptions`' fields, and a dosage setting's
    by its flag (``rest`` for ``--rest``; a test holds them alike), so build, preview and
    phrases hand them on in one way; one a command does not take (phrases has no voice) keeps
    its default."""
    names = {field.name for field in fields(PlanOptions)}
    values = {name: value for name, value in given.items() if name in names}
    values["settings"] = tuple(values.get("settings") or ())
    values["dosage"] = {s.key: given[s.name] for s in _D.values() if s.flag and s.name in given}
    return PlanOptions(**values)
