"""The command line: parse, call the library, print. Nothing else lives here.

Every expected failure is an :class:`AudiocoachError`; it is printed as one plain sentence on
stderr with exit status 2, never as a traceback. Help is click's plain layout (no Rich
panels): ``-h`` or ``--help`` on every command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from audiocoach import __version__
from audiocoach.cli_options import (
    BaseUrlOption,
    CardArgument,
    CardOutOption,
    ForceOption,
    HoldOption,
    InitArgument,
    JobsOption,
    JsonOption,
    NoCacheOption,
    NoTonesOption,
    OpenOption,
    OutOption,
    PatientArgument,
    PatientFilesArgument,
    PhaseOption,
    PhrasesOutOption,
    PortOption,
    ProgramOption,
    QuietOption,
    RateOption,
    RepsOption,
    RestOption,
    ScriptOption,
    SelectOption,
    ServeOutOption,
    SetOption,
    SetsOption,
    VoiceDirOption,
    VoiceOption,
    ZipOption,
    plan_options,
)
from audiocoach.cli_report import (
    OneLineErrors,
    fail,
    plain_errors,
    print_import,
    progress_bar,
    report_build,
)
from audiocoach.folders import output_folder
from audiocoach.model.base_url import BaseUrl, check_base_url
from audiocoach.model.dosage import choice_needed, parse_jobs, parse_port
from audiocoach.model.patient import PlanOptions, plan_from_options, write_example
from audiocoach.output.export import zip_beside
from audiocoach.pipeline.batch import patient_folders
from audiocoach.pipeline.build import Target, build_handouts, prepare
from audiocoach.pipeline.length import length_warnings
from audiocoach.pipeline.preview import preview_data, preview_summary, preview_text
from audiocoach.pipeline.session import write_scripts
from audiocoach.pipeline.voices import voice_for_plan
from audiocoach.script.phrases import phrase_list, write_phrases
from audiocoach.speech.cache import cache_info, clear_cache
from audiocoach.speech.engines import dutch_voices

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
"""``-h`` as well as ``--help``, on every command (sub-commands inherit it)."""


app = typer.Typer(
    cls=OneLineErrors,
    help=(
        "Turn a physiotherapist's exercise card into voice-guided Dutch audio: per phase of "
        "the program an MP3 with every explanation and a short one for every day after, with "
        "every repetition counted and every rest timed."
    ),
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)


def help_without_command(context: typer.Context) -> None:
    """A group run without a command shows its help, as ``--help`` would."""
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit()


@app.command("build")
def build_command(
    patient_files: PatientFilesArgument = None,
    *,
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
    quiet: QuietOption = False,
    base_url: BaseUrlOption = None,
    no_cache: NoCacheOption = False,
    force: ForceOption = False,
    zip_: ZipOption = False,
    jobs: JobsOption = None,
) -> None:
    """Build two MP3s per phase: one with every explanation, and a short one (-kort.mp3).

    Beside them: transcripts (.vtt, -tekst.html), a playlist (sessies.m3u8), index.html.
    PATIENT_FILE (see 'audiocoach init') gives a patient's dosage and label, options win over
    it, several get a folder of --out each. Unchanged files are kept; the end lists what was made.
    """
    options = plan_options(locals())
    with plain_errors():
        workers = None if jobs is None else parse_jobs(jobs)
        targets = build_targets(
            patient_files or [None],
            options,
            output_folder(out, "--out"),
            voice_dir=voice_dir,
            base_url=None if base_url is None else check_base_url(base_url),
            with_zip=zip_,
            no_cache=no_cache,
        )
        with progress_bar("Building", not quiet and sys.stderr.isatty()) as progress:
            handouts = build_handouts(targets, progress=progress, workers=workers, force=force)
        if not quiet:
            report_build(targets, handouts)


def build_targets(
    files: Sequence[Path | None],
    options: PlanOptions,
    out_dir: Path,
    *,
    voice_dir: Path | None,
    base_url: BaseUrl | None,
    with_zip: bool,
    no_cache: bool,
) -> list[Target]:
    """A target per patient file (one folder each when there are several), every value
    checked."""
    plans = [plan_from_options(file, options) for file in files]
    folders = patient_folders(plans, out_dir) if len(plans) > 1 else [out_dir]
    return [
        Target(
            plan.program,
            folder,
            voice_for_plan(plan, voice_dir, no_cache=no_cache),
            practice=plan.practice,
            base_url=base_url,
            label=plan.label,
            zip_path=zip_beside(folder) if with_zip else None,
        )
        for plan, folder in zip(plans, folders, strict=True)
    ]


@app.command("preview")
def preview_command(
    patient_file: PatientArgument = None,
    *,
    script: ScriptOption = False,
    as_json: JsonOption = False,
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
    """Show the sessions a build would make, without writing audio.

    Per phase each session's file, length and time a day, and its exercises with their
    dosage; --script prints every line said and when, --json the timelines as data.
    PATIENT_FILE (see 'audiocoach init') and the options are as for 'build'.
    """
    options = plan_options(locals())
    with plain_errors():
        plan = plan_from_options(patient_file, options)
        program = plan.program
        sessions, _ = prepare(program, voice_for_plan(plan, voice_dir, no_cache=no_cache))
        if as_json:
            typer.echo(json.dumps(preview_data(program, sessions), ensure_ascii=False, indent=1))
        elif script:
            typer.echo(preview_text(program, sessions))
        else:
            typer.echo(preview_summary(program, sessions))
        if not as_json:
            for waiting in program.phases_awaiting_choice:
                typer.echo(choice_needed(waiting))
        for warning in length_warnings(program, sessions):
            typer.echo(warning, err=True)


@app.command("init")
def init_command(patient_file: InitArgument) -> None:
    """Write PATIENT_FILE, a commented example patient file that builds as written.

    An existing file is never overwritten. Edit the example, then run
    'audiocoach build PATIENT_FILE'.
    """
    with plain_errors():
        write_example(patient_file)
        typer.echo(f"Wrote {patient_file}; build it with: audiocoach build {patient_file}")


@app.command("import")
def import_command(card: CardArgument, out: CardOutOption = None) -> None:
    """Read CARD (a card's text file or PDF) into a draft program file.

    What the card does not say (spoken names, cues, time to move, starting
    positions) is a plain guess, marked 'check:' in the draft; a line it
    cannot read is listed with its number. An existing file is never
    overwritten.
    """
    from audiocoach.model.card.file import import_card

    with plain_errors():
        print_import(import_card(card, out or Path(card.with_suffix(".toml").name)))


@app.command("phrases")
def phrases_command(
    patient_file: PatientArgument = None,
    *,
    out: PhrasesOutOption = "opnames",
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
    same PATIENT_FILE and dosage options as 'build', so the list matches that build.
    """
    options = plan_options(locals())
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
    port: PortOption = "8017",
    out: ServeOutOption = "output",
    open_browser: OpenOption = False,
) -> None:
    """Start the therapist's screen: a page in the web browser to make a patient's audio.

    Runs on this computer only (127.0.0.1) until Ctrl-C. The page checks every value as
    'build' does, shows the sessions' lengths before building, builds with a progress bar and
    hands out the MP3s, the patient's page and a zip, and saves the patient file.
    """
    with plain_errors():
        number = parse_port(port)
        from audiocoach.serve.app import serve

        serve(output_folder(out, "--out"), number, open_browser)


cache_app = typer.Typer(
    help="The speech cache: every text said once per voice, kept for the next build.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
cache_app.callback()(help_without_command)
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
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Voice-guided audio sessions from a physiotherapy exercise card."""
    help_without_command(context)


def main() -> Any:
    """Entry point of the ``audiocoach`` command."""
    return app()


__all__: list[str] = ["app", "main"]
