"""What a build does about each session file of a folder, decided before a word is spoken.

A file is made anew when the folder's manifest has no entry for it made from the same inputs
(its fingerprint), or the file is no longer as it was written; else it is kept as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.output.manifest import Entry, Manifest, fingerprint
from audiocoach.script.session import OfScript, session_file_name
from audiocoach.script.writer import SessionScript


@dataclass(frozen=True)
class PhasePlan(OfScript):
    """One session file of a folder: its script, its name, and whether it is made anew."""

    script: SessionScript
    track: int
    """Its place among the folder's session files, from 1: the track number in its tags."""
    fingerprint: str
    """Everything the file is made from, as the manifest records it."""
    kept: Entry | None
    """The manifest's entry when the file is up to date and stays; ``None``: make it."""

    @property
    def changed(self) -> bool:
        return self.kept is None


def plan_files(
    scripts: Sequence[SessionScript],
    manifest: Manifest,
    made_with: str,
    encoder: EncoderSettings,
    *,
    force: bool = False,
) -> tuple[PhasePlan, ...]:
    """A plan for each script, in order. ``made_with`` is what besides the script changes the
    files (the voice, the tags, the loudness); ``force`` makes every file anew."""
    plans = []
    for track, script in enumerate(scripts, 1):
        print_ = fingerprint(script, made_with, encoder)
        name = session_file_name(script.phase, script.variant)
        kept = None if force else manifest.unchanged(name, print_)
        plans.append(PhasePlan(script, track, print_, kept))
    return tuple(plans)


def to_make(plans: Sequence[PhasePlan]) -> tuple[PhasePlan, ...]:
    """The files to make anew, the longest first: its encoding is the critical path."""
    return tuple(sorted((p for p in plans if p.changed), key=lambda p: -len(p.script.steps)))
