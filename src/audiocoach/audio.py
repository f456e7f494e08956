"""Audio values shared by every step: the session format and clip conversions.

Clips and sessions are pydub ``AudioSegment`` values at the edges (what engines return, what
the encoder takes); in between, samples are handled as NumPy arrays so that a session is
rendered in one pass instead of pydub's copying appends. pydub itself is imported only where
a segment is made: encoding workers use this module and never need it (3 MB each).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from pydub import AudioSegment

SAMPLE_RATE = 22_050
"""Hz. espeak-ng's own rate; plenty for speech, and half the data of 44.1 kHz."""
SAMPLE_WIDTH = 2
"""Bytes per sample: 16-bit PCM."""
CHANNELS = 1

Samples = npt.NDArray[np.int16]

SILENCE_THRESHOLD = 0.01
"""Fraction of full scale below which a clip's edges count as silence."""


def conform(segment: AudioSegment) -> AudioSegment:
    """The segment in the session format: 22.05 kHz, mono, 16-bit."""
    if segment.channels != CHANNELS:
        segment = segment.set_channels(CHANNELS)
    if segment.sample_width != SAMPLE_WIDTH:
        segment = segment.set_sample_width(SAMPLE_WIDTH)
    if segment.frame_rate != SAMPLE_RATE:
        segment = segment.set_frame_rate(SAMPLE_RATE)
    return segment


def samples_of(segment: AudioSegment) -> Samples:
    """The samples of a conformed segment, without copying."""
    return np.frombuffer(segment.raw_data, dtype=np.int16)


def segment_of(samples: Samples) -> AudioSegment:
    """Wrap samples in the session format as a pydub segment."""
    from pydub import AudioSegment

    return AudioSegment(
        data=samples.astype(np.int16, copy=False).tobytes(),
        sample_width=SAMPLE_WIDTH,
        frame_rate=SAMPLE_RATE,
        channels=CHANNELS,
    )


def trim_silence(samples: Samples) -> Samples:
    """Cut leading and trailing near-silence, so a count starts on its beat."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD * 32767)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def ms_for(frames: int) -> int:
    """Milliseconds a clip of ``frames`` samples occupies, rounded up so clips never overlap."""
    return math.ceil(frames * 1000 / SAMPLE_RATE)


def frame_at(ms: int) -> int:
    """The sample index where a timeline position in milliseconds starts."""
    return ms * SAMPLE_RATE // 1000
