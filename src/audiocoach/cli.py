"""The command line: parse, call the library, print. Nothing else lives here.

Every expected failure is an :class:`AudiocoachError`; it is printed as one plain sentence on
stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from audiocoach import __version__
from audiocoach.build import build, prepare
from audiocoach.errors import AudiocoachError
from audiocoach.preview import preview_data, preview_text
from audiocoach.program import load_program
from audiocoach.session import Progress
from audiocoach.speech.espeak import DEFAULT_RATE, EspeakVoice

app = typer.Typer(
    help=(
        "Turn a physiotherapist's exercise card into voice-guided Dutch audio: one MP3 per "
        "phase of the program, with every repetition counted and every rest timed."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")

OutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Folder for the MP3 files; created when missing.")
]
VoiceOption = Annotated[
    str | None,
    typer.Option(
        "--voice", help="Speech engine voice id (see 'audiocoach voices'); default Dutch."
    ),
]
RateOption = Annotated[
    int, typer.Option("--rate", min=80, max=300, help="Speaking rate in words per minute.")
]
ProgramOption = Annotated[
    Path | None,
    typer.Option("--program", help="A program file (TOML) instead of the built-in card."),
]


def fail(message: str) -> None:
    """Print one plain sentence on stderr and exit 2."""
    typer.echo(f"audiocoach: {message}", err=True)
    raise typer.Exit(2)


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the library's errors and Ctrl-C into one line each."""
    try:
        yield
    except AudiocoachError as error:
        fail(str(error))
    except KeyboardInterrupt:
        typer.echo("audiocoach: stopped; files that were there before are unchanged.", err=True)
        raise typer.Exit(130) from None


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr while work advances, when stderr is a terminal."""
    if not enabled:
        yield None
        return
    with typer.progressbar(length=100, label=label, file=sys.stderr) as bar:
        state = {"pos": 0}

        def advance(done: int, total: int, what: str) -> None:
            bar.label = f"{label}: {what}"
            # Speaking is the first half of the work, encoding the second.
            target = (done / total) * 50 + (50 if what == "encoding" else 0)
            bar.update(int(target) - state["pos"])
            state["pos"] = int(target)

        yield advance


@app.command("build")
def build_command(
    out: OutOption = Path("output"),
    program_file: ProgramOption = None,
    voice: VoiceOption = None,
    rate: RateOption = DEFAULT_RATE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Build one MP3 per phase of the program into the output folder.

    Files are written under a temporary name and renamed into place when complete, so an
    interrupted build leaves the earlier files as they were.
    """
    with plain_errors():
        program = load_program(program_file)
        speaker = EspeakVoice(voice, rate)
        with progress_bar("Building", not quiet and sys.stderr.isatty()) as progress:
            built = build(program, out, speaker, progress=progress)
        if not quiet:
            for item in built:
                minutes, seconds = divmod(round(item.session.timeline.duration_ms / 1000), 60)
                typer.echo(f"{item.path}  ({minutes}:{seconds:02d})")


@app.command("preview")
def preview_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the sessions' timelines as JSON.")
    ] = False,
    program_file: ProgramOption = None,
    voice: VoiceOption = None,
    rate: RateOption = DEFAULT_RATE,
) -> None:
    """Print what each session says and when, without writing audio."""
    with plain_errors():
        program = load_program(program_file)
        sessions, _ = prepare(program, EspeakVoice(voice, rate))
        if as_json:
            typer.echo(json.dumps(preview_data(program, sessions), ensure_ascii=False, indent=1))
        else:
            typer.echo(preview_text(program, sessions))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audiocoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Voice-guided audio sessions from a physiotherapy exercise card."""


def main() -> Any:
    """Entry point of the ``audiocoach`` command."""
    return app()


__all__: list[str] = ["app", "main"]
_: Callable[..., Any] = main
