"""What a build is asked for, a :class:`Target`, and what it hands back, a :class:`BuiltFile`.

Plain data shared by :mod:`~audiocoach.pipeline.build`, which the rest of the program imports
them from, and :mod:`~audiocoach.pipeline.staging`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from audiocoach.audio.levelling import LIMIT_DBTP, TARGET_LUFS
from audiocoach.audio.session import Session
from audiocoach.audio.timeline import Timeline
from audiocoach.model.base_url import BaseUrl
from audiocoach.model.program import Phase, Program
from audiocoach.script.writer import Variant
from audiocoach.speech.voice import Voice


@dataclass(frozen=True)
class Target:
    """One program to build into one folder with one voice: a patient, in a batch."""

    program: Program
    out_dir: Path
    voice: Voice
    phases: Sequence[Phase] | None = None
    practice: str | None = None
    """Names the practice in the tags and on the page."""
    base_url: BaseUrl | None = None
    """Where the folder will be published (checked where it was typed,
    :func:`~audiocoach.model.base_url.check_base_url`); a podcast feed is written when given."""
    label: str | None = None
    """The patient's initials: on the page, in the tags, the playlist and the feed."""
    zip_path: Path | None = None
    """Where to write the whole bundle as one zip, if anywhere."""
    files: tuple[tuple[str, str], ...] = ()
    """Text files put in place with the bundle, all or nothing (serve's ``patient.toml``,
    which must describe the audio beside it): (file name, text) pairs."""

    def fingerprint_extra(self) -> str:
        """What besides script, voice and encoder changes the MP3s: tags and loudness."""
        return (
            f"practice={self.practice!r};label={self.label!r};lufs={TARGET_LUFS};dbtp={LIMIT_DBTP}"
        )


class TargetOptions(TypedDict, total=False):
    """A :class:`Target`'s optional fields, by name: what :func:`~.build.build` accepts."""

    phases: Sequence[Phase] | None
    practice: str | None
    base_url: BaseUrl | None
    label: str | None
    zip_path: Path | None
    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BuiltFile:
    """A file of the build: written now, or kept because nothing it is made from changed."""

    path: Path
    phase: Phase
    duration_ms: int
    session: Session | None
    """The session as rendered now; ``None`` when the file was up to date and kept as it was."""
    variant: Variant = "volledig"
    """The session in full, or short."""
    timeline: Timeline = field(default_factory=lambda: Timeline(()))
    """What the file says and when: as rendered now, or as the manifest recorded it."""

    @property
    def kept(self) -> bool:
        return self.session is None


@dataclass(frozen=True)
class Handout:
    """What one target's build hands the patient, and which of its files this build changed:
    what the command line (and anyone calling :func:`~.build.build_handouts`) reports."""

    out_dir: Path
    files: tuple[BuiltFile, ...]
    """The session files, in the order of the program's phases (full, then short)."""
    page: Path
    """The patient's page (``index.html``), to open or to put on a USB stick."""
    page_url: str | None
    """The page's own address, with a base address (its QR code opens it)."""
    feed: Path | None
    """The podcast feed, with a base address."""
    feed_url: str | None
    zip_path: Path | None
    """The whole bundle as one zip, when asked for."""
    changed: tuple[str, ...]
    """The names of the folder's files this build wrote anew (and the zip's, when its bytes
    changed), in the folder's order; the other files are as they were."""
    removed: tuple[Path, ...] = ()
    """Files this build took away: a feed an earlier build wrote, without a base address."""
