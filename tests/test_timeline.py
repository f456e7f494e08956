"""The timeline: events back to back, counts on the beat, durations that add up."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from audiocoach.audio.timeline import Event, build_timeline
from audiocoach.model.program import Dosage
from audiocoach.model.program_file import load_program
from audiocoach.script.writer import Templates, session_script
from counting import with_dosage

PROGRAM = load_program()
TEMPLATES = Templates()


def fixed_lengths(texts: tuple[str, ...], ms: int) -> dict[str, int]:
    return dict.fromkeys(texts, ms)


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
    """For any valid dosage: events are contiguous, counts = reps x sets per exercise, and
    every rest lasts what the card says (see :func:`assert_rests_last`)."""
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
        # The card's rule, not the code's: each repetition counted once; a hold counts down
        # its last three seconds (fewer in a hold shorter than four seconds).
        per_set = min(3, dosage.hold_s - 1) if dosage.pattern == "hold" else dosage.reps
        rests = [e for e in timeline.events if e.kind == "rest" and e.exercise == number]
        if dosage.pattern == "advice":  # "n.v.t.": nothing to count, no rest
            assert counts == rests == []
            continue
        assert len(counts) == per_set * dosage.sets
        between_exercises = 1 if number != phase.exercises[-1] else 0
        assert len(rests) == (sets - 1 + between_exercises if rest_s else 0)
    assert_rests_last(timeline.events, rest_s * 1000)


def assert_rests_last(events: tuple[Event, ...], rest_ms: int) -> None:
    """Each rest, from the words announcing it to the next set's (or exercise's) first words,
    lasts exactly ``rest_ms``, whatever the voice's speed; nothing is said in it except, in a
    rest of ten seconds or more before another set, "Nog vijf seconden." five seconds before
    its end."""
    for index, rest in enumerate(events):
        if rest.kind != "rest":
            continue
        assert events[index - 1].text is not None, "a rest follows the words announcing it"
        said = [e for e in events[index + 1 :] if e.text is not None]
        warnings = list(itertools.takewhile(lambda e: e.text == "Nog vijf seconden.", said))
        resumed = said[len(warnings)]
        assert resumed.start_ms - rest.start_ms == rest_ms
        before_a_set = resumed.exercise == rest.exercise
        assert len(warnings) == (1 if before_a_set and rest_ms >= 10_000 else 0)
        assert all(w.start_ms == resumed.start_ms - 5000 for w in warnings)


MOVE_MS = {0.5: 500, 2.0: 2000, 2.5: 2500, 3.5: 3500, 30.0: 30_000}
"""A dosage's ``move_s``, and the silence after each movement's words, worked out by hand."""
MOVEMENTS_PER_SET_OF_PHASE_TWO = 140
"""From the card: exercises 2 to 6 count ten repetitions of two cues each (100 movements),
7, 8 and 10 ten repetitions of one alternating cue (30), 9 ten plain counts (10); 11 is a
hold, whose countdown is timed by the second, not by movements."""


@settings(max_examples=40, deadline=None)
@given(clip_ms=st.integers(100, 3000), move_s=st.sampled_from(sorted(MOVE_MS)))
def test_time_to_move_follows_every_cue_whatever_the_voice(clip_ms: int, move_s: float) -> None:
    """After a cue (or a count with no cue) comes exactly ``move_s`` of silence, however long
    the voice takes to say it; a count and its cue are never run together."""
    program = with_dosage(PROGRAM, sets=1)
    program = replace(
        program,
        exercises=tuple(
            replace(e, dosage=replace(e.dosage, move_s=move_s)) for e in program.exercises
        ),
    )
    script = session_script(program, program.phase(2), TEMPLATES)
    events = build_timeline(script.steps, fixed_lengths(script.texts, clip_ms)).events
    movements = 0
    for event, gap, then in zip(events, events[1:], events[2:], strict=False):
        if event.kind not in ("count", "cue") or event.exercise is None:
            continue
        if program.exercise(event.exercise).dosage.pattern == "hold":
            continue
        assert gap.kind == "pause", event
        if event.kind == "count" and then.kind == "cue":
            assert gap.duration_ms >= 200, "a count and its cue run together"
            continue
        movements += 1
        assert gap.duration_ms == MOVE_MS[move_s], event
    assert movements == MOVEMENTS_PER_SET_OF_PHASE_TWO


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

    from audiocoach.audio.render import render_chunks
    from audiocoach.audio.tones import tone_clips
    from audiocoach.sound import Clip

    script = session_script(PROGRAM, PROGRAM.phase(1), TEMPLATES)
    rng = np.random.default_rng(1)
    clips = {
        t: Clip(t, rng.integers(-20000, 20000, 2205 + 10 * i, dtype=np.int16))
        for i, t in enumerate(script.texts)
    }
    clips.update(tone_clips(script.tones))
    timeline = build_timeline(script.steps, {t: c.ms for t, c in clips.items()})
    whole = np.concatenate(list(render_chunks(timeline, clips, chunk_frames=10**9)))
    for size in (997, 22050, 220500):
        chunked = np.concatenate(list(render_chunks(timeline, clips, chunk_frames=size)))
        assert np.array_equal(whole, chunked)
    assert (
        int(np.count_nonzero(whole))
        >= sum(len(clips[e.text].samples) - 5 for e in timeline.events if e.text is not None) * 0.99
    )
