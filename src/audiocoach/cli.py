"""The command line: parse, call the library, print. Nothing else lives here.

Every expected failure is an :class:`AudiocoachError`; it is printed as one plain sentence on
stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer import _click as click
from typer.core import TyperGroup

from audiocoach import __version__
from audiocoach.errors import AudiocoachError, Interrupted
from audiocoach.folders import output_folder
from audiocoach.model.dosage import cli_overrides, parse_jobs
from audiocoach.model.patient import Job, parse_rate, resolve_job, write_example
from audiocoach.output.export import check_base_url, zip_beside
from audiocoach.pipeline.batch import patient_folders
from audiocoach.pipeline.build import Target, build_many, prepare
from audiocoach.pipeline.parallel import DEFAULT_WORKERS
from audiocoach.pipeline.preview import preview_data, preview_text
from audiocoach.pipeline.session import ProgressCallback, write_scripts
from audiocoach.script.phrases import phrase_list, write_phrases
from audiocoach.speech.cache import cache_info, clear_cache
from audiocoach.speech.espeak import dutch_voices
from audiocoach.speech.voices import behind_cache, report_missing, voice_for_job


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

T = TypeVar("T")

OutOption = Annotated[
    str, typer.Option("--out", "-o", help="Folder for the MP3 files; created when missing.")
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
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate", metavar="WPM", help="Speaking rate in words per minute, 80 to 300 (default 150)."
    ),
]
ProgramOption = Annotated[
    Path | None,
    typer.Option("--program", help="A program file (TOML) instead of the built-in card."),
]
NoTonesOption = Annotated[
    bool,
    typer.Option(
        "--no-tones",
        help="No tones at the start and end of each set and at the end of a session "
        "(a patient file: tones = false).",
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Speak every text anew; neither read nor fill the speech cache."
    ),
]


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


PatientArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A patient file (TOML; see 'audiocoach init'). Options given here win over it.",
        show_default=False,
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
        help="The exercises chosen for phase 2, such as 5,6,9; 2, 3 and 4 always stay.",
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


def job_from_options(
    *,
    patient_file: Path | None,
    program_file: Path | None,
    voice: str | None,
    rate: str | None,
    reps: str | None,
    sets: str | None,
    rest: str | None,
    hold: str | None,
    select: str | None,
    phase: str | None,
    settings: list[str] | None,
    no_tones: bool = False,
) -> Job:
    """The checked job for ``build`` and ``preview``: the patient file, then the options."""
    overrides = cli_overrides(
        tones=False if no_tones else None,
        reps=reps,
        sets=sets,
        rest_s=rest,
        hold_s=hold,
        select=select,
        phase=phase,
        settings=settings or (),
    )
    return resolve_job(
        patient_file,
        program_file=program_file,
        voice=voice,
        rate=None if rate is None else parse_rate(rate),
        overrides=overrides,
    )


@app.command("build")
def build_command(
    *,
    patient_files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=(
                "Patient files (TOML; see 'audiocoach init'); options given here win over them. "
                "With several, each patient's sessions go into a folder of --out named from "
                "the patient's label."
            ),
            show_default=False,
        ),
    ] = None,
    out: OutOption = "output",
    program_file: ProgramOption = None,
    voice: VoiceOption = None,
    rate: RateOption = None,
    reps: RepsOption = None,
    sets: SetsOption = None,
    rest: RestOption = None,
    hold: HoldOption = None,
    select: SelectOption = None,
    phase: PhaseOption = None,
    settings: SetOption = None,
    no_tones: NoTonesOption = False,
    voice_dir: VoiceDirOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Web address where the output folder will be published; also writes a "
            "podcast feed (feed.xml) with the phases as episodes.",
        ),
    ] = None,
    no_cache: NoCacheOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild every file, even those that are up to date.")
    ] = False,
    zip_: Annotated[
        bool,
        typer.Option(
            "--zip",
            help="Also write the whole bundle as one zip beside the output folder (uit.zip "
            "beside uit/), to send by e-mail; the same inputs give the same bytes.",
        ),
    ] = False,
    jobs: Annotated[
        str | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Files encoded at the same time, 1 to 64 (default: one per core, at most 8).",
        ),
    ] = None,
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
        jobs_ = [
            job_from_options(
                patient_file=file,
                program_file=program_file,
                voice=voice,
                rate=rate,
                reps=reps,
                sets=sets,
                rest=rest,
                hold=hold,
                select=select,
                phase=phase,
                settings=settings,
                no_tones=no_tones,
            )
            for file in files
        ]
        folders = patient_folders(jobs_, out_dir) if len(jobs_) > 1 else [out_dir]
        targets = [
            Target(
                job.program,
                folder,
                behind_cache(voice_for_job(job, voice_dir), no_cache),
                practice=job.patient.practice if job.patient and job.patient.practice else None,
                base_url=base_url,
                label=job.patient.label if job.patient and job.patient.label else None,
                zip_path=zip_beside(folder) if zip_ else None,
            )
            for job, folder in zip(jobs_, folders, strict=True)
        ]
        with progress_bar("Building", not quiet and sys.stderr.isatty()) as progress:
            built_all = build_many(targets, progress=progress, workers=workers, force=force)
        missing = [report_missing(t.voice, t.program, t.out_dir) for t in targets]
        if not quiet:
            for item in (item for built in built_all for item in built):
                minutes, seconds = divmod(round(item.duration_ms / 1000), 60)
                kept = "  unchanged" if item.kept else ""
                typer.echo(f"{item.path}  ({minutes}:{seconds:02d}){kept}")
            for message in missing:
                if message:
                    typer.echo(message)


@app.command("preview")
def preview_command(
    *,
    patient_file: PatientArgument = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the sessions' timelines as JSON.")
    ] = False,
    program_file: ProgramOption = None,
    voice: VoiceOption = None,
    rate: RateOption = None,
    reps: RepsOption = None,
    sets: SetsOption = None,
    rest: RestOption = None,
    hold: HoldOption = None,
    select: SelectOption = None,
    phase: PhaseOption = None,
    settings: SetOption = None,
    no_tones: NoTonesOption = False,
    voice_dir: VoiceDirOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Print what each session says and when, without writing audio."""
    with plain_errors():
        job = job_from_options(
            patient_file=patient_file,
            program_file=program_file,
            voice=voice,
            rate=rate,
            reps=reps,
            sets=sets,
            rest=rest,
            hold=hold,
            select=select,
            phase=phase,
            settings=settings,
            no_tones=no_tones,
        )
        program = job.program
        sessions, _ = prepare(program, behind_cache(voice_for_job(job, voice_dir), no_cache))
        if as_json:
            typer.echo(json.dumps(preview_data(program, sessions), ensure_ascii=False, indent=1))
        else:
            typer.echo(preview_text(program, sessions))


@app.command("init")
def init_command(
    patient_file: Annotated[
        Path, typer.Argument(help="Where to write the example, such as patient.toml.")
    ],
) -> None:
    """Write a commented example patient file that builds as written.

    An existing file is never overwritten. Edit the example, then run
    'audiocoach build patient.toml'.
    """
    with plain_errors():
        write_example(patient_file)
        typer.echo(f"Wrote {patient_file}; build it with: audiocoach build {patient_file}")


@app.command("phrases")
def phrases_command(
    *,
    out: Annotated[
        str, typer.Option("--out", "-o", help="Folder for phrases.csv and phrases.html.")
    ] = "opnames",
    patient_file: PatientArgument = None,
    program_file: ProgramOption = None,
    reps: RepsOption = None,
    sets: SetsOption = None,
    rest: RestOption = None,
    hold: HoldOption = None,
    select: SelectOption = None,
    phase: PhaseOption = None,
    settings: SetOption = None,
) -> None:
    """Write the list of every phrase the sessions say, to record in the therapist's voice.

    phrases.csv (key, text, used_in) and a printable phrases.html: save each recording in one
    folder as <key>.wav (or .flac, .ogg, .mp3) and build with --voice-dir FOLDER. Takes the
    same patient file and dosage options as 'build', so the list matches that build.
    """
    with plain_errors():
        folder = output_folder(out, "--out")
        program = job_from_options(
            patient_file=patient_file,
            program_file=program_file,
            voice=None,
            rate=None,
            reps=reps,
            sets=sets,
            rest=rest,
            hold=hold,
            select=select,
            phase=phase,
            settings=settings,
        ).program
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
    port: Annotated[
        int,
        typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1 (default 8017)."),
    ] = 8017,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder for every patient's sessions (a folder per patient) and for program "
            "files to choose from; created when missing.",
        ),
    ] = Path("output"),
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the web browser.")
    ] = False,
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
_: Callable[..., Any] = main
