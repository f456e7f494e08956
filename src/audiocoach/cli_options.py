"""The command line's options and arguments, each declared once with its help text.

A command names an option by its type (``quiet: QuietOption = False``). The options that lay a
plan over a patient file (program, voice, rate, dosage, selection, phase, tones) are shared by
``build``, ``preview`` and ``phrases``: :func:`with_plan_options` gives them to a command and
hands them over as one :class:`~audiocoach.model.patient.PlanOptions`, so the three commands
cannot drift apart.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from audiocoach.model.patient import PlanOptions

# The options that lay a plan over a patient file, shared by build, preview and phrases
# (see with_plan_options).
ProgramOption = Annotated[
    Path | None,
    typer.Option("--program", help="A program file (TOML) instead of the built-in card."),
]
VoiceOption = Annotated[
    str | None,
    typer.Option(
        "--voice",
        help=(
            "Speech engine voice id (see 'audiocoach voices'), or a Piper voice model file "
            "(.onnx, with its .onnx.json beside it); default the engine's Dutch voice."
        ),
    ),
]
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate", metavar="WPM", help="Speaking rate in words per minute, 80 to 300 (default 150)."
    ),
]
RepsOption = Annotated[
    str | None,
    typer.Option(
        "--reps", metavar="N", help="Repetitions per set for every counted exercise (1 to 50)."
    ),
]
SetsOption = Annotated[
    str | None, typer.Option("--sets", metavar="N", help="Sets for every exercise (1 to 10).")
]
RestOption = Annotated[
    str | None,
    typer.Option(
        "--rest",
        metavar="SECONDS",
        help="Seconds of rest after each set, every exercise (0 to 300).",
    ),
]
HoldOption = Annotated[
    str | None,
    typer.Option("--hold", metavar="SECONDS", help="Seconds of every held exercise (1 to 120)."),
]
SelectOption = Annotated[
    str | None,
    typer.Option(
        "--select",
        help=(
            "The exercises chosen for phase 2, such as 5,6,9, or all; 1 to 4 always stay. "
            "Without it phase 2 is not built."
        ),
    ),
]
PhaseOption = Annotated[
    str | None,
    typer.Option("--phase", metavar="N", help="Build this phase only, such as --phase 1."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="EXERCISE.SETTING=VALUE",
        help=(
            "Dosage of one exercise, such as --set 7.reps=6; settings: reps, sets, rest_s, "
            "hold_s. Repeat for more."
        ),
    ),
]
NoTonesOption = Annotated[
    bool,
    typer.Option(
        "--no-tones",
        help="No tones at the start and end of each set and at the end of a session "
        "(a patient file: tones = false).",
    ),
]

# Patient files.
PatientArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A patient file (TOML; see 'audiocoach init'). Options given here win over it.",
        show_default=False,
    ),
]
PatientFilesArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help=(
            "Patient files (TOML; see 'audiocoach init'); options given here win over them. "
            "With several, each patient's sessions go into a folder of --out named from "
            "the patient's label."
        ),
        show_default=False,
    ),
]
InitArgument = Annotated[
    Path, typer.Argument(help="Where to write the example, such as patient.toml.")
]

# How build and preview speak, and what build writes.
OutOption = Annotated[
    str, typer.Option("--out", "-o", help="Folder for the MP3 files; created when missing.")
]
VoiceDirOption = Annotated[
    Path | None,
    typer.Option(
        "--voice-dir",
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
        help="Web address where the output folder will be published; also writes a "
        "podcast feed (feed.xml) with the phases as episodes.",
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
        help="Files encoded at the same time, 1 to 64 (default: one per core, at most 8).",
    ),
]

# preview, phrases and serve.
JsonOption = Annotated[bool, typer.Option("--json", help="Print the sessions' timelines as JSON.")]
PhrasesOutOption = Annotated[
    str, typer.Option("--out", "-o", help="Folder for phrases.csv and phrases.html.")
]
PortOption = Annotated[
    int,
    typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1 (default 8017)."),
]
ServeOutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        "-o",
        help="Folder for every patient's sessions (a folder per patient) and for program "
        "files to choose from; created when missing.",
    ),
]
OpenOption = Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")]

_PLAN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "program_file": (ProgramOption, None),
    "voice": (VoiceOption, None),
    "rate": (RateOption, None),
    "reps": (RepsOption, None),
    "sets": (SetsOption, None),
    "rest": (RestOption, None),
    "hold": (HoldOption, None),
    "select": (SelectOption, None),
    "phase": (PhaseOption, None),
    "settings": (SetOption, None),
    "no_tones": (NoTonesOption, False),
}
"""The shared options in the order ``--help`` lists them: name (a field of
:class:`PlanOptions`), type with its help, default."""

Command = Callable[..., None]


def with_plan_options(*, leave_out: tuple[str, ...] = ()) -> Callable[[Command], Command]:
    """Give a command the options that lay a plan over a patient file, where its ``options``
    parameter stands; the command is called with them as one :class:`PlanOptions` there.

    typer reads a command's options from its signature: the signature typer sees has these
    options in place of ``options``, and ``--help`` lists them there. ``leave_out`` names
    options the command does not take (``phrases`` has no voice: it writes no audio).
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        shared = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default
            )
            for name, (kind, default) in _PLAN_OPTIONS.items()
            if name not in leave_out
        ]
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            parameters += shared if parameter.name == "options" else [parameter]

        @functools.wraps(command)
        def run(**given: Any) -> None:
            typed = {p.name: given.pop(p.name) for p in shared}
            typed["settings"] = tuple(typed.get("settings") or ())
            command(options=PlanOptions(**typed), **given)

        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate
