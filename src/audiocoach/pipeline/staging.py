"""One target's folder during a build: which of its files are made and which kept, and
everything written into its stage before the whole bundle is put in place.

The MP3s are staged by the workers; this module notes each in the folder's manifest, writes
the page, playlist, feed and manifest beside them, and once the bundle is in place removes a
feed that no longer holds and writes the zip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.session import Session
from audiocoach.audio.timeline import Timeline
from audiocoach.files import write_text
from audiocoach.folders import Bundle
from audiocoach.journal import mark
from audiocoach.output import export
from audiocoach.output.extras import session_extra_names
from audiocoach.output.manifest import MANIFEST_NAME, Manifest
from audiocoach.output.tags import id3_tag
from audiocoach.pipeline.plan import PhasePlan, plan_files, to_make
from audiocoach.pipeline.target import BuiltFile, Handout, Target
from audiocoach.script.session import session_file_name
from audiocoach.script.writer import SessionScript


def bundle_names(scripts: Sequence[SessionScript]) -> list[str]:
    """The files a build of these scripts writes, as far as they are known before it starts."""
    mp3s = [session_file_name(s.phase, s.variant) for s in scripts]
    extras = [export.PLAYLIST_NAME, export.PAGE_NAME, *export.ONLINE_NAMES, MANIFEST_NAME]
    texts = [name for n in mp3s for name in session_extra_names(n)]
    return [*mp3s, *texts, *extras]


@dataclass(frozen=True)
class FolderStage:
    """One target during a build: its bundle, its manifest, and a plan for each of its files."""

    target: Target
    bundle: Bundle
    manifest: Manifest
    plans: tuple[PhasePlan, ...]
    todo: tuple[PhasePlan, ...]
    """The plans of the files to make anew, in the order they are made."""
    stale_feed: bool
    """A feed an earlier build wrote is to go: this build has no address for it (it would
    describe other bytes)."""

    @classmethod
    def plan(
        cls,
        target: Target,
        scripts: Sequence[SessionScript],
        bundle: Bundle,
        encoder: EncoderSettings,
        *,
        force: bool = False,
    ) -> FolderStage:
        """Check the folder's manifest for each script: which files are made, which kept."""
        manifest = Manifest.load(target.out_dir)
        made_with = f"{target.voice.identity};{target.fingerprint_extra()}"
        plans = plan_files(scripts, manifest, made_with, encoder, force=force)
        stale_feed = target.base_url is None and any(
            n in manifest.entries for n in export.ONLINE_NAMES
        )
        return cls(target, bundle, manifest, plans, to_make(plans), stale_feed)

    def tag(self, plan: PhasePlan, session: Session) -> bytes:
        """The ID3 tag of a file to make: titles, the practice and the patient, its track
        among the folder's session files, and its chapters."""
        target = self.target
        count = len(self.plans)
        return id3_tag(
            target.program, session, plan.track, count, target.practice, label=target.label
        )

    def record(self, plan: PhasePlan, session: Session, staged: Path) -> BuiltFile:
        """A file a worker wrote into the stage, noted in the manifest with what the page,
        playlist and feed of later builds say about it."""
        duration = session.timeline.duration_ms
        about = export.describe(self.target.program, session)
        self.manifest.record(staged.name, plan.fingerprint, duration, about=about, at=staged)
        return BuiltFile(
            self.target.out_dir / staged.name,
            session.phase,
            duration,
            session,
            session.variant,
            session.timeline,
        )

    def files(self, made: dict[Path, BuiltFile]) -> list[BuiltFile]:
        """Every file of this target in the order of its scripts: ``made`` now, or kept."""
        files = []
        for plan in self.plans:
            path = self.target.out_dir / plan.file_name
            if plan.kept is None:
                files.append(made[path])
            else:
                kept = plan.kept
                timeline = kept.about.timeline if kept.about else None
                files.append(
                    BuiltFile(
                        path,
                        plan.phase,
                        kept.duration_ms,
                        None,
                        plan.variant,
                        timeline or Timeline(()),
                    )
                )
        return files

    def write_listing(self) -> tuple[list[str], list[str]]:
        """Write the page, playlist and feed, and the manifest when it changed, into the stage;
        returns the names of the bundle's files (see :func:`export.write_bundle`) and of
        those this build changes (the ones staged)."""
        target, manifest, bundle = self.target, self.manifest, self.bundle
        # Page, playlist and feed list every session file present, not only this build's:
        # read where each is now (staged when made now), written into the stage.
        for name, text in target.files:
            write_text(bundle.path(name), text)
        names = export.write_bundle(
            target.program,
            manifest,
            practice=target.practice,
            label=target.label,
            base_url=target.base_url,
            locate=bundle.current,
            into=bundle.stage,
        )
        for name in export.ONLINE_NAMES if self.stale_feed else ():
            if (target.out_dir / name).exists():
                bundle.remove(name)
        zip_path = target.zip_path
        zip_changed: list[str] = []
        if zip_path is not None and _same_file_system(zip_path.parent, bundle.stage):
            # Part of the bundle: new zip with new files, or old with old.
            staged = export.write_zip(
                bundle.path(zip_path.name), target.out_dir, names, locate=bundle.current
            )
            if _same_bytes(staged, zip_path):
                staged.unlink()  # a build that changes nothing changes nothing
            else:
                zip_changed.append(zip_path.name)
            bundle.send(zip_path.name, zip_path)
        changed = bundle.staged()
        if changed or manifest.changed():
            manifest.save(bundle.stage)
        return names, [name for name in names if name in changed] + zip_changed

    def after_commit(self, names: list[str], changed: list[str]) -> Handout:
        """Once every file is in place: a zip on another file system than the folder (which
        no rename can put in place with the rest) is written now, from the files in place.
        Returns what the patient is handed, and what changed."""
        target, folder = self.target, self.target.out_dir
        removed = [folder / name for name in self.bundle.removed]
        zip_path = target.zip_path
        if zip_path is not None and zip_path.name not in self.bundle.elsewhere:
            before = mark(zip_path)
            export.write_zip(zip_path, folder, names)
            if mark(zip_path) != before:
                changed = [*changed, zip_path.name]
        url = target.base_url
        return Handout(
            out_dir=folder,
            files=(),
            page=folder / export.PAGE_NAME,
            page_url=None if url is None else export.page_url(url),
            feed=None if url is None else folder / export.FEED_NAME,
            feed_url=None if url is None else url + export.FEED_NAME,
            zip_path=zip_path,
            changed=tuple(changed),
            removed=tuple(removed),
        )


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return one.stat().st_size == other.stat().st_size and one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _same_file_system(one: Path, other: Path) -> bool:
    try:
        return one.stat().st_dev == other.stat().st_dev
    except OSError:
        return False
