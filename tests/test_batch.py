"""Several patient files in one build: each patient into a folder named from their label."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import decode, run_cli

pytestmark = pytest.mark.slow

PATIENT = """label = "{label}"
rate = 150
[dosage]
reps = {reps}
sets = 1
rest_s = 0
"""


def patient(folder: Path, name: str, label: str, reps: int) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(PATIENT.format(label=label, reps=reps), encoding="utf-8")
    return path


def test_each_patient_gets_a_folder_and_reruns_skip_them(tmp_path: Path, runner: CliRunner) -> None:
    a = patient(tmp_path, "eerste", "A.B.", 2)
    b = patient(tmp_path, "tweede", "J.d.V.", 3)
    out = tmp_path / "uit"
    args = ("build", str(a), str(b), "--phase", "1", "--out", str(out))
    result = run_cli(runner, *args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a-b", "j-d-v"]
    lengths = {}
    for folder in ("a-b", "j-d-v"):
        files = sorted((out / folder).glob("*.mp3"))
        assert [f.name for f in files] == [
            "fase-1a-gehele-periode.mp3",
            "fase-1b-gehele-periode-kort.mp3",
        ]
        samples, rate = decode(files[0])
        lengths[folder] = len(samples) / rate
    assert lengths["j-d-v"] > lengths["a-b"], "three reps a set take longer than two"
    again = run_cli(runner, *args)
    assert again.exit_code == 0, again.output
    unchanged = [
        line
        for line in again.stdout.splitlines()
        if ".mp3  (" in line and line.endswith("  unchanged")
    ]
    assert len(unchanged) == 4
    assert "Nothing changed in " in again.stdout


def test_two_patients_in_one_folder_is_a_plain_error(tmp_path: Path, runner: CliRunner) -> None:
    a = patient(tmp_path, "eerste", "A.B.", 2)
    b = patient(tmp_path, "tweede", "A.B.", 3)
    result = run_cli(runner, "build", str(a), str(b), "--out", str(tmp_path / "uit"))
    assert result.exit_code == 2
    assert "give them different labels" in result.stderr
    assert not (tmp_path / "uit").exists()
