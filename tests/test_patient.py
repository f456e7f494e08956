"""Patient files: the example from ``init``, what they hold, and the command line over them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audiocoach.model.dosage import Overrides
from audiocoach.model.patient import PatientFile, resolve_plan, write_example
from helpers import decode, preview_json, run_cli, tree_hashes

EXAMPLE_PHASE_2 = [1, 2, 3, 4, 5, 6, 9]


def counts(phase: dict[str, Any], exercise: int) -> list[str]:
    return [
        e["text"] for e in phase["events"] if e["kind"] == "count" and e["exercise"] == exercise
    ]


def rests(phase: dict[str, Any], exercise: int) -> list[float]:
    return [
        e["duration_s"]
        for e in phase["events"]
        if e["kind"] == "rest" and e["exercise"] == exercise
    ]


@pytest.fixture
def example(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "patient.toml"
    result = run_cli(runner, "init", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_init_never_overwrites(example: Path, runner: CliRunner) -> None:
    example.write_text("label = 'X.'\n", encoding="utf-8")
    result = run_cli(runner, "init", str(example))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"audiocoach: {example} already exists; choose another name or remove it first.\n"
    )
    assert example.read_text(encoding="utf-8") == "label = 'X.'\n"


def test_example_reads_as_documented(example: Path) -> None:
    patient = PatientFile.from_toml(example)
    assert (patient.label, patient.practice, patient.rate) == (
        "A.B.",
        "Praktijk voor fysiotherapie",
        150,
    )
    assert patient.program is None
    assert patient.selection == (5, 6, 9)
    assert patient.voice is None
    assert patient.overrides == Overrides(
        dosage={"reps": 8, "sets": 2, "rest_s": 20}, selection=(5, 6, 9), exercises={3: {"reps": 6}}
    )


@pytest.mark.usefixtures("tone_cli")
def test_example_previews_with_its_dosage(example: Path, runner: CliRunner) -> None:
    preview = preview_json(runner, str(example))
    phase1, _, phase2, _ = preview["phases"]  # each in full, then short
    assert phase2["exercises"] == EXAMPLE_PHASE_2
    assert {e["exercise"] for e in phase2["events"]} - {None} == set(EXAMPLE_PHASE_2)
    numbers = ["één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht"]
    assert counts(phase1, 2) == numbers * 2
    assert counts(phase1, 3) == numbers[:6] * 2
    assert counts(phase2, 3) == numbers[:6] * 2
    assert counts(phase2, 9) == numbers * 2
    # Twenty seconds: the last five announced before the next set; whole before exercise 3.
    assert rests(phase1, 2) == pytest.approx([15, 20])


@pytest.mark.usefixtures("tone_cli")
def test_command_line_wins_over_the_file(example: Path, runner: CliRunner) -> None:
    """--reps replaces every value for reps in the file, --set one exercise's."""
    preview = preview_json(runner, str(example), "--phase", "2", "--reps", "3", "--set", "5.reps=4")
    phase2, _ = preview["phases"]
    assert counts(phase2, 9) == ["één", "twee", "drie"] * 2
    assert counts(phase2, 5) == ["één", "twee", "drie", "vier"] * 2
    preview = preview_json(runner, str(example), "--phase", "2", "--select", "5")
    assert preview["phases"][0]["exercises"] == [1, 2, 3, 4, 5]


def test_program_path_is_relative_to_the_patient_file(tmp_path: Path) -> None:
    folder = tmp_path / "patienten"
    folder.mkdir()
    (folder / "opnames").mkdir()
    (folder / "kaart.toml").write_text(
        '[program]\ntitle = "Kort"\n[[phases]]\nnumber = 1\ntitle = "Proef"\nexercises = [1]\n'
        '[[exercises]]\nnumber = 1\ntitle = "Brug"\naim = "versterken"\ninstruction = "Til op."\n'
        'dosage = { pattern = "reps", reps = 4 }\n',
        encoding="utf-8",
    )
    (folder / "p.toml").write_text(
        'program = "kaart.toml"\nvoice_dir = "opnames"\nvoice = "gmw/nl"\n'
        "[exercises.1]\nsets = 1\n",
        encoding="utf-8",
    )
    plan = resolve_plan(folder / "p.toml", rate=120)
    assert plan.program.title == "Kort"
    assert plan.program.exercise(1).dosage.sets == 1
    assert (plan.voice, plan.rate) == ("gmw/nl", 120)
    assert plan.patient is not None
    assert plan.patient.voice_dir == folder / "opnames"


def test_example_builds_as_written(
    example_patient: Path, example_page: Path, runner: CliRunner
) -> None:
    """``init``, then ``build`` of that file (conftest's, in a process of its own): the
    sessions the preview promises."""
    out = example_page.parent
    preview = preview_json(runner, str(example_patient))
    files = sorted(p["file"] for p in preview["phases"])
    assert sorted(p.name for p in out.glob("*.mp3")) == files
    for phase in preview["phases"]:
        samples, rate = decode(out / phase["file"])
        # Built in another process, previewed in this one: within 0.5 %, as each speaks anew.
        assert len(samples) / rate == pytest.approx(phase["duration_s"], rel=0.005)
    kinds = Counter(e["kind"] for e in preview["phases"][2]["events"])
    assert kinds["count"] == 8 * 2 * 5 + 6 * 2
    assert tree_hashes(out)
    # The file's practice is the MP3s' artist and is named on the page.
    for phase in preview["phases"]:
        assert str(ID3(out / phase["file"])["TPE1"]) == "Praktijk voor fysiotherapie"
    assert "Praktijk voor fysiotherapie" in (out / "index.html").read_text(encoding="utf-8")


def test_readme_example_is_a_valid_patient_file(tmp_path: Path) -> None:
    """The README's patient file reads as the example ``init`` writes."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("A patient file (`audiocoach init`", 1)[1].split("```toml\n", 1)[1]
    path = tmp_path / "p.toml"
    path.write_text(block.split("```", 1)[0], encoding="utf-8")
    example = tmp_path / "voorbeeld.toml"
    write_example(example)
    assert PatientFile.from_toml(path) == replace(PatientFile.from_toml(example), path=path)


def test_a_patient_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte-order mark."""
    path = tmp_path / "p.toml"
    path.write_bytes("\ufefflabel = 'A.B.'\nrate = 120\n".encode())
    patient = PatientFile.from_toml(path)
    assert (patient.label, patient.rate) == ("A.B.", 120)
