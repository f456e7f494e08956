"""What the patient hears, read as a physiotherapist would: from ``preview --json`` of
``build --select all`` (the timeline the MP3s are rendered from).

Safe openings, a name per exercise, time to move after every cue, the next exercise announced
in the rest before it, and the time a day that the dosage asks for.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from audiocoach.model.program import Program
from audiocoach.script.dutch import LEXICON, written_forms
from helpers import preview_json, run_cli

Event = dict[str, Any]
LARGE_MOVEMENTS = {4, 5, 8}
"""A knee pulled up and held with both arms, an arm and a leg lifted: three seconds at least."""
BOTH_KNEES = 7
"""Both knees to one shoulder and back: four seconds at least (issue 21)."""


@pytest.fixture(scope="module")
def phases() -> list[dict[str, Any]]:
    """Every session with every exercise chosen: each phase in full, then short."""
    phases: list[dict[str, Any]] = preview_json(CliRunner(), "--select", "all")["phases"]
    return phases


@pytest.fixture(scope="module")
def full(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in phases if p["variant"] == "volledig"]


def said(phase: dict[str, Any]) -> list[Event]:
    return [e for e in phase["events"] if e["text"] is not None]


def next_sound(events: list[Event], index: int) -> tuple[float, Event | None]:
    """Seconds of silence after event ``index``, and the next thing heard (None at the end)."""
    silence = 0.0
    for event in events[index + 1 :]:
        if event["text"] is not None:
            return silence, event
        silence += event["duration_s"]
    return silence, None


def test_every_opening_names_the_therapist(phases: list[dict[str, Any]]) -> None:
    """The card: "in overleg met uw behandelaar/begeleider", said as "of"."""
    agree = "Begin pas met deze fase als u dat met uw behandelaar of begeleider hebt afgesproken."
    chosen = "Uw behandelaar of begeleider heeft voor u gekozen: oefening vijf, zes, zeven, acht, "
    for phase in phases:  # full and short alike
        opening = said(phase)[0]["text"]
        assert "in overleg met uw behandelaar of begeleider" in opening
        assert (agree in opening) == (phase["number"] == 2), opening
        assert (f"{chosen}negen, tien en elf." in opening) == (phase["number"] == 2), opening


def test_the_opening_counts_the_exercises_not_the_advice(full: list[dict[str, Any]]) -> None:
    assert "Deze sessie heeft drie oefeningen en een advies." in said(full[0])[0]["text"]
    assert "Deze sessie heeft tien oefeningen en een advies." in said(full[1])[0]["text"]


def test_a_therapists_selection_is_named_as_such(runner: CliRunner) -> None:
    phase = preview_json(runner, "--phase", "2", "--select", "5,8")["phases"][0]
    opening = said(phase)[0]["text"]
    assert "Uw behandelaar of begeleider heeft voor u gekozen: oefening vijf en acht." in opening
    assert "Begin pas met deze fase" in opening
    assert "Deze sessie heeft vijf oefeningen en een advies." in opening


def test_each_exercise_is_announced_by_its_own_name(
    phases: list[dict[str, Any]], program: Program
) -> None:
    for phase in phases:
        for number in phase["exercises"]:
            first = next(e for e in said(phase) if e["exercise"] == number)
            text = written_forms(first["text"])
            assert program.exercise(number).name in text, text
            assert text.startswith("Oefening ")


def cue_silences(phases: list[dict[str, Any]]) -> Iterator[tuple[int, float, Event | None]]:
    for phase in phases:
        events = phase["events"]
        for index, event in enumerate(events):
            if event["kind"] == "cue":
                yield (event["exercise"], *next_sound(events, index))


def test_every_cue_leaves_time_to_move(phases: list[dict[str, Any]]) -> None:
    checked = 0
    for exercise, silence, _ in cue_silences(phases):
        least = 4.0 if exercise == BOTH_KNEES else 3.0 if exercise in LARGE_MOVEMENTS else 2.0
        assert silence >= least, (exercise, silence)
        checked += 1
    assert checked > 500


def test_no_count_runs_into_its_cue(phases: list[dict[str, Any]]) -> None:
    pairs = 0
    for phase in phases:
        events = phase["events"]
        for index, event in enumerate(events):
            silence, heard = next_sound(events, index)
            if event["kind"] == "count" and heard is not None and heard["kind"] == "cue":
                assert silence >= 0.2, event
                pairs += 1
    assert pairs > 300


def test_every_rest_before_a_new_exercise_names_it(
    phases: list[dict[str, Any]], program: Program
) -> None:
    announced = 0
    for phase in phases:
        events = phase["events"]
        for index, event in enumerate(events):
            if event["kind"] != "rest":
                continue
            _, heard = next_sound(events, index)
            if heard is None or heard["exercise"] == event["exercise"]:
                continue
            before = written_forms([e for e in events[:index] if e["text"] is not None][-1]["text"])
            coming = program.exercise(heard["exercise"])
            assert coming.name in before, before
            assert f"oefening {coming.number}" not in before  # said in words
            assert before.startswith("De volgende oefening is oefening ")
            announced += 1
    after_exercises = [  # every exercise followed by another, advice (no rest) aside
        a
        for p in phases
        for a, _ in itertools.pairwise(p["exercises"])
        if program.exercise(a).dosage.pattern != "advice"
    ]
    assert announced == len(after_exercises) == 22


def test_the_rest_warning_comes_only_before_a_movement(phases: list[dict[str, Any]]) -> None:
    warnings = 0
    for phase in phases:
        events = phase["events"]
        for index, event in enumerate(events):
            if event["text"] and re.fullmatch(r"Nog \w+ seconden\.", event["text"]):
                _, heard = next_sound(events, index)
                assert heard is not None
                assert heard["exercise"] == event["exercise"]
                assert heard["duration_s"] < 3, f"a long explanation follows: {heard['text']}"
                warnings += 1
    assert warnings > 0


def test_a_single_set_is_not_one_of_one(runner: CliRunner) -> None:
    for phase in preview_json(runner, "--phase", "1", "--sets", "1")["phases"]:
        texts = [e["text"] for e in said(phase)]
        assert not any("van één" in t for t in texts)
        assert texts.count("Begin maar.") == 3
        assert "Laatste serie." not in texts


def test_the_time_a_day_is_shown_before_building(runner: CliRunner) -> None:
    shown = run_cli(runner, "preview")
    assert shown.exit_code == 0
    data = preview_json(runner)["phases"]
    for phase in data:
        minutes = phase["duration_s"] / 60
        expected = f"3 tot 5 keer per dag: {round(minutes * 3)} tot {round(minutes * 5)} minuten"
        assert expected in shown.output


def test_the_preview_to_read_shows_words_as_written(runner: CliRunner) -> None:
    """The voice is given espeak-ng's phonemes for "plafond"; the therapist reads "plafond"."""
    shown = run_cli(runner, "preview", "--script", "--phase", "1").output
    assert "handpalmen naar het plafond" in shown
    assert "[[" not in shown
    spoken = preview_json(runner, "--phase", "1")["phases"][0]["events"]
    assert any(LEXICON["plafond"] in (e["text"] or "") for e in spoken)
