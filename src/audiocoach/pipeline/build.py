"""Build the MP3 files of a program: the whole pipeline, from card to files on disk.

:func:`build_many` reads top to bottom: every script is written and checked, each folder's
files are planned (made anew or kept, :mod:`audiocoach.pipeline.plan`), the files to make are
spoken and laid out in the main process (one speech engine per process), each handed to a
worker as a :class:`~audiocoach.pipeline.phase_file.PhaseFileOrder` of plain data once all
are spoken (the engine is let go first), the longest first, and the workers level, render and
encode them. Everything is written into each folder's stage, with the page, playlist,
feed and manifest, and then put in place at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, as_completed
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.session import Session
from audiocoach.audio.timeline import build_timeline
from audiocoach.audio.tones import tone_clips
from audiocoach.errors import Interrupted, ProgramError
from audiocoach.files import fault_point
from audiocoach.folders import Bundle, commit_all, prepare_folder
from audiocoach.model.program import Phase, Program
from audiocoach.pipeline.parallel import (
    Workers,
    check_open_files,
    release_memory,
    worker_count,
)
from audiocoach.pipeline.phase_file import PhaseFileOrder, make_phase_file
from audiocoach.pipeline.plan import PhasePlan
from audiocoach.pipeline.session import (
    ProgressCallback,
    distinct_texts,
    lay_out,
    speak,
    write_scripts,
)
from audiocoach.pipeline.staging import FolderStage, bundle_names
from audiocoach.pipeline.target import BuiltFile, Handout, Target, TargetOptions
from audiocoach.script.session import session_file_name
from audiocoach.script.writer import SessionScript
from audiocoach.sound import Clip
from audiocoach.speech.voice import Voice, clip_of

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "BuiltFile",
    "Target",
    "build",
    "build_handouts",
    "build_many",
    "check_scripts",
    "prepare",
]
"""What the rest of the program uses (the public API, the CLI, serve, a batch); the other names
are the build's own steps. :class:`Target` and :class:`BuiltFile` are defined in
:mod:`audiocoach.pipeline.target` and imported from here."""


def phase_file_order(
    path: Path, session: Session, clips: dict[str, Clip], voice: Voice, encoder: EncoderSettings
) -> PhaseFileOrder:
    """The order for one session: clips by cache entry where the voice kept them, else by value
    (tones always by value: they are small, and workers never import pydub to make them)."""
    cached: dict[str, Path] = {}
    checksums: dict[str, bytes] = {}
    given: dict[str, Clip] = {label: clips[label] for label in session.script.tones}
    for text in session.script.texts:
        stored = voice.stored(text)
        if stored is None:
            given[text] = clips[text]
        else:
            cached[text] = stored.path
            checksums[text] = stored.checksum
    return PhaseFileOrder(path, session.timeline, given, cached, encoder, checksums=checksums)


def _entry(voice: Voice, text: str) -> Path | None:
    """Where the speech cache keeps the clip just spoken for ``text``, if it does."""
    stored = voice.stored(text)
    return None if stored is None else stored.path


def prepare(
    program: Program,
    voice: Voice,
    *,
    phases: Sequence[Phase] | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Session], dict[str, Clip]]:
    """Script, speak and lay out every phase; no files are written. The clips (tones
    included) are what rendering the sessions needs.

    A session too long to build was refused where the plan was made
    (:mod:`audiocoach.model.session_cap`), so a preview shows only what can be built.
    """
    scripts = write_scripts(program, phases)
    clips = speak(voice, distinct_texts(scripts), progress)
    sessions = lay_out(scripts, clips)
    clips.update(tone_clips(tuple({label for s in scripts for label in s.tones})))
    return sessions, clips


def build(
    program: Program,
    out_dir: Path,
    voice: Voice,
    *,
    encoder: EncoderSettings | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    force: bool = False,
    **target: Unpack[TargetOptions],
) -> list[BuiltFile]:
    """Write the MP3s of every phase (in full and short) into ``out_dir``, with transcripts,
    playlist and page beside them, redoing only sessions whose inputs changed.

    :func:`build_many` for one :class:`Target`: ``target`` takes the target's other fields by
    name (``phases``, ``practice``, ``base_url``, ``label``, ``zip_path``, ``files``). Files
    are replaced whole; ``force`` rebuilds every phase whatever the manifest says. ``workers``
    (``--jobs``) by default: :func:`~audiocoach.pipeline.parallel.worker_count`.
    """
    one = Target(program, out_dir, voice, **target)
    return build_many([one], encoder=encoder, progress=progress, workers=workers, force=force)[0]


def build_many(
    targets: Sequence[Target],
    *,
    encoder: EncoderSettings | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    force: bool = False,
) -> list[list[BuiltFile]]:
    """Build several targets (a day's patients) with one pool of workers; one list each.

    Every script is written and every folder checked before anything is spoken or encoded.
    """
    handouts = build_handouts(
        targets, encoder=encoder, progress=progress, workers=workers, force=force
    )
    return [list(handout.files) for handout in handouts]


def build_handouts(
    targets: Sequence[Target],
    *,
    encoder: EncoderSettings | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    force: bool = False,
) -> list[Handout]:
    """:func:`build_many`, saying for each target what the patient is handed (the sessions,
    the page, the feed, the zip) and which of its files this build changed."""
    check_open_files()
    encoder = encoder or EncoderSettings()
    all_scripts = _checked_scripts(targets)
    for target in targets:
        prepare_folder(target.out_dir)
        if target.zip_path is not None:
            prepare_folder(target.zip_path.parent)
    bundles: list[Bundle] = []
    try:
        for target, scripts in zip(targets, all_scripts, strict=True):
            bundles.append(Bundle(target.out_dir))
            bundles[-1].check([*bundle_names(scripts), *(name for name, _ in target.files)])
        folders = [
            FolderStage.plan(target, scripts, bundle, encoder, force=force)
            for target, scripts, bundle in zip(targets, all_scripts, bundles, strict=True)
        ]
        made = _make(folders, encoder=encoder, progress=progress, workers=workers)
        listed = [folder.write_listing() for folder in folders]
        fault_point("staged")
        commit_all(bundles)
        handouts = [
            replace(folder.after_commit(*names), files=tuple(folder.files(made)))
            for folder, names in zip(folders, listed, strict=True)
        ]
    except KeyboardInterrupt as stop:
        if isinstance(stop, Interrupted):
            raise
        raise _interrupted(bundles) from None
    finally:
        for bundle in bundles:
            bundle.discard()
    return handouts


def _interrupted(bundles: Sequence[Bundle]) -> Interrupted:
    """What a Ctrl-C left in the folders: every new file, or none of them."""
    if any(b.committed for b in bundles):
        return Interrupted("stopped after the new files were put in place; they are complete.")
    return Interrupted("stopped; files that were there before are unchanged.")


def _checked_scripts(targets: Sequence[Target]) -> list[list[SessionScript]]:
    """Every target's scripts; the templates are checked for every target before any folder
    is touched."""
    all_scripts = [write_scripts(t.program, t.phases) for t in targets]
    for target, scripts in zip(targets, all_scripts, strict=True):
        check_scripts(scripts, target.out_dir)
    return all_scripts


def check_scripts(scripts: Sequence[SessionScript], out_dir: Path) -> None:
    """What can be known of each file before any audio: one file per session."""
    seen: dict[str, int] = {}
    for script in scripts:
        name = session_file_name(script.phase, script.variant)
        if name in seen:
            raise ProgramError(
                f"Phases {seen[name]} and {script.phase.number} would both be written to "
                f"{out_dir / name}; give every phase its own number."
            )
        seen[name] = script.phase.number


_Pending = dict[Future[Path], tuple[FolderStage, PhasePlan, Session]]
"""The phase files handed to workers, each with what it was made from."""


def _make(
    folders: Sequence[FolderStage],
    *,
    encoder: EncoderSettings,
    progress: ProgressCallback | None,
    workers: int | None,
) -> dict[Path, BuiltFile]:
    """Speak and lay out every file to make, then hand them to workers, and record each one
    the workers wrote in its folder's manifest; returns the files made, by their final path.

    Everything is spoken before the first worker starts, and the engine is let go then
    (:meth:`Voice.rest`): the encoding workers never share the memory with it."""
    total = sum(len(folder.todo) for folder in folders)
    spoken = _SpokenCount(
        progress, sum(len(distinct_texts(p.script for p in f.todo)) for f in folders)
    )
    orders = [order for folder in folders for order in _orders(folder, encoder, spoken)]
    for voice in {id(f.target.voice): f.target.voice for f in folders}.values():
        voice.rest()
    release_memory()  # what speaking needed and no longer does, before the workers start
    made: dict[Path, BuiltFile] = {}
    count = worker_count(workers, [order.timeline.duration_ms for order, _ in orders])
    with Workers(count, preload=[make_phase_file.__module__]) as pool:
        pending: _Pending = {pool.submit(make_phase_file, order): job for order, job in orders}
        for done, future in enumerate(as_completed(pending), 1):
            folder, plan, session = pending[future]
            built = folder.record(plan, session, future.result())
            made[built.path] = built
            fault_point(f"encoded-{done}")
            if progress:
                progress(done, total, "encoding")
    return made


def _orders(
    folder: FolderStage, encoder: EncoderSettings, spoken: _SpokenCount
) -> list[tuple[PhaseFileOrder, tuple[FolderStage, PhasePlan, Session]]]:
    """Speak and lay out each file of ``folder`` to make: the order a worker gets for it."""
    target = folder.target
    speaker = _Speaker(target.voice, spoken)
    orders = []
    for plan in folder.todo:
        session = speaker.session(plan.script)
        # The worker reads cached clips itself, and levels and encodes them.
        staged = folder.bundle.path(session.file_name)
        order = phase_file_order(staged, session, speaker.clips, target.voice, encoder)
        orders.append((replace(order, header=folder.tag(plan, session)), (folder, plan, session)))
    return orders


class _SpokenCount:
    """Counts the texts spoken across every target of a build, and reports each one."""

    def __init__(self, progress: ProgressCallback | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def spoke(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, "speaking")


class _Speaker:
    """Speaks each text once for all the phases of one target.

    It remembers every clip's length, for the timelines, but keeps the samples only of clips
    the voice did not store in the speech cache: workers read the others from there, so the
    main process stays small while they run.
    """

    def __init__(self, voice: Voice, progress: _SpokenCount) -> None:
        self.voice = voice
        self.clips: dict[str, Clip] = {}
        """The clips that travel with an order by value (see :func:`phase_file_order`)."""
        self.lengths: dict[str, int] = {}
        self.progress = progress

    def session(self, script: SessionScript) -> Session:
        self.clips.update(tone_clips(script.tones))  # made only when a session is made
        for text in script.texts:
            if text not in self.lengths:
                clip = clip_of(text, self.voice.synthesize(text))
                self.lengths[text] = clip.ms
                if _entry(self.voice, text) is None:
                    self.clips[text] = clip
                self.progress.spoke()
        return Session(script, build_timeline(script.steps, self.lengths))
