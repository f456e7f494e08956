"""Timeline + clips -> a session's samples, in one pass, a chunk at a time.

Each chunk is a preallocated buffer into which the clips that fall in it are copied, so the
work is linear in the session's length and memory holds one chunk, not the session. Appending
segments instead copies the growing recording on every append, which is quadratic in the
session length (pydub issue 256).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import numpy as np

from audiocoach.audio.timeline import Timeline
from audiocoach.sound import SAMPLE_RATE, Clip, Samples, frame_at

CHUNK_FRAMES = SAMPLE_RATE * 30
"""Thirty seconds of samples per chunk: small next to a session, large next to any clip."""


Piece = tuple[int, Samples]
"""Samples to copy into a chunk, and the offset in the chunk where they go."""


def chunk_pieces(
    timeline: Timeline, clips: Mapping[str, Clip], chunk_frames: int = CHUNK_FRAMES
) -> Iterator[tuple[int, list[Piece]]]:
    """For each chunk in order: its length in frames, and the clip pieces that fall in it.

    Each frame of each spoken event lands in exactly one piece, so the copying is linear in
    the clips said plus the chunks; tests count the pieces to prove it.
    """
    total = frame_at(timeline.duration_ms)
    placed = [
        (frame_at(e.start_ms), clips[e.text].samples) for e in timeline.events if e.text is not None
    ]
    index = 0
    for chunk_start in range(0, total, chunk_frames):
        chunk_end = min(chunk_start + chunk_frames, total)
        # Clips are in time order; skip those that ended before this chunk.
        while index < len(placed) and placed[index][0] + len(placed[index][1]) <= chunk_start:
            index += 1
        pieces = []
        for start, samples in itertools.islice(placed, index, None):
            if start >= chunk_end:
                break
            lo, hi = max(start, chunk_start), min(start + len(samples), chunk_end)
            pieces.append((lo - chunk_start, samples[lo - start : hi - start]))
        yield chunk_end - chunk_start, pieces


def render_chunks(
    timeline: Timeline, clips: Mapping[str, Clip], chunk_frames: int = CHUNK_FRAMES
) -> Iterator[Samples]:
    """The session as consecutive 16-bit chunks; silences are exact digital silence."""
    for length, pieces in chunk_pieces(timeline, clips, chunk_frames):
        out = np.zeros(length, dtype=np.int16)
        for offset, samples in pieces:
            out[offset : offset + len(samples)] = samples
        yield out
