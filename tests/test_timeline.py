"""The timeline: events back to back, counts on the beat, durations that add up."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from audiocoach.program import Dosage, Program, load_program
from audiocoach.script import Line, Templates, session_script
from audiocoach.timeline import build_timeline

PROGRAM = load_program()
TEMPLATES = Templates()


def fixed_lengths(texts: tuple[str, ...], ms: int) -> dict[str, int]:
    return dict.fromkeys(texts, ms)


def with_dosage(program: Program, **changes: int) -> Program:
    exercises = tuple(
        replace(e, dosage=replace(e.dosage, **changes)) if e.dosage.pattern != "advice" else e
        for e in program.exercises
    )
    return replace(program, exercises=exercises)


@settings(max_examples=40, deadline=None)
@given(
    reps=st.integers(1, 50),
    sets=st.integers(1, 10),
    rest_s=st.integers(0, 300),
    hold_s=st.integers(1, 120),
    clip_ms=st.integers(1, 4000),
)
def test_events_never_overlap_and_counts_match_dosage(
    reps: int, sets: int, rest_s: int, hold_s: int, clip_ms: int
) -> None:
    """For any valid dosage: events are contiguous, and counts = reps x sets per exercise."""
    program = with_dosage(PROGRAM, reps=reps, sets=sets, rest_s=rest_s, hold_s=hold_s)
    phase = program.phase(2)
    script = session_script(program, phase, TEMPLATES)
    timeline = build_timeline(script.steps, fixed_lengths(script.texts, clip_ms))
    position = 0
    for event in timeline.events:
        assert event.start_ms == position
        assert event.duration_ms > 0
        position = event.end_ms
    assert timeline.duration_ms == sum(e.duration_ms for e in timeline.events)
    for number in phase.exercises:
        dosage: Dosage = program.exercise(number).dosage
        counts = [e for e in timeline.events if e.kind == "count" and e.exercise == number]
        assert len(counts) == dosage.counts_per_set() * dosage.sets
        rests = [e for e in timeline.events if e.kind == "rest" and e.exercise == number]
        assert all(e.text is None for e in rests)


def test_counts_land_on_the_beat_whatever_the_clip_length() -> None:
    """A short and a long voice give the same count spacing: slot_ms, not the clip, sets it."""
    script = session_script(PROGRAM, PROGRAM.phase(2), TEMPLATES)
    steps = [s for s in script.steps if isinstance(s, Line)]
    assert steps
    starts = []
    for clip_ms in (300, 900):
        timeline = build_timeline(script.steps, fixed_lengths(script.texts, clip_ms))
        counts = [e.start_ms for e in timeline.events if e.kind == "count" and e.exercise == 9]
        starts.append([b - a for a, b in itertools.pairwise(counts)][:9])
    assert starts[0] == starts[1] == [3000] * 9


def test_chapters_start_at_each_exercise() -> None:
    script = session_script(PROGRAM, PROGRAM.phase(1), TEMPLATES)
    timeline = build_timeline(script.steps, fixed_lengths(script.texts, 500))
    chapters = timeline.chapters()
    assert [c.exercise for c in chapters] == [1, 2, 3, 4]
    for chapter in chapters:
        first = next(e for e in timeline.events if e.exercise == chapter.exercise)
        assert first.start_ms == chapter.start_ms
        assert first.text is not None
        assert first.text.startswith("Oefening")


def test_chunked_render_equals_whole_render_at_any_chunk_size() -> None:
    """Clips that straddle chunk edges are split exactly; nothing is lost or doubled."""
    import numpy as np

    from audiocoach.render import render_chunks
    from audiocoach.speech import Clip

    script = session_script(PROGRAM, PROGRAM.phase(1), TEMPLATES)
    rng = np.random.default_rng(1)
    clips = {
        t: Clip(t, rng.integers(-20000, 20000, 2205 + 10 * i, dtype=np.int16))
        for i, t in enumerate(script.texts)
    }
    timeline = build_timeline(script.steps, {t: c.ms for t, c in clips.items()})
    whole = np.concatenate(list(render_chunks(timeline, clips, chunk_frames=10**9)))
    for size in (997, 22050, 220500):
        chunked = np.concatenate(list(render_chunks(timeline, clips, chunk_frames=size)))
        assert np.array_equal(whole, chunked)
    assert (
        int(np.count_nonzero(whole))
        >= sum(len(clips[e.text].samples) - 5 for e in timeline.events if e.text is not None) * 0.99
    )
