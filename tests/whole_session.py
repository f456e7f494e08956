"""A whole session in memory, for tests: what production code never holds at once.

A build renders and measures a session chunk by chunk (``render_chunks``, ``loudness_of``);
tests compare those against the whole session rendered as one array.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from audiocoach.audio.meter import loudness_of
from audiocoach.audio.render import render_chunks
from audiocoach.audio.timeline import Timeline
from audiocoach.sound import Clip, Samples


def render(timeline: Timeline, clips: Mapping[str, Clip]) -> Samples:
    """The whole session in one array."""
    chunks = list(render_chunks(timeline, clips))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def session_loudness(timeline: Timeline, clips: Mapping[str, Clip]) -> float:
    """Integrated loudness of a session from its clips in memory (:func:`loudness_of`)."""
    lengths = {text: len(clip.samples) for text, clip in clips.items()}
    return loudness_of(timeline, lengths, lambda text: clips[text].samples)
