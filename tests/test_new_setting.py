"""A dosage setting added as docs/design.md's "Four changes, walked" says: its row in the
settings table, its :class:`Dosage` field and what it applies to, and nothing else. Every
reader then takes it: ``--set NAME=VALUE`` (and ``--set``'s help), the patient file, ``init``'s
example and the web form, each refusing a value out of its bounds in one sentence.

The setting here is a pause after each repetition, from 0 to 10 seconds, for counted
exercises; what it would make the script say (``script/writer.py``) is not part of the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.cli_options import set_help
from audiocoach.errors import AudiocoachError
from audiocoach.model import program_file
from audiocoach.model.dosage import cli_overrides
from audiocoach.model.patient import PatientFile, PlanOptions, plan_from_options
from audiocoach.model.patterns import COUNTED_FIELDS, Cueing
from audiocoach.model.program import Dosage, Program
from audiocoach.model.settings import DOSAGE_SETTINGS, Setting
from audiocoach.serve.form import check_form
from audiocoach.serve.pages import overall_fields
from helpers import run_cli

PAUSE = Setting(
    "pause_s", 0, 10, "", "Pauze (seconden)", "the pause after each repetition", " seconds"
)
"""The new row: no flag of its own (``--set pause_s=2`` sets it for every exercise)."""

COUNTED = 9
"""Exercise 9 of the card is counted; exercise 11 is held."""


@dataclass(frozen=True)
class PausedDosage(Dosage):
    """The :class:`Dosage` with the new setting's field, as ``model/program.py`` would have it."""

    pause_s: int = 0


@pytest.fixture
def pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The three edits of ``model/``: the row, the field (programs are read with it) and the
    patterns it applies to (counted ones)."""
    monkeypatch.setitem(DOSAGE_SETTINGS, PAUSE.key, PAUSE)
    monkeypatch.setattr(program_file, "Dosage", PausedDosage)
    monkeypatch.setattr(Cueing, "fields", COUNTED_FIELDS | {PAUSE.key})


def pause_of(program: Program, number: int) -> int:
    """The new field of an exercise's dosage, as the plan has it."""
    dosage = program.exercise(number).dosage
    assert isinstance(dosage, PausedDosage)
    return dosage.pause_s


@pytest.mark.usefixtures("pause")
def test_set_sets_it_for_every_exercise_it_applies_to() -> None:
    assert cli_overrides(settings=["pause_s=3"]).dosage == {"pause_s": 3}
    plan = plan_from_options(None, PlanOptions(settings=("pause_s=3", "7.pause_s=5")))
    assert pause_of(plan.program, COUNTED) == 3
    assert pause_of(plan.program, 7) == 5
    assert pause_of(plan.program, 11) == 0  # held: the pause does not apply


@pytest.mark.usefixtures("pause", "tone_cli")
def test_the_command_line_takes_it(runner: CliRunner) -> None:
    result = run_cli(runner, "preview", "--json", "--set", "pause_s=3")
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("pause")
def test_sets_help_lists_it_with_its_bounds() -> None:
    assert "settings: reps, sets, rest_s, hold_s, pause_s (0 to 10 seconds)." in set_help()


def test_sets_help_lists_every_setting_of_the_table(runner: CliRunner) -> None:
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", run_cli(runner, "build", "--help").stdout).split())
    assert "settings: reps, sets, rest_s, hold_s. Repeat for more." in shown


@pytest.mark.usefixtures("pause")
def test_the_patient_file_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f"[dosage]\npause_s = 2\n\n[exercises.{COUNTED}]\npause_s = 4\n")
    patient = PatientFile.from_toml(path)
    assert patient.overrides.dosage == {"pause_s": 2}
    assert patient.overrides.exercises == {COUNTED: {"pause_s": 4}}
    plan = plan_from_options(path, PlanOptions())
    assert (pause_of(plan.program, 5), pause_of(plan.program, COUNTED)) == (2, 4)


@pytest.mark.usefixtures("pause")
def test_init_describes_it(tmp_path: Path, runner: CliRunner) -> None:
    example = tmp_path / "patient.toml"
    assert run_cli(runner, "init", str(example)).exit_code == 0
    text = example.read_text(encoding="utf-8")
    assert "# pause_s: the pause after each repetition, 0 to 10 seconds.\n[dosage]\n" in text


@pytest.mark.usefixtures("pause")
def test_the_page_shows_and_reads_it(tmp_path: Path) -> None:
    assert {"name": "pause_s", "label": "Pauze (seconden)", "hint": "0 tot 10"} in (
        overall_fields()
    )
    state = check_form({"label": "A.B.", "pause_s": "3"}, ["alle"], tmp_path, [])
    assert state.checked is not None, state.errors
    assert state.checked.data["dosage"] == {"pause_s": 3}
    wrong = check_form({"label": "A.B.", "pause_s": "11"}, ["alle"], tmp_path, [])
    assert wrong.errors == {"pause_s": "Pauze (seconden): kies een getal van 0 tot 10."}


def from_set(_: Path) -> object:
    return cli_overrides(settings=["pause_s=11"])


def from_patient_file(path: Path) -> object:
    path.write_text("[dosage]\npause_s = 11\n")
    return PatientFile.from_toml(path)


@pytest.mark.usefixtures("pause")
@pytest.mark.parametrize(
    ("read", "message"),
    [
        (from_set, "--set 'pause_s=11' must be from 0 to 10 seconds, not 11."),
        (from_patient_file, "[dosage] 'pause_s' must be from 0 to 10 seconds, not 11."),
    ],
)
def test_out_of_bounds_is_refused(
    tmp_path: Path, read: Callable[[Path], object], message: str
) -> None:
    with pytest.raises(AudiocoachError) as raised:
        read(tmp_path / "p.toml")
    assert str(raised.value).endswith(message)


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--set", "7=3"],
            "--set '7=3': unknown setting '7'; the settings are reps, sets, rest_s, hold_s.",
        ),
        (
            ["--set", "reps=abc"],
            "--set 'reps=abc': the value must be a whole number, not 'abc'.",
        ),
        (["--set", "reps=0"], "--set 'reps=0' must be from 1 to 50, not 0."),
        (["--set", "rest_s=301"], "--set 'rest_s=301' must be from 0 to 300 seconds, not 301."),
        (
            ["--set", "reps"],
            "--set 'reps' must look like EXERCISE.SETTING=VALUE or SETTING=VALUE, such as "
            "--set 7.reps=6, or --set reps=6 for every exercise.",
        ),
        (
            ["--reps", "5", "--set", "reps=6"],
            "--reps and --set 'reps=6' both set 'reps' for every exercise; give one.",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_wrong_set_for_every_exercise_is_one_sentence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runner: CliRunner,
    args: list[str],
    sentence: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(runner, "build", *args, "--out", "uit")
    assert result.exit_code == 2, result.output
    assert (result.stdout, result.stderr) == ("", f"audiocoach: {sentence}\n")
    assert not (tmp_path / "uit").exists()
