"""Sound cues and the short daily session (issue 13): tones that mark every set and the end,
"laatste serie", "laatste" and "halverwege", and per phase a second, short session.

Checked in ``preview --json`` and in the decoded MP3s of the default build.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from audiocoach.audio.tones import TONES
from audiocoach.model.program import Program
from audiocoach.pipeline.build import BuiltFile
from audiocoach.script.cues import SESSION_END, SET_END, SET_START
from audiocoach.script.dutch import written_forms
from helpers import decode, preview_json, rms_db, run_cli, tiny_program

Phase = dict[str, Any]


@pytest.fixture(scope="module")
def phases() -> list[Phase]:
    phases: list[Phase] = preview_json(CliRunner(), "--select", "all")["phases"]
    return phases


def pairs(phases: list[Phase]) -> list[tuple[Phase, Phase]]:
    """(full, short) of each phase."""
    full = {p["number"]: p for p in phases if p["variant"] == "volledig"}
    short = {p["number"]: p for p in phases if p["variant"] == "kort"}
    assert set(full) == set(short) == {1, 2}
    return [(full[n], short[n]) for n in sorted(full)]


def texts(phase: Phase, kind: str | None = None) -> list[str]:
    """What is said, as written (not the lexicon's phonemes the voice is given)."""
    return [
        written_forms(e["text"]) for e in phase["events"] if e["text"] and kind in (None, e["kind"])
    ]


def test_every_phase_has_a_short_session_with_the_same_counts(
    phases: list[Phase], program: Program
) -> None:
    assert [(p["number"], p["variant"]) for p in phases] == [
        (1, "volledig"), (1, "kort"), (2, "volledig"), (2, "kort"),
    ]  # fmt: skip
    for full, short in pairs(phases):
        assert short["file"] == full["file"].replace("a-", "b-", 1).replace(".mp3", "-kort.mp3")
        assert short["exercises"] == full["exercises"]
        assert texts(short, "count") == texts(full, "count")
        assert texts(short, "cue") == texts(full, "cue")
        assert [e for e in texts(short) if e.startswith("Oefening ")] == [
            e for e in texts(full) if e.startswith("Oefening ")
        ]
        said_short = set(texts(short))
        for number in full["exercises"]:
            # The full session explains each exercise right after announcing it (but the
            # advice of phase 1, said in one line in phase 2).
            lines = [
                written_forms(e["text"])
                for e in full["events"]
                if e["exercise"] == number and e["text"]
            ]
            if len(lines) > 1:
                assert lines[1] not in said_short
            assert program.exercise(number).name in " ".join(said_short)
        assert short["duration_s"] <= 0.95 * full["duration_s"]
        assert sum(e["duration_s"] for e in short["events"]) == pytest.approx(short["duration_s"])


def test_every_set_starts_and_ends_on_a_tone_and_every_session_on_the_last(
    phases: list[Phase], program: Program
) -> None:
    for phase in phases:
        events = phase["events"]
        tones = Counter(e["text"] for e in events if e["kind"] == "tone")
        sets = sum(
            program.exercise(n).dosage.sets
            for n in phase["exercises"]
            if program.exercise(n).dosage.pattern != "advice"
        )
        assert tones == {SET_START: sets, SET_END: sets, SESSION_END: 1}
        heard = [e for e in events if e["text"] is not None]
        assert heard[-1]["text"] == SESSION_END
        for index, event in enumerate(heard):
            if event["text"] == SET_START:
                before, after = written_forms(heard[index - 1]["text"]), heard[index + 1]
                assert before.startswith(("Serie ", "Laatste serie", "Begin maar"))
                assert after["kind"] in ("count", "speech")  # a count, "Laatste.", or "Start."
            if event["text"] == SET_END:
                assert heard[index - 1]["kind"] in ("cue", "count", "speech")


def test_where_you_are_last_set_last_repetition_halfway(runner: CliRunner) -> None:
    phase = preview_json(
        runner, "--phase", "2", "--select", "all", "--sets", "3", "--reps", "4", "--hold", "20"
    )["phases"][0]
    said = texts(phase)
    assert said.count("Laatste serie.") == 10  # one per exercise
    assert said.count("Serie drie van drie.") == 0
    for index, text in enumerate(said):
        if text == "En de laatste.":
            assert said[index + 1] == "vier"
    assert said.count("En de laatste.") == 9 * 3  # each counted set, not the holds
    assert said.count("Halverwege.") == 3
    shorter = preview_json(runner, "--phase", "2", "--select", "11", "--hold", "19")["phases"][0]
    assert "Halverwege." not in texts(shorter)


@pytest.mark.slow
def test_no_tones_from_the_command_line_or_the_patient_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    program = str(tiny_program(tmp_path))
    with_tones = preview_json(runner, "--program", program)["phases"]
    without = preview_json(runner, "--program", program, "--no-tones")["phases"]
    assert any(e["kind"] == "tone" for p in with_tones for e in p["events"])
    assert not any(e["kind"] == "tone" for p in without for e in p["events"])
    patient = tmp_path / "p.toml"
    patient.write_text(f'program = "{program}"\ntones = false\n', encoding="utf-8")
    from_file = preview_json(runner, str(patient))["phases"]
    assert from_file == without
    out = tmp_path / "uit"
    assert run_cli(runner, "build", str(patient), "--out", str(out), "--quiet").exit_code == 0
    for phase in without:
        samples, rate = decode(out / phase["file"])
        assert abs(len(samples) / rate - phase["duration_s"]) < 0.1


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


@pytest.mark.slow
def test_tones_are_heard_at_their_times_and_never_louder_than_speech(
    default_build: list[BuiltFile],
) -> None:
    assert len(default_build) == 4
    for built in default_build:
        assert built.session is not None
        samples, rate = decode(built.path)
        events = built.session.timeline.events
        speech_peak = max(
            float(
                np.abs(samples[int(e.start_ms * rate / 1000) : int(e.end_ms * rate / 1000)]).max()
            )
            for e in events
            if e.spoken
        )
        tones = [e for e in events if e.kind == "tone"]
        assert tones
        for tone in tones:
            # Skip the encoder's delay and the fades: the middle of the tone.
            start = int((tone.start_ms + 25) * rate / 1000)
            end = int((tone.end_ms - TONES[tone.text or ""].fade_out_ms / 2) * rate / 1000)
            heard = samples[start:end]
            assert rms_db(heard) > -30, (built.path.name, tone)
            assert float(np.abs(heard).max()) <= speech_peak
            assert abs(dominant_hz(heard, rate) - TONES[tone.text or ""].hz[0]) < 15
