"""Every error a program or patient file causes names the file, and where it can the line;
in a day's batch the one bad file is the one named; and ``init``'s example builds whatever
selection a therapist writes into it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.model.patient import PlanOptions, plan_from_options, write_example
from bad_input_files import program_file, program_with
from helpers import run_cli

GOOD_PATIENT = 'label = "A.B."\n[dosage]\nreps = 8\n'

# (id, files, arguments after "build", what the one line starts with after "audiocoach: ")
LineCase = tuple[str, dict[str, str], list[str], str]
LINE_CASES: list[LineCase] = [
    (
        "patient unknown key",
        {"p.toml": 'label = "A.B."\nreps_ = 8\n'},
        ["p.toml"],
        "The patient file p.toml, line 2, has an unknown key 'reps_'",
    ),
    (
        "patient dosage out of bounds",
        {"p.toml": 'label = "A.B."\n\n[dosage]\nsets = 2\nreps = 0\n'},
        ["p.toml"],
        "The patient file p.toml, line 5: [dosage] 'reps' must be from 1 to 50, not 0.",
    ),
    (
        "patient exercise not selected",
        {"p.toml": "selection = [5, 6]\n\n[exercises.9]\nreps = 6\n"},
        ["p.toml"],
        "The patient file p.toml, line 3: Exercise 9 has its own dosage but is not selected",
    ),
    (
        "patient setting that does not apply",
        {"p.toml": "[dosage]\nsets = 2\n\n[exercises.11]\nreps = 6\n"},
        ["p.toml"],
        "The patient file p.toml, line 5: Exercise 11 is ",
    ),
    (
        "patient selection of a fixed exercise",
        {"p.toml": 'label = "A.B."\nselection = [3]\nrate = 120\n'},
        ["p.toml"],
        "The patient file p.toml, line 2: 'selection': exercise 3 always stays in phase 2",
    ),
    (
        "patient rate",
        {"p.toml": 'label = "A.B."\nselection = [5]\nrate = 20\n'},
        ["p.toml"],
        "The patient file p.toml, line 3: 'rate' must be from 80 to 300 words per minute",
    ),
    (
        "program dosage out of bounds",
        {"k.toml": program_file(reps=0)},
        ["--program", "k.toml"],
        "The program file k.toml, line 14, exercise 1 dosage: 'reps' must be from 1 to 50",
    ),
    (
        "program phase naming a missing exercise",
        {"k.toml": program_with("exercises = [1]", "exercises = [1, 7]")},
        ["--program", "k.toml"],
        "The program file k.toml, line 5: phase 1 names exercise 7, which does not exist.",
    ),
    (
        "program named in a patient file",
        {"p.toml": 'program = "k.toml"\n', "k.toml": program_file(reps=0)},
        ["p.toml"],
        "The program file k.toml, line 14, exercise 1 dosage: 'reps' must be",
    ),
    (
        "toml syntax keeps its own line",
        {"p.toml": 'label = "A.B."\nrate = = 3\n'},
        ["p.toml"],
        "The patient file p.toml is not valid TOML: Invalid value (at line 2, column 8).",
    ),
    (
        "with options on the command line",
        {"p.toml": "selection = [5, 6]\n"},
        ["p.toml", "--set", "9.reps=4"],
        "With the patient file p.toml: Exercise 9 has its own dosage but is not selected",
    ),
]


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", LINE_CASES, ids=lambda case: case[0])
def test_an_error_names_the_file_and_its_line(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, case: LineCase
) -> None:
    _, files, args, start = case
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = run_cli(runner, "build", *args, "--out", "uit")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"audiocoach: {start}"), line
    assert not (tmp_path / "uit").exists()


@pytest.mark.parametrize("bad_first", [True, False], ids=["bad first", "bad second"])
def test_a_batch_names_the_one_bad_file(tmp_path: Path, runner: CliRunner, bad_first: bool) -> None:
    """anna.toml is good; bram.toml has a dosage for an exercise its selection leaves out."""
    write(
        tmp_path,
        {"anna.toml": GOOD_PATIENT, "bram.toml": "selection = [5, 6]\n[exercises.9]\nreps = 6\n"},
    )
    files = [str(tmp_path / "anna.toml"), str(tmp_path / "bram.toml")]
    files = files[::-1] if bad_first else files
    result = run_cli(runner, "build", *files, "--out", str(tmp_path / "uit"))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"audiocoach: The patient file {tmp_path / 'bram.toml'}, line 2: ")
    assert "anna.toml" not in line


@pytest.mark.parametrize(
    "selection",
    ["selection = [5]", "selection = [11]", "selection = [5, 6, 7, 8, 9, 10, 11]", ""],
    ids=["five", "eleven", "all", "none"],
)
def test_the_example_holds_whatever_selection_is_written(tmp_path: Path, selection: str) -> None:
    """The therapist edits the one line the example says is theirs to choose."""
    example = tmp_path / "patient.toml"
    write_example(example)
    text = example.read_text(encoding="utf-8")
    assert "selection = [5, 6, 9]\n" in text
    example.write_text(text.replace("selection = [5, 6, 9]", selection), encoding="utf-8")
    plan = plan_from_options(example, PlanOptions())
    assert plan.program.exercise(3).dosage.reps == 6
