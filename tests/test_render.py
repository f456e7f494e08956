"""Rendering is linear: every clip copied once, chunk by chunk, whatever the session's length."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.audio.render import CHUNK_FRAMES, chunk_pieces, render_chunks
from audiocoach.audio.timeline import Timeline, build_timeline
from audiocoach.audio.tones import tone_clips
from audiocoach.model.program import Program
from audiocoach.script.writer import Templates, session_script
from audiocoach.sound import Clip, frame_at
from counting import with_dosage
from whole_session import render

TEMPLATES = Templates()


def laid_out(program: Program, phase: int = 1) -> tuple[Timeline, dict[str, Clip]]:
    """A phase of the card with made-up clips: each text a distinct ramp of its own length."""
    script = session_script(program, program.phases[phase], TEMPLATES)
    rng = np.random.default_rng(len(script.texts))
    clips = {
        text: Clip(text, rng.integers(1, 30_000, int(rng.integers(2_000, 40_000)), np.int16))
        for text in script.texts
    }
    clips.update(tone_clips(script.tones))
    return build_timeline(script.steps, {t: c.ms for t, c in clips.items()}), clips


def work(timeline: Timeline, clips: dict[str, Clip]) -> tuple[int, int, int, int]:
    """(spoken events, copy operations, frames copied, chunks) of one render."""
    spoken = [e for e in timeline.events if e.text is not None]
    plan = list(chunk_pieces(timeline, clips))
    pieces = [piece for _, chunk in plan for piece in chunk]
    return len(spoken), len(pieces), sum(len(s) for _, s in pieces), len(plan)


@pytest.mark.parametrize("phase", [0, 1])
def test_every_clip_frame_is_copied_exactly_once(program: Program, phase: int) -> None:
    timeline, clips = laid_out(program, phase)
    spoken, pieces, frames, chunks = work(timeline, clips)
    said = [clips[e.text].samples for e in timeline.events if e.text is not None]
    assert frames == sum(len(s) for s in said)
    assert spoken <= pieces <= spoken + chunks  # a clip is split only at a chunk boundary


def test_doubling_sets_and_reps_at_most_doubles_the_clips_placed_per_second(
    program: Program,
) -> None:
    """Work grows with what is said and how long it lasts, never with their product."""
    base, base_clips = laid_out(program, 1)
    doubled, doubled_clips = laid_out(with_dosage(program, sets=6, reps=20), 1)
    b_spoken, b_pieces, _, b_chunks = work(base, base_clips)
    d_spoken, d_pieces, _, d_chunks = work(doubled, doubled_clips)
    # Four times the counts at most (twice the sets, twice the reps) ...
    assert d_spoken <= 4 * b_spoken
    # ... and the copying stays one operation per clip, plus one per chunk boundary.
    assert d_pieces <= d_spoken + d_chunks
    assert d_chunks == -(-frame_at(doubled.duration_ms) // CHUNK_FRAMES)
    assert b_pieces <= b_spoken + b_chunks


def test_chunks_match_a_plain_placement_and_stay_small(program: Program) -> None:
    timeline, clips = laid_out(program, 0)
    expected = np.zeros(frame_at(timeline.duration_ms), dtype=np.int16)
    for event in timeline.events:
        if event.text is not None:
            start = frame_at(event.start_ms)
            samples = clips[event.text].samples
            expected[start : start + len(samples)] = samples
    chunks = list(render_chunks(timeline, clips, chunk_frames=10_007))
    assert all(len(c) <= 10_007 and c.dtype == np.int16 for c in chunks)
    assert np.array_equal(np.concatenate(chunks), expected)
    assert np.array_equal(render(timeline, clips), expected)
