"""The command line: parse, call the library, print. Nothing else lives here.

Every expected failure is an :class:`AudiocoachError`; it is printed as one plain sentence on
stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click
from typer.core import TyperGroup

from audiocoach import __version__
from audiocoach.cli_options import (
    BaseUrlOption,
    ForceOption,
    InitArgument,
    JobsOption,
    JsonOption,
    NoCacheOption,
    OpenOption,
    OutOption,
    PatientArgument,
    PatientFilesArgument,
    PhrasesOutOption,
    PortOption,
    QuietOption,
    ServeOutOption,
    VoiceDirOption,
    ZipOption,
    with_plan_options,
)
from audiocoach.errors import AudiocoachError, Interrupted
from audiocoach.folders import output_folder
from audiocoach.model.dosage import parse_jobs
from audiocoach.model.patient import PlanOptions, plan_from_options, write_example
from audiocoach.output.export import check_base_url, zip_beside, zip_notice
from audiocoach.pipeline.batch import patient_folders
from audiocoach.pipeline.build import BuiltFile, Target, build_many, prepare
from audiocoach.pipeline.parallel import DEFAULT_WORKERS
from audiocoach.pipeline.preview import preview_data, preview_text
from audiocoach.pipeline.session import ProgressCallback, write_scripts
from audiocoach.pipeline.voices import report_missing, voice_for_plan
from audiocoach.script.phrases import phrase_list, write_phrases
from audiocoach.speech.cache import cache_info, clear_cache
from audiocoach.speech.espeak import dutch_voices


class _OneLineErrors(TyperGroup):
    """A usage error (an unknown option, ``--jobs`` without a number) is one sentence on
    stderr with exit status 2, like every other error, instead of click's box."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        if not extra.pop("standalone_mode", True):
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except click.ClickException as error:
            message = " ".join(error.format_message().split())
            typer.echo(f"audiocoach: {one_line(message)}", err=True)
            sys.exit(2)
        except typer.Abort:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    help=(
        "Turn a physiotherapist's exercise card into voice-guided Dutch audio: one MP3 per "
        "phase of the program, with every repetition counted and every rest timed."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    """Print one plain sentence on stderr and exit 2.

    A file name or value the user gave may hold a line break or a terminal escape: shown
    escaped, so the sentence stays one line and the terminal shows what was typed."""
    typer.echo(f"audiocoach: {one_line(message)}", err=True)
    raise typer.Exit(2)


def one_line(message: str) -> str:
    """``message`` with every character that is not printable written as its escape."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the library's errors and Ctrl-C into one line each."""
    try:
        yield
    except AudiocoachError as error:
        fail(str(error))
    except KeyboardInterrupt as stop:
        said = str(stop) if isinstance(stop, Interrupted) else ""
        said = said or "stopped; files that were there before are unchanged."
        typer.echo(f"audiocoach: {one_line(said)}", err=True)
        raise typer.Exit(130) from None


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[ProgressCallback | None]:
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
@with_plan_options()
def build_command(
    *,
    patient_files: PatientFilesArgument = None,
    out: OutOption = "output",
    options: PlanOptions,
    voice_dir: VoiceDirOption = None,
    quiet: QuietOption = False,
    base_url: BaseUrlOption = None,
    no_cache: NoCacheOption = False,
    force: ForceOption = False,
    zip_: ZipOption = False,
    jobs: JobsOption = None,
) -> None:
    """Build one MP3 per phase of the program into the output folder.

    Beside the MP3s (tagged, with a chapter per exercise, at an even loudness): a transcript
    per phase (.vtt, and -tekst.html to read), a playlist (sessies.m3u8) and index.html, a
    page that plays them with captions in any browser, also opened from a USB stick. Page,
    playlist and feed list every session file in the folder, and name the patient file's
    label.

    Every value is checked before any audio is made. Files are written under a temporary name
    and renamed into place when complete, so an interrupted build leaves the earlier files as
    they were; other files in the folder are left alone. A file whose program, dosage, voice
    and encoder settings are unchanged since it was written is kept as it is.
    """
    with plain_errors():
        out_dir = output_folder(out, "--out")
        workers = DEFAULT_WORKERS if jobs is None else parse_jobs(jobs)
        if base_url is not None:
            base_url = check_base_url(base_url)
        files: list[Path | None] = [*patient_files] if patient_files else [None]
        plans = [plan_from_options(file, options) for file in files]
        folders = patient_folders(plans, out_dir) if len(plans) > 1 else [out_dir]
        targets = [
            Target(
                plan.program,
                folder,
                voice_for_plan(plan, voice_dir, no_cache=no_cache),
                practice=plan.practice,
                base_url=base_url,
                label=plan.label,
                zip_path=zip_beside(folder) if zip_ else None,
            )
            for plan, folder in zip(plans, folders, strict=True)
        ]
        with progress_bar("Building", not quiet and sys.stderr.isatty()) as progress:
            built_all = build_many(targets, progress=progress, workers=workers, force=force)
        missing = [report_missing(t.voice, t.program, t.out_dir) for t in targets]
        if not quiet:
            print_built([item for built in built_all for item in built], missing)
            for target in targets:
                if target.zip_path is not None and (notice := zip_notice(target.zip_path)):
                    typer.echo(notice)


def print_built(built: Sequence[BuiltFile], missing: Sequence[str | None]) -> None:
    """Each file with its length (and whether it was kept), then what recordings lacked."""
    for item in built:
        minutes, seconds = divmod(round(item.duration_ms / 1000), 60)
        kept = "  unchanged" if item.kept else ""
        typer.echo(f"{item.path}  ({minutes}:{seconds:02d}){kept}")
    for message in missing:
        if message:
            typer.echo(message)


@app.command("preview")
@with_plan_options()
def preview_command(
    *,
    patient_file: PatientArgument = None,
    as_json: JsonOption = False,
    options: PlanOptions,
    voice_dir: VoiceDirOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Print what each session says and when, without writing audio."""
    with plain_errors():
        plan = plan_from_options(patient_file, options)
        program = plan.program
        sessions, _ = prepare(program, voice_for_plan(plan, voice_dir, no_cache=no_cache))
        if as_json:
            typer.echo(json.dumps(preview_data(program, sessions), ensure_ascii=False, indent=1))
        else:
            typer.echo(preview_text(program, sessions))


@app.command("init")
def init_command(patient_file: InitArgument) -> None:
    """Write a commented example patient file that builds as written.

    An existing file is never overwritten. Edit the example, then run
    'audiocoach build patient.toml'.
    """
    with plain_errors():
        write_example(patient_file)
        typer.echo(f"Wrote {patient_file}; build it with: audiocoach build {patient_file}")


@app.command("phrases")
@with_plan_options(leave_out=("voice", "rate", "no_tones"))
def phrases_command(
    *,
    out: PhrasesOutOption = "opnames",
    patient_file: PatientArgument = None,
    options: PlanOptions,
) -> None:
    """Write the list of every phrase the sessions say, to record in the therapist's voice.

    phrases.csv (key, text, used_in) and a printable phrases.html: save each recording in one
    folder as <key>.wav (or .flac, .ogg, .mp3) and build with --voice-dir FOLDER. Takes the
    same patient file and dosage options as 'build', so the list matches that build.
    """
    with plain_errors():
        folder = output_folder(out, "--out")
        program = plan_from_options(patient_file, options).program
        phrases = phrase_list(write_scripts(program))
        csv_path, html_path = write_phrases(phrases, folder, program.title)
        typer.echo(f"{len(phrases)} phrases: {csv_path}, {html_path}")


@app.command("voices")
def voices_command() -> None:
    """List the speech engine's Dutch voices, for --voice."""
    with plain_errors():
        found = dutch_voices()
        if not found:
            fail("The speech engine has no Dutch voice.")
        for info in found:
            typer.echo(f"{info.id}\t{info.name}")


@app.command("serve")
def serve_command(
    *,
    port: PortOption = 8017,
    out: ServeOutOption = Path("output"),
    open_browser: OpenOption = False,
) -> None:
    """Start the therapist's screen: a page in the web browser to make a patient's audio.

    Runs on this computer only (127.0.0.1) until Ctrl-C. The page checks every value as
    'build' does, shows the sessions' lengths before building, builds with a progress bar and
    hands out the MP3s, the patient's page and a zip, and saves the patient file.
    """
    from audiocoach.serve.app import serve

    with plain_errors():
        serve(out, port, open_browser)


cache_app = typer.Typer(
    help="The speech cache: every text said once per voice, kept for the next build.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info_command() -> None:
    """Show where the speech cache is and how much it holds."""
    with plain_errors():
        info = cache_info()
        typer.echo(f"{info.folder}: {info.entries} clips, {info.bytes / 1e6:.1f} MB")


@cache_app.command("clear")
def cache_clear_command() -> None:
    """Remove every cached clip; the next build speaks every text again."""
    with plain_errors():
        info = clear_cache()
        typer.echo(f"Removed {info.entries} clips from {info.folder}.")


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
