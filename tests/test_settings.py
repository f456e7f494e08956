"""The one table of settings (``audiocoach.model.settings``) is what every reader says: the
README's table, the command line's help and messages, ``audiocoach init``, the patient file
and the page's labels (issue 24: one source of truth for each bound and its wording)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audiocoach.errors import AudiocoachError
from audiocoach.model.dosage import cli_overrides
from audiocoach.model.patient import PatientFile, parse_rate
from audiocoach.model.settings import ALL_SETTINGS, SETTINGS, Setting
from audiocoach.serve.form import check_form
from helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
FORM_FIELD = {"reps": "reps", "sets": "sets", "rest_s": "rest", "hold_s": "hold", "rate": "rate"}


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=lambda s: s.key)
def test_the_readme_states_each_bound_as_the_table(setting: Setting[int]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    option = rf"{setting.flag} \w+" if setting.flag else rf"--set {setting.key}=\w+"
    row = re.search(rf"^\| `{setting.key}` \| `{option}` \| ([^|]+)\|", readme, re.M)
    assert row, f"no README row for {setting.key}"
    assert row[1].startswith(f"{setting.low} to {setting.high}")


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=lambda s: s.key)
def test_the_cli_help_and_messages_use_the_table(setting: Setting[int], runner: CliRunner) -> None:
    shown = re.sub(r"[│╭╮╰╯─]", " ", run_cli(runner, "build", "--help").stdout)
    assert f"{setting.low} to {setting.high}" in " ".join(shown.split())
    too_high = str(setting.high + 1)
    parse = (
        parse_rate if setting.key == "rate" else lambda t: cli_overrides(dosage={setting.key: t})
    )
    with pytest.raises(AudiocoachError, match=rf"{setting.flag} must be .*{setting.high}"):
        parse(too_high)


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=lambda s: s.key)
def test_the_patient_file_and_the_page_use_the_table(setting: Setting[int], tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    top = setting.key == "rate"
    text = (
        f"{setting.key} = {setting.high}\n"
        if top
        else f"[dosage]\n{setting.key} = {setting.high}\n"
    )
    PatientFile.from_dict(
        {"rate": setting.high} if top else {"dosage": {setting.key: setting.high}}, path
    )
    assert text
    field = FORM_FIELD[setting.key]
    state = check_form({"label": "A.B.", field: str(setting.high + 1)}, [], tmp_path, [])
    assert (
        state.errors[field]
        == f"{setting.label}: kies een getal van {setting.low} tot {setting.high}."
    )


def test_init_documents_each_bound(tmp_path: Path, runner: CliRunner) -> None:
    example = tmp_path / "patient.toml"
    assert run_cli(runner, "init", str(example)).exit_code == 0
    text = example.read_text(encoding="utf-8")
    for setting in SETTINGS.values():
        assert f"{setting.low} to {setting.high}" in text, setting.key


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SOURCES = sorted((ROOT / "src" / "audiocoach").rglob("*.py"))


def stated(setting: Setting[Any], joiners: str = "to") -> re.Pattern[str]:
    """The bounds as a sentence or the code would write them: ``1 to 50``, ``(1, 50)``,
    ``1 <= value <= 50``; not part of another number (``80 to 300`` is not ``0 to 300``)."""
    low, high = (re.escape(f"{n:g}") for n in setting.bounds)
    return re.compile(rf"(?<![\d.]){low}\s*(?:{joiners})\s*{high}(?![\d.])")


@pytest.mark.parametrize("setting", ALL_SETTINGS, ids=lambda s: s.key)
def test_each_document_states_each_bound_once_as_the_table(setting: Setting[Any]) -> None:
    """A bound the table changes is found in the documents that show it: each says it once
    (a second mention would be left behind), and some document says it."""
    said = {
        doc.name: len(stated(setting).findall(doc.read_text(encoding="utf-8"))) for doc in DOCUMENTS
    }
    assert all(count <= 1 for count in said.values()), said
    assert sum(said.values()) >= 1, f"no document states {setting.key}'s {setting.span}"


@pytest.mark.parametrize("setting", ALL_SETTINGS, ids=lambda s: s.key)
def test_no_source_but_the_table_holds_a_bound(setting: Setting[Any]) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if stated(setting, r"to|tot|,|<=[^<]*<=").search(line)
    ]
    assert not found, f"{setting.key}'s bounds stand outside model/settings.py: {found}"
