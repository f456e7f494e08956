"""Build the MP3 files of a program: the whole pipeline, from card to files on disk.

The main process scripts every phase, checks the output folder's manifest, speaks what the
changed phases need (one speech engine per process) and lays out their timelines. The heavy
part, levelling loudness, rendering and encoding, is a
:class:`~audiocoach.pipeline.phase_file.PhaseFileOrder` of plain data that a worker process runs, so
phases are made side by side. A phase is
submitted as soon as its clips are ready, the longest first, so its worker starts while the
next phase is spoken.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from audiocoach.audio.loudness import LIMIT_DBTP, TARGET_LUFS
from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.timeline import build_timeline
from audiocoach.audio.tones import tone_clips
from audiocoach.errors import Interrupted, ProgramError
from audiocoach.files import checkpoint
from audiocoach.folders import Bundle, commit_all, prepare_folder
from audiocoach.model.program import Phase, Program
from audiocoach.output import export
from audiocoach.output.manifest import MANIFEST_NAME, Manifest, fingerprint
from audiocoach.output.tags import id3_tag
from audiocoach.pipeline.parallel import DEFAULT_WORKERS, Workers
from audiocoach.pipeline.phase_file import PhaseFileOrder, make_phase_file
from audiocoach.pipeline.session import (
    ProgressCallback,
    Session,
    distinct_texts,
    lay_out,
    session_file_name,
    speak,
    write_scripts,
)
from audiocoach.script.writer import Line, SessionScript, Silence, Step, least_ms
from audiocoach.speech import Clip, Voice, clip_of
from audiocoach.speech.cache import CachedVoice

MAX_SESSION_MS = 3 * 3_600_000
"""The longest session a build makes: three hours per file. A home session lasts minutes;
anything near this is a typing error, and a file of thousands of hours fills the disk (and
overflows the chapters' 32-bit millisecond times)."""


@dataclass(frozen=True)
class BuiltFile:
    """A file of the build: written now, or kept because nothing it is made from changed."""

    path: Path
    phase: Phase
    duration_ms: int
    session: Session | None
    """The session as rendered now; ``None`` when the file was up to date and kept as it was."""

    @property
    def kept(self) -> bool:
        return self.session is None


def phase_file_order(
    path: Path, session: Session, clips: dict[str, Clip], voice: Voice, encoder: EncoderSettings
) -> PhaseFileOrder:
    """The order for one session: clips by cache entry where the voice kept them, else by value
    (tones always by value: they are small, and workers never import pydub to make them)."""
    cached: dict[str, Path] = {}
    checksums: dict[str, bytes] = {}
    given: dict[str, Clip] = {label: clips[label] for label in session.script.tones}
    for text in session.script.texts:
        entry = _entry(voice, text)
        if entry is None:
            given[text] = clips[text]
        else:
            cached[text] = entry
            checksum = voice.checksum(text) if isinstance(voice, CachedVoice) else None
            if checksum is not None:
                checksums[text] = checksum
    return PhaseFileOrder(path, session.timeline, given, cached, encoder, checksums=checksums)


def _entry(voice: Voice, text: str) -> Path | None:
    """Where the speech cache keeps the clip just spoken for ``text``, if it does."""
    return voice.stored(text) if isinstance(voice, CachedVoice) else None


def prepare(
    program: Program,
    voice: Voice,
    *,
    phases: Sequence[Phase] | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Session], dict[str, Clip]]:
    """Script, speak and lay out every phase; no files are written. The clips (tones
    included) are what rendering the sessions needs."""
    scripts = write_scripts(program, phases)
    clips = speak(voice, distinct_texts(scripts), progress)
    sessions = lay_out(scripts, clips)
    clips.update(tone_clips(tuple({label for s in scripts for label in s.tones})))
    return sessions, clips


@dataclass(frozen=True)
class Target:
    """One program to build into one folder with one voice: a patient, in a batch."""

    program: Program
    out_dir: Path
    voice: Voice
    phases: Sequence[Phase] | None = None
    practice: str | None = None
    """Names the practice in the tags and on the page."""
    base_url: str | None = None
    """Where the folder will be published; a podcast feed is written when given."""
    label: str | None = None
    """The patient's initials: on the page, in the tags, the playlist and the feed."""
    zip_path: Path | None = None
    """Where to write the whole bundle as one zip, if anywhere."""

    def fingerprint_extra(self) -> str:
        """What besides script, voice and encoder changes the MP3s: tags and loudness."""
        return (
            f"practice={self.practice!r};label={self.label!r};lufs={TARGET_LUFS};dbtp={LIMIT_DBTP}"
        )


def build(
    program: Program,
    out_dir: Path,
    voice: Voice,
    *,
    phases: Sequence[Phase] | None = None,
    encoder: EncoderSettings | None = None,
    progress: ProgressCallback | None = None,
    workers: int = DEFAULT_WORKERS,
    force: bool = False,
    practice: str | None = None,
    base_url: str | None = None,
    label: str | None = None,
    zip_path: Path | None = None,
) -> list[BuiltFile]:
    """Write the MP3s of every phase (in full and short) into ``out_dir``, with transcripts,
    playlist and page beside them, redoing only sessions whose inputs changed.

    Files are replaced whole; ``force`` rebuilds every phase whatever the manifest says.
    ``practice`` names the practice in the tags and on the page, ``label`` the patient; with
    ``base_url`` a podcast feed is written too, with ``zip_path`` the bundle as one zip.
    """
    target = Target(program, out_dir, voice, phases, practice, base_url, label, zip_path)
    return build_many([target], encoder=encoder, progress=progress, workers=workers, force=force)[0]


def build_many(
    targets: Sequence[Target],
    *,
    encoder: EncoderSettings | None = None,
    progress: ProgressCallback | None = None,
    workers: int = DEFAULT_WORKERS,
    force: bool = False,
) -> list[list[BuiltFile]]:
    """Build several targets (a day's patients) with one pool of workers; one list each.

    Every script is written and every folder checked before anything is spoken or encoded.
    """
    encoder = encoder or EncoderSettings()
    targets = [
        t if t.base_url is None else replace(t, base_url=export.check_base_url(t.base_url))
        for t in targets
    ]
    for target in targets:
        for phase in target.phases or target.program.phases:
            check_length(phase.number, least_ms(target.program, phase))
    all_scripts = [write_scripts(t.program, t.phases) for t in targets]  # templates checked first
    for target, scripts in zip(targets, all_scripts, strict=True):
        check_scripts(scripts, target.out_dir)
    for target in targets:
        prepare_folder(target.out_dir)
        if target.zip_path is not None:
            prepare_folder(target.zip_path.parent)
    bundles: list[Bundle] = []
    try:
        for target, scripts in zip(targets, all_scripts, strict=True):
            bundles.append(Bundle(target.out_dir))
            bundles[-1].check(_names(scripts))
        built_all, listed = _stage(
            targets,
            all_scripts,
            bundles,
            encoder=encoder,
            progress=progress,
            workers=workers,
            force=force,
        )
        checkpoint("staged")
        commit_all(bundles)
        for target, (names, stale_feed) in zip(targets, listed, strict=True):
            _after_commit(target, names, stale_feed)
    except KeyboardInterrupt as stop:
        if isinstance(stop, Interrupted):
            raise
        if any(b.committed for b in bundles):
            raise Interrupted(
                "stopped after the new files were put in place; they are complete."
            ) from None
        raise Interrupted("stopped; files that were there before are unchanged.") from None
    finally:
        for bundle in bundles:
            bundle.discard()
    return built_all


def _after_commit(target: Target, names: list[str], stale_feed: bool) -> None:
    """Once every file is in place: a feed an earlier build wrote goes when this build has no
    address for it (it would describe other bytes), and the zip holds the bundle as it is now."""
    if stale_feed:
        (target.out_dir / export.FEED_NAME).unlink(missing_ok=True)
    if target.zip_path is not None:
        export.write_zip(target.zip_path, target.out_dir, names)


def _names(scripts: Sequence[SessionScript]) -> list[str]:
    """The files a build of these scripts writes, as far as they are known before it starts."""
    mp3s = [session_file_name(s.phase, s.variant) for s in scripts]
    extras = [export.PLAYLIST_NAME, export.PAGE_NAME, export.FEED_NAME, MANIFEST_NAME]
    texts = [
        name for n in mp3s for name in (export.transcript_name(n), export.transcript_page_name(n))
    ]
    return [*mp3s, *texts, *extras]


def check_scripts(scripts: Sequence[SessionScript], out_dir: Path) -> None:
    """What can be known of each file before any audio: one file per session, and no
    session longer than :data:`MAX_SESSION_MS` even before a word is said."""
    seen: dict[str, int] = {}
    for script in scripts:
        name = session_file_name(script.phase, script.variant)
        if name in seen:
            raise ProgramError(
                f"Phases {seen[name]} and {script.phase.number} would both be written to "
                f"{out_dir / name}; give every phase its own number."
            )
        seen[name] = script.phase.number
        check_length(script.phase.number, silent_ms(script.steps))


def silent_ms(steps: Sequence[Step]) -> int:
    """The least a session lasts, known without speech: its silences and timed slots (tones
    count as nothing, which keeps it a lower bound)."""
    return sum(
        step.slot_ms if isinstance(step, Line) else step.ms if isinstance(step, Silence) else 0
        for step in steps
    )


def check_length(phase: int, duration_ms: int) -> None:
    """Refuse a session longer than :data:`MAX_SESSION_MS`, before audio is made."""
    if duration_ms > MAX_SESSION_MS:
        hours = MAX_SESSION_MS // 3_600_000
        raise ProgramError(
            f"Phase {phase} would last {duration_ms / 3_600_000:.1f} hours or more; a session "
            f"may last at most {hours} hours: lower the repetitions, sets, rests or 'move_s'."
        )


def _stage(
    targets: Sequence[Target],
    all_scripts: list[list[SessionScript]],
    bundles: Sequence[Bundle],
    *,
    encoder: EncoderSettings,
    progress: ProgressCallback | None,
    workers: int,
    force: bool,
) -> tuple[list[list[BuiltFile]], list[tuple[list[str], bool]]]:
    """Write every changed file of every target into its bundle; nothing is put in place.
    Returns the files built or kept, and for each target the names its bundle lists and
    whether a feed an earlier build wrote is to go."""
    manifests = [Manifest.load(t.out_dir) for t in targets]
    results: list[list[BuiltFile | None]] = []
    todo: list[tuple[int, int, str]] = []  # (target, phase index, fingerprint)
    for number, (target, scripts) in enumerate(zip(targets, all_scripts, strict=True)):
        results.append([None] * len(scripts))
        for index, script in enumerate(scripts):
            print_ = fingerprint(
                script, f"{target.voice.identity};{target.fingerprint_extra()}", encoder
            )
            name = session_file_name(script.phase, script.variant)
            entry = None if force else manifests[number].unchanged(name, print_)
            if entry is None:
                todo.append((number, index, print_))
            else:
                path = target.out_dir / name
                results[number][index] = BuiltFile(path, script.phase, entry.duration_ms, None)
    # Per target, the longest phase first: its encoding is the critical path.
    todo.sort(key=lambda item: (item[0], -len(all_scripts[item[0]][item[1]].steps)))
    speaking = _SpokenCount(
        progress,
        sum(
            len(distinct_texts(all_scripts[n][i] for n2, i, _ in todo if n2 == n))
            for n in range(len(targets))
        ),
    )
    with Workers(min(workers, len(todo)), preload=[make_phase_file.__module__]) as pool:
        pending: dict[Future[Path], tuple[int, int, str, Session]] = {}
        for number, target in enumerate(targets):
            mine = [(index, print_) for n, index, print_ in todo if n == number]
            speaker = _Speaker(target.voice, speaking)
            count = len(all_scripts[number])
            for index, print_ in mine:
                session = speaker.session(all_scripts[number][index])
                check_length(session.phase.number, session.timeline.duration_ms)
                # The worker reads cached clips itself, and levels and encodes them.
                order = replace(
                    phase_file_order(
                        bundles[number].path(session.file_name),
                        session,
                        speaker.clips,
                        target.voice,
                        encoder,
                    ),
                    header=id3_tag(
                        target.program,
                        session,
                        index + 1,
                        count,
                        target.practice,
                        label=target.label,
                    ),
                )
                pending[pool.submit(make_phase_file, order)] = (number, index, print_, session)
            speaker.clips.clear()  # the workers have what they need: hold no samples meanwhile
        # No malloc_trim here: espeak-ng crashed (SIGSEGV in Synth) when the heap was trimmed
        # between two of its syntheses, and a later build in this process would be just that.
        for done, future in enumerate(as_completed(pending), 1):
            staged = future.result()
            number, index, print_, session = pending[future]
            duration = session.timeline.duration_ms
            about = export.describe(targets[number].program, session)
            manifests[number].record(staged.name, print_, duration, about=about, at=staged)
            final = targets[number].out_dir / staged.name
            results[number][index] = BuiltFile(final, session.phase, duration, session)
            checkpoint(f"encoded-{done}")
            if progress:
                progress(done, len(todo), "encoding")
    built_all = [[built for built in files if built is not None] for files in results]
    listed = []
    for target, manifest, bundle in zip(targets, manifests, bundles, strict=True):
        had_feed = export.FEED_NAME in manifest.entries
        # Page, playlist and feed list every session file present, not only this build's:
        # read where each is now (staged when made now), written into the stage.
        names = export.write_bundle(
            target.program,
            manifest,
            practice=target.practice,
            label=target.label,
            base_url=target.base_url,
            locate=bundle.current,
            into=bundle.stage,
        )
        listed.append((names, had_feed and target.base_url is None))
        if bundle.staged() or manifest.changed():
            manifest.save(bundle.stage)
    return built_all, listed


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
