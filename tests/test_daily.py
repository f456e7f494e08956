"""A session a patient can do every day (issue 21), read from ``preview --json``: phase 2 only
as the therapist chose it, cues that say which limb, a short session that is short, a position
a patient can take, the card's own words, and a warning when a day gets long.

Every expectation is the card's text or the issue's number, never the code's own logic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audiocoach.script.dutch import written_forms
from conftest import cli_speaking_tones
from helpers import preview_json, run_cli

Phase = dict[str, Any]
Event = dict[str, Any]

CUES = {
    2: (
        "naar links",
        "naar rechts",
    ),  # "beide knieën tegelijk naar links en vervolgens naar rechts"
    3: ("linkerbeen", "rechterbeen"),  # "om en om een gestrekt been weg"
    4: ("linkerknie", "rechterknie"),  # "om en om een gebogen knie recht naar de borst"
    5: ("linkerknie", "rechterknie"),  # "naar de schouder van de andere lichaamszijde"
    7: ("naar links", "naar rechts"),  # "naar de linkerschouder ... naar de rechter schouder"
}
"""Issue 21, point 2: cues that cannot be misread."""

CARD_POSITIONS = {
    2: ("op de rug", "gebogen benen", "armen opzij"),
    3: ("op de rug", "benen gestrekt"),
    4: ("op de rug", "gebogen"),
    5: ("op de rug", "gebogen"),  # "Als oefening 4"
    6: ("op de rug", "gebogen benen", "handen", "rugholte"),
    7: ("op de rug", "gebogen benen", "armen opzij"),
    8: ("op de buik", "armen gestrekt voor u"),
    9: ("op de rug", "gebogen benen", "armen gekruist voor de borst"),
    10: ("op de rug", "gebogen benen", "armen achter het hoofd"),
    11: ("staan",),  # "Loop op de hakken"
}
"""Each exercise's starting position in the card's words (its description's first lines)."""
LIES = {n: "buik" if n == 8 else "staan" if n == 11 else "rug" for n in CARD_POSITIONS}
"""Where the card's descriptions start: "Ga op de rug liggen", 8 "Ga op de buik liggen", 11
"Loop op de hakken"."""

AFTER_CUE_S = {7: 4.0}
"""Issue 21, point 3: both knees to one shoulder and back, at least 4 s."""
TURN_OVER_S = 8.0
"""Issue 21, point 4: after a starting position where the position changes, and at the start."""
SHORT_SPEECH_S = 25.0
"""Issue 21, point 4: speech other than counts and cues in a short session, per exercise."""
SESSION_WARN_S, DAY_WARN_S, MOST_A_DAY = 20 * 60, 60 * 60, 5
"""Issue 21, point 7: over 20 minutes a session, over an hour a day; the card: "drie tot vijf
maal daags"."""
CARD_ADVICE = (
    "pijnvrij kunt sporten",
    "oefeningen dan regelmatig",
    "herhaling van de klachten te voorkomen",
)
"""The card: "Wanneer de klachten zodanig verminderd zijn dat u pijnvrij kunt sporten, dient u
de oefeningen regelmatig uit te blijven voeren, om herhaling van klachten te voorkomen.\""""


@pytest.fixture(scope="module")
def chosen() -> list[Phase]:
    """Every session of ``build --select all``: each phase in full, then short (said in tones:
    these tests are about what is said and the silences around it)."""
    with cli_speaking_tones():
        phases: list[Phase] = preview_json(CliRunner(), "--select", "all")["phases"]
    return phases


def of(phase: Phase, number: int) -> list[Event]:
    return [e for e in phase["events"] if e["exercise"] == number]


@pytest.mark.usefixtures("tone_cli")
def test_without_a_choice_only_phase_1_is_previewed_and_phase_2_alone_is_refused(
    runner: CliRunner,
) -> None:
    phases = preview_json(runner)["phases"]
    assert [(p["number"], p["variant"]) for p in phases] == [(1, "volledig"), (1, "kort")]
    refused = run_cli(runner, "preview", "--phase", "2")
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert "--select" in refused.stderr


@pytest.mark.usefixtures("tone_cli")
@pytest.mark.parametrize(
    ("choice", "phase_2"),
    [("all", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), ("5,6,9", [1, 2, 3, 4, 5, 6, 9])],
)
def test_a_choice_makes_phase_2_with_exercise_1_to_4(
    runner: CliRunner, choice: str, phase_2: list[int]
) -> None:
    phases = preview_json(runner, "--select", choice)["phases"]
    assert [p["exercises"] for p in phases if p["number"] == 2] == [phase_2, phase_2]


@pytest.mark.usefixtures("tone_cli")
def test_a_patient_file_chooses_all_by_saying_so(runner: CliRunner, tmp_path: Path) -> None:
    patient = tmp_path / "p.toml"
    patient.write_text('selection = "all"\n', encoding="utf-8")
    phases = preview_json(runner, str(patient), "--phase", "2")["phases"]
    assert [p["exercises"] for p in phases] == [list(range(1, 12))] * 2


def test_the_cues_name_the_limb_or_the_direction(chosen: list[Phase]) -> None:
    for phase in chosen:
        for number, cues in CUES.items():
            # A cue is a sentence of its own: written with a capital ("Linkerbeen").
            said = [
                written_forms(e["text"]).lower() for e in of(phase, number) if e["kind"] == "cue"
            ]
            if number in phase["exercises"]:
                assert set(said) == set(cues), (number, set(said))
                assert said[:2] == list(cues)  # left first, as the card


def test_exercise_5_says_the_knee_goes_to_the_other_shoulder(chosen: list[Phase]) -> None:
    explained = " ".join(written_forms(e["text"] or "") for e in of(chosen[2], 5))
    assert "linkerknie naar de rechterschouder" in explained
    assert "rechterknie naar de linkerschouder" in explained


def test_every_cue_of_7_leaves_four_seconds(chosen: list[Phase]) -> None:
    checked = 0
    for phase in chosen:
        events = phase["events"]
        for index, event in enumerate(events):
            if event["kind"] == "cue" and event["exercise"] in AFTER_CUE_S:
                silence = 0.0
                for after in events[index + 1 :]:
                    if after["text"] is not None:
                        break
                    silence += after["duration_s"]
                assert silence >= AFTER_CUE_S[event["exercise"]], event
                checked += 1
    assert checked == 2 * 30  # full and short: three sets of ten


def starting_position(events: list[Event], number: int) -> tuple[int, Event]:
    """Where an exercise's starting position, in the card's words, is said."""
    for index, event in enumerate(events):
        text = (event["text"] or "").casefold()
        if event["exercise"] == number and all(w in text for w in CARD_POSITIONS[number]):
            return index, event
    raise AssertionError(f"exercise {number} never says its starting position")


def test_each_session_says_each_exercises_own_starting_position_with_time_to_take_it(
    chosen: list[Phase],
) -> None:
    for phase in chosen:
        events = phase["events"]
        before: str | None = None
        for number in (n for n in phase["exercises"] if n in CARD_POSITIONS):
            index, said = starting_position(events, number)
            first = next(
                e
                for e in events[index + 1 :]
                if e["exercise"] == number and (e["kind"] == "count" or e["text"] == "Start.")
            )
            waited = first["start_s"] - (said["start_s"] + said["duration_s"])
            if before is None or before != LIES[number]:
                assert waited >= TURN_OVER_S, (phase["variant"], number, waited)
            before = LIES[number]


@pytest.mark.slow  # the real engine's lengths, for three choices of the whole card
def test_a_short_session_says_little_besides_counts_and_cues(runner: CliRunner) -> None:
    for choice in ("all", "5,6,9", "8"):
        for phase in preview_json(runner, "--select", choice)["phases"]:
            if phase["variant"] != "kort":
                continue
            speech = sum(e["duration_s"] for e in phase["events"] if e["kind"] == "speech")
            assert speech / len(phase["exercises"]) <= SHORT_SPEECH_S, (choice, phase["number"])


def test_the_short_session_says_the_dosage_in_a_few_words(chosen: list[Phase]) -> None:
    said = {e["text"] for p in chosen if p["variant"] == "kort" for e in p["events"]}
    assert "Drie keer tien, naar links en naar rechts." in said  # the example
    assert "Drie keer twaalf seconden." in said
    assert not any((t or "").startswith("U doet ") for t in said)


def test_phase_2_ends_with_the_cards_advice_and_phase_1_does_not(chosen: list[Phase]) -> None:
    for phase in chosen:
        closing = [e["text"] for e in phase["events"] if e["kind"] == "speech"][-1]
        assert all(w in closing for w in CARD_ADVICE) == (phase["number"] == 2), closing
        assert "Goed gedaan." in closing
        if phase["variant"] == "volledig":
            assert closing.index("Goed gedaan.") < closing.index("keer per dag")


def test_exercise_1_is_one_short_line_in_phase_2(chosen: list[Phase]) -> None:
    for phase in chosen:
        said = [e for e in of(phase, 1) if e["text"]]
        lines = 2 if (phase["number"], phase["variant"]) == (1, "volledig") else 1
        assert len(said) == lines, said
        assert said[0]["text"] == "Oefening één is een advies: Wandelen of fietsen."


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Laatste.", "En de laatste."),
        ("Neem de beginhouding aan, staand.", "Ga staan."),
        (
            "Dit is fase één: gehele periode.",
            "Dit is fase één: de oefeningen voor de hele herstelperiode.",
        ),
        (None, "U loopt drie keer twaalf seconden; daarna telkens vijftien seconden rust."),
    ],
)
def test_wording_a_patient_hears_as_speech(chosen: list[Phase], old: str | None, new: str) -> None:
    """Issue 21, point 6."""
    text = " ".join(e["text"] or "" for p in chosen for e in p["events"])
    assert new in text
    if old is not None:
        assert f"{old} " not in text.replace(new, "")


def warned(phases: list[Phase]) -> set[int]:
    """The phases a therapist must be warned about, by the issue's numbers."""
    by_phase: dict[int, list[float]] = defaultdict(list)
    for phase in phases:
        by_phase[phase["number"]].append(phase["duration_s"])
    return {
        n
        for n, lengths in by_phase.items()
        if max(lengths) > SESSION_WARN_S or min(lengths) * MOST_A_DAY > DAY_WARN_S
    }


@pytest.mark.usefixtures("tone_cli")  # the warning follows the previewed lengths, any voice's
@pytest.mark.parametrize("args", [["--select", "all"], ["--select", "5", "--sets", "1"], []])
def test_a_long_session_or_day_gets_one_line_in_preview(runner: CliRunner, args: list[str]) -> None:
    data = preview_json(runner, *args)
    shown = run_cli(runner, "preview", *args)
    assert shown.exit_code == 0  # a warning, never an error
    lines = shown.stderr.splitlines()
    assert {int(line.split("fase ")[1].split(":")[0]) for line in lines} == warned(data["phases"])
    for line in lines:
        number = int(line.split("fase ")[1].split(":")[0])
        daily = min(
            (p for p in data["phases"] if p["number"] == number), key=lambda p: p["duration_s"]
        )
        per_exercise: dict[int, float] = defaultdict(float)
        for event in daily["events"]:
            if event["exercise"] is not None:
                per_exercise[event["exercise"]] += event["duration_s"]
        longest = max(per_exercise, key=lambda n: per_exercise[n])
        assert f"oefening {longest} (" in line  # what makes it long
        assert "minder oefeningen, series of herhalingen" in line


def preview_in(cache: Path, *args: str) -> str:
    """``preview --json`` in a fresh process with its own speech cache."""
    env = {**os.environ, "AUDIOCOACH_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "audiocoach", "preview", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return result.stdout


@pytest.mark.slow
def test_preview_is_the_build_whatever_the_cache_held(tmp_path: Path) -> None:
    """Issue 21, point 8: ``preview --json`` on an empty cache equals ``preview --json`` after
    a build into another cache, exactly. Needs the speech engine to say the same text with the
    same samples whatever it said before (issue 22)."""
    args = ("--select", "5,8", "--sets", "2", "--reps", "3")
    empty = preview_in(tmp_path / "leeg", *args)
    other = tmp_path / "ander"
    env = {**os.environ, "AUDIOCOACH_CACHE_DIR": str(other)}
    subprocess.run(
        [sys.executable, "-m", "audiocoach", "build", *args, "--out", str(tmp_path / "uit")],
        capture_output=True,
        env=env,
        timeout=600,
        check=True,
    )
    assert json.loads(preview_in(other, *args)) == json.loads(empty)
