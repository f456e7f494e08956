"""``preview`` is a summary to glance at (per session: file, length, time a day, and the
exercises with their dosage), ``preview --script`` the whole script, ``--json`` the data."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from audiocoach.model.program import Program
from helpers import run_cli

MAX_LINES = 40
"""Issue 28: a summary fits a terminal window."""


@pytest.mark.slow
def test_preview_summary_fits_a_screen_and_says_each_session(
    runner: CliRunner, program: Program
) -> None:
    summary = run_cli(runner, "preview", "--select", "all")
    assert summary.exit_code == 0, summary.output
    lines = summary.stdout.splitlines()
    assert len(lines) <= MAX_LINES, summary.stdout
    data = json.loads(run_cli(runner, "preview", "--select", "all", "--json").stdout)
    assert len(data["phases"]) == 4  # each phase in full and short
    for session in data["phases"]:
        minutes, seconds = divmod(round(session["duration_s"]), 60)
        (line,) = [line for line in lines if line.split()[:1] == [session["file"]]]
        assert f" {minutes}:{seconds:02d} " in line, line
        assert re.search(r"\d+ tot \d+ keer per dag: \d+ tot \d+ minuten$", line), line
    for phase in program.phases:
        start = lines.index(f"Fase {phase.number}: {phase.title}")
        listed = [line.split(None, 1) for line in lines[start + 3 :]]
        for number, (shown, rest) in zip(phase.exercises, listed, strict=False):
            assert int(shown) == number
            assert rest.startswith(f"{program.exercise(number).name}: ")
    # The card's dosage for exercises 2 to 4 ("beide zijden 10x / daarna ± 15 sec. rust,
    # doet dit 3 keer"), in the page's words.
    assert (
        "Knieën opzij: Beide zijden tien keer, daarna vijftien seconden rust; doe dit drie keer."
        in summary.stdout
    )


@pytest.mark.slow
def test_the_whole_script_is_one_option_away(runner: CliRunner) -> None:
    script = run_cli(runner, "preview", "--script", "--phase", "1")
    assert script.exit_code == 0, script.output
    assert len(script.stdout.splitlines()) > MAX_LINES * 10
    assert "Welkom." in script.stdout
    assert "(rust 15 s)" in script.stdout
    summary = run_cli(runner, "preview", "--phase", "1")
    assert "Welkom." not in summary.stdout
