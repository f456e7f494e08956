"""The whole path with the real engine and encoder: card -> MP3 files, decoded and measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from audiocoach.model.program import Program
from audiocoach.pipeline.build import BuiltFile
from audiocoach.pipeline.preview import preview_data
from helpers import decode, preview_json, rms_db, session_of

pytestmark = pytest.mark.slow

EVENT_KEYS = {"start_s", "duration_s", "kind", "text", "exercise"}
PHASE_KEYS = {"number", "title", "variant", "file", "duration_s", "exercises", "events"}


def audiocoach(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI in its own process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "audiocoach", *args], capture_output=True, text=True, check=False
    )


def test_one_mp3_per_phase_with_the_previewed_duration(tmp_path: Path) -> None:
    """``build --select 5`` and ``preview --json``, each in its own process, agree within
    0.1 s (one exercise chosen: both phases, and the whole card is the default build's)."""
    built = audiocoach("build", "--select", "5", "--out", str(tmp_path), "--quiet")
    assert built.returncode == 0, built.stderr
    assert built.stdout == built.stderr == "", "pyttsx3's prints must not leak"
    shown = audiocoach("preview", "--json", "--select", "5")
    assert shown.returncode == 0, shown.stderr
    preview = json.loads(shown.stdout)
    files = sorted(p.name for p in tmp_path.glob("*.mp3"))
    assert files == sorted(p["file"] for p in preview["phases"])
    assert [(p["number"], p["variant"]) for p in preview["phases"]] == [
        (1, "volledig"), (1, "kort"), (2, "volledig"), (2, "kort"),
    ]  # fmt: skip
    for phase in preview["phases"]:
        samples, rate = decode(tmp_path / phase["file"])
        assert rate == 22_050
        assert abs(len(samples) / rate - phase["duration_s"]) < 0.1
        assert np.abs(samples).max() > 0.1
    assert preview["phases"][0]["duration_s"] >= 8 * 60


def test_preview_json_has_the_documented_shape(runner: CliRunner) -> None:
    preview = preview_json(runner)
    assert set(preview) == {"program", "phases"}
    assert isinstance(preview["program"], str)
    for phase in preview["phases"]:
        assert set(phase) == PHASE_KEYS
        assert phase["variant"] in {"volledig", "kort"}
        assert all(isinstance(n, int) for n in phase["exercises"])
        for event in phase["events"]:
            assert set(event) == EVENT_KEYS
            assert event["kind"] in {"speech", "count", "cue", "tone", "rest", "pause"}
            assert (event["text"] is None) == (event["kind"] in {"rest", "pause"})


def test_rests_are_silent_and_counts_are_heard(default_build: list[BuiltFile]) -> None:
    """Measured in the decoded MP3 at the timeline's times."""
    for built in default_build:
        samples, rate = decode(built.path)
        events = session_of(built).timeline.events
        rests = [e for e in events if e.kind == "rest"]
        counts = [e for e in events if e.kind == "count"]
        assert rests
        assert counts
        margin = 0.06  # the MP3 encoder's delay and its smearing at the edges
        for rest in rests:
            start = int((rest.start_ms / 1000 + margin) * rate)
            end = int((rest.end_ms / 1000 - margin) * rate) + int(0.05 * rate)
            assert rms_db(samples[start:end]) < -60, (built.path.name, rest)
        for count in counts:
            start = int(count.start_ms / 1000 * rate)
            end = int(count.end_ms / 1000 * rate) + int(0.06 * rate)
            assert rms_db(samples[start:end]) > -35, (built.path.name, count)


def test_counts_follow_the_card(default_build: list[BuiltFile], program: Program) -> None:
    """Phase 1: ten counts a set, three sets, for exercises two to four; "één" first."""
    phase1 = session_of(default_build[0]).timeline
    for number in (2, 3, 4):
        counts = [e.text for e in phase1.events if e.kind == "count" and e.exercise == number]
        assert counts == ["één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht",
                          "negen", "tien"] * 3  # fmt: skip
    rests = [e for e in phase1.events if e.kind == "rest" and e.exercise == 2]
    assert len(rests) == 3
    for rest in rests[:2]:  # another set follows: its last five seconds are announced
        warning = phase1.events[phase1.events.index(rest) + 1]
        assert rest.duration_ms + 5_000 == 15_000
        assert warning.text == "Nog vijf seconden."
    # Before exercise three: the whole rest, after saying what comes next and how to lie.
    announced = phase1.events[phase1.events.index(rests[2]) - 1]
    assert rests[2].duration_ms == 15_000
    assert announced.text == "De volgende oefening is oefening drie: Benen wegduwen, op de rug."


def test_preview_matches_the_built_sessions(
    default_build: list[BuiltFile], program: Program, runner: CliRunner
) -> None:
    """The CLI's JSON is the timeline the build rendered: the same events in the same order.

    Speaking every text again in one process varies clip lengths by a millisecond or two, so
    each spoken event is compared within 30 ms; across processes the durations agree exactly
    (test_one_mp3_per_phase_with_the_previewed_duration).
    """
    built = json.loads(json.dumps(preview_data(program, [session_of(b) for b in default_build])))
    shown = preview_json(runner, "--select", "all")
    for mine, theirs in zip(built["phases"], shown["phases"], strict=True):
        assert [(e["kind"], e["text"]) for e in mine["events"]] == [
            (e["kind"], e["text"]) for e in theirs["events"]
        ]
        for a, b in zip(mine["events"], theirs["events"], strict=True):
            assert abs(a["duration_s"] - b["duration_s"]) <= 0.03, (a, b)


def test_build_command_writes_into_out(first_cli_build: tuple[Path, Result]) -> None:
    """Without a choice of exercises: phase 1's files and no phase 2 (the therapist's)."""
    out, result = first_cli_build
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".audiocoach-manifest.json",
        "fase-1a-gehele-periode-tekst.html",
        "fase-1a-gehele-periode.mp3",
        "fase-1a-gehele-periode.vtt",
        "fase-1b-gehele-periode-kort-tekst.html",
        "fase-1b-gehele-periode-kort.mp3",
        "fase-1b-gehele-periode-kort.vtt",
        "index.html",
        "sessies.m3u8",
    ]
