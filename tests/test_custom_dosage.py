"""Custom dosage end to end, each command in its own process: what preview promises, the MP3 is."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from audiocoach.script.dutch import written_forms
from helpers import decode

pytestmark = pytest.mark.slow

NUMBERS = ["één", "twee", "drie", "vier", "vijf"]


def audiocoach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiocoach", *args], capture_output=True, text=True, check=False
    )


def preview(*args: str) -> dict[str, Any]:
    shown = audiocoach("preview", "--json", *args)
    assert shown.returncode == 0, shown.stderr
    data: dict[str, Any] = json.loads(shown.stdout)
    return data


def test_five_reps_two_sets(tmp_path: Path) -> None:
    """``build --select all --reps 5 --sets 2 --phase 2`` (every exercise of the card): five
    counts a set (per side), two sets, durations match."""
    args = ("--select", "all", "--reps", "5", "--sets", "2", "--phase", "2")
    built = audiocoach("build", *args, "--out", str(tmp_path), "--quiet")
    assert built.returncode == 0, built.stderr
    shown = preview(*args)
    assert [p["exercises"] for p in shown["phases"]] == [list(range(1, 12))] * 2  # full, short
    for phase in shown["phases"]:
        for number in phase["exercises"]:
            events = [e for e in phase["events"] if e["exercise"] == number]
            counts = [e["text"] for e in events if e["kind"] == "count"]
            cues = [e["text"] for e in events if e["kind"] == "cue"]
            said = [written_forms(e["text"]) for e in events if e["text"]]
            sets = [text for text in said if text.startswith(("Serie ", "Laatste s"))]
            if number == 1:  # advice: nothing to count
                assert counts == sets == []
            elif number == 11:  # held: two holds, the last three seconds counted down
                assert sets == ["Serie één van twee.", "Laatste serie."]
                assert counts == ["drie", "twee", "één"] * 2
            else:
                assert counts == NUMBERS * 2, (phase["number"], number)
                assert sets == ["Serie één van twee.", "Laatste serie."]
                if number in (2, 3, 4, 5, 6):  # "één: links, rechts": each side five times
                    assert list(Counter(cues).values()) == [5 * 2, 5 * 2], cues
        samples, rate = decode(tmp_path / phase["file"])
        assert abs(len(samples) / rate - phase["duration_s"]) < 0.1


def test_select_five_and_nine(tmp_path: Path) -> None:
    """``build --select 5,9``: phase 2 holds 1 to 4, 5 and 9; phase 1 is the card's."""
    args = ("--select", "5,9", "--reps", "1", "--sets", "1")
    built = audiocoach("build", *args, "--out", str(tmp_path), "--quiet")
    assert built.returncode == 0, built.stderr
    shown = preview(*args)
    assert [p["exercises"] for p in shown["phases"]] == [[1, 2, 3, 4]] * 2 + [
        [1, 2, 3, 4, 5, 9]
    ] * 2
    phase2 = shown["phases"][2]
    assert {e["exercise"] for e in phase2["events"]} == {None, 1, 2, 3, 4, 5, 9}
    assert "Deze sessie heeft vijf oefeningen en een advies." in phase2["events"][0]["text"]
    for phase in shown["phases"]:
        samples, rate = decode(tmp_path / phase["file"])
        assert abs(len(samples) / rate - phase["duration_s"]) < 0.1
