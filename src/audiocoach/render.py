"""Timeline + clips -> a session's samples, in one pass, a chunk at a time.

Each chunk is a preallocated buffer into which the clips that fall in it are copied, so the
work is linear in the session's length and memory holds one chunk, not the session. Appending
segments instead copies the growing recording on every append, which is quadratic in the
session length (pydub issue 256).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from audiocoach.audio import SAMPLE_RATE, Samples, frame_at
from audiocoach.speech import Clip
from audiocoach.timeline import Timeline

CHUNK_FRAMES = SAMPLE_RATE * 30
"""Thirty seconds of samples per chunk: small next to a session, large next to any clip."""


def render_chunks(
    timeline: Timeline, clips: Mapping[str, Clip], chunk_frames: int = CHUNK_FRAMES
) -> Iterator[Samples]:
    """The session as consecutive 16-bit chunks; silences are exact digital silence."""
    total = frame_at(timeline.duration_ms)
    placed = [
        (frame_at(e.start_ms), clips[e.text].samples) for e in timeline.events if e.text is not None
    ]
    index = 0
    for chunk_start in range(0, total, chunk_frames):
        chunk_end = min(chunk_start + chunk_frames, total)
        out = np.zeros(chunk_end - chunk_start, dtype=np.int16)
        # Clips are in time order; skip those that ended before this chunk.
        while index < len(placed) and placed[index][0] + len(placed[index][1]) <= chunk_start:
            index += 1
        for start, samples in placed[index:]:
            if start >= chunk_end:
                break
            lo, hi = max(start, chunk_start), min(start + len(samples), chunk_end)
            out[lo - chunk_start : hi - chunk_start] = samples[lo - start : hi - start]
        yield out


def render(timeline: Timeline, clips: Mapping[str, Clip]) -> Samples:
    """The whole session in one array; for tests and short sessions."""
    chunks = list(render_chunks(timeline, clips))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
