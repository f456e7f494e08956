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
from audiocoach.folders import Bundle
from audiocoach.output import export
from audiocoach.output.manifest import MANIFEST_NAME, Manifest
from audiocoach.output.tags import id3_tag
from audiocoach.pipeline.plan import PhasePlan, plan_files, to_make
from audiocoach.pipeline.target import BuiltFile, Target
from audiocoach.script.session import Session, session_file_name
from audiocoach.script.writer import SessionScript


def bundle_names(scripts: Sequence[SessionScript]) -> list[str]:
    """The files a build of these scripts writes, as far as they are known before it starts."""
    mp3s = [session_file_name(s.phase, s.variant) for s in scripts]
    extras = [export.PLAYLIST_NAME, export.PAGE_NAME, *export.ONLINE_NAMES, MANIFEST_NAME]
    texts = [
        name for n in mp3s for name in (export.transcript_name(n), export.transcript_page_name(n))
    ]
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
        return BuiltFile(self.target.out_dir / staged.name, session.phase, duration, session)

    def files(self, made: dict[Path, BuiltFile]) -> list[BuiltFile]:
        """Every file of this target in the order of its scripts: ``made`` now, or kept."""
        files = []
        for plan in self.plans:
            path = self.target.out_dir / plan.file_name
            if plan.kept is None:
                files.append(made[path])
            else:
                files.append(BuiltFile(path, plan.phase, plan.kept.duration_ms, None))
        return files

    def write_listing(self) -> list[str]:
        """Write the page, playlist and feed, and the manifest when it changed, into the stage;
        returns the names of the bundle's files (see :func:`export.write_bundle`)."""
        target, manifest, bundle = self.target, self.manifest, self.bundle
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
        if bundle.staged() or manifest.changed():
            manifest.save(bundle.stage)
        return names

    def after_commit(self, names: list[str]) -> None:
        """Once every file is in place: the stale feed goes, and the zip holds the bundle as
        it is now."""
        for name in export.ONLINE_NAMES if self.stale_feed else ():
            (self.target.out_dir / name).unlink(missing_ok=True)
        if self.target.zip_path is not None:
            export.write_zip(self.target.zip_path, self.target.out_dir, names)
