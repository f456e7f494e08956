"""Phrase keys and the recording list: one stable, file-safe key per distinct text."""

from __future__ import annotations

import csv
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.errors import ScriptError
from audiocoach.model.program import Program
from audiocoach.pipeline.session import write_scripts
from audiocoach.script.dutch import written_forms
from audiocoach.script.keys import KEYED_TEMPLATES, text_hash
from audiocoach.script.phrases import phrase_list
from audiocoach.script.writer import Line, templates_dir
from counting import DosageChanges, with_dosage
from helpers import preview_json, run_cli

SAFE_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def variants(program: Program) -> list[Program]:
    """The card and dosages a patient file could give: other counts, sets, rests and holds."""
    changes: list[DosageChanges] = [
        {}, {"reps": 12}, {"sets": 1}, {"sets": 5, "reps": 8}, {"rest_s": 0}, {"rest_s": 30},
        {"hold_s": 10}, {"reps": 50, "sets": 10, "rest_s": 300, "hold_s": 120},
    ]  # fmt: skip
    fewer = replace(
        program, phases=(replace(program.phases[1], exercises=(2, 5, 11), selected=True),)
    )
    chosen = replace(program, phases=(replace(program.phases[1], exercises=(2, 5), selected=True),))
    return [with_dosage(program, **c) for c in changes] + [fewer, chosen]


def test_same_text_same_key_and_different_texts_different_keys(all_chosen: Program) -> None:
    """Over the card and its dosage variants together: a key names exactly one text."""
    key_of: dict[str, str] = {}
    text_of: dict[str, str] = {}
    for variant in variants(all_chosen):
        for script in write_scripts(variant):
            for line in (s for s in script.steps if isinstance(s, Line)):
                assert SAFE_KEY.match(line.key), line.key
                assert key_of.setdefault(line.text, line.key) == line.key, line.text
                assert text_of.setdefault(line.key, line.text) == line.text, line.key
    assert {"tel-01", "tel-50", "serie-2-van-3", "rust", "rust-15"} <= set(text_of)
    assert text_of[f"beginhouding-{text_hash('Op de rug, de benen gestrekt.')}"]
    (instruction,) = (k for k in text_of if k.startswith("oef-07-instructie-"))
    assert instruction == f"oef-07-instructie-{text_hash(text_of[instruction])}"
    assert len(text_of) > 100


def test_every_template_has_a_key_rule() -> None:
    """Every template that says a line (partials, named ``_…``, say none of their own)."""
    spoken = {p.stem for p in templates_dir().glob("*.j2") if not p.stem.startswith("_")}
    assert spoken == KEYED_TEMPLATES


def test_two_texts_under_one_key_is_an_error(program: Program) -> None:
    """Cues "Links" and "links" would both be recorded as aanwijzing-links."""
    exercise = program.exercise(2)
    dosage = replace(exercise.dosage, cues=("Links", "links"))
    changed = replace(
        program,
        exercises=tuple(
            replace(e, dosage=dosage) if e.number == 2 else e for e in program.exercises
        ),
    )
    with pytest.raises(ScriptError, match="aanwijzing-links"):
        phrase_list(write_scripts(changed))


@pytest.mark.slow
def test_phrases_lists_exactly_what_the_sessions_say(runner: CliRunner, tmp_path: Path) -> None:
    """phrases.csv holds each text of ``preview --json`` once; phrases.html shows every one."""
    result = run_cli(runner, "phrases", "--out", str(tmp_path), "--select", "5,6")
    assert result.exit_code == 0, result.output
    with (tmp_path / "phrases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    said = {
        written_forms(e["text"])
        for p in preview_json(runner, "--select", "5,6")["phases"]
        for e in p["events"]
        if e["text"] and e["kind"] != "tone"
    }
    assert [r["text"] for r in rows] == list(dict.fromkeys(r["text"] for r in rows))
    assert {r["text"] for r in rows} == said
    assert len({r["key"] for r in rows}) == len(rows)
    assert not any("[[" in r["text"] for r in rows), "the therapist reads words, not phonemes"
    assert any("naar het plafond" in r["text"] for r in rows)
    assert next(r for r in rows if r["key"] == "tel-01")["text"] == "één"
    assert "fase 2: oefening 2, 3, 4, 5, 6" in next(
        r["used_in"] for r in rows if r["key"] == "tel-01"
    )
    page = (tmp_path / "phrases.html").read_text(encoding="utf-8")
    for row in rows:
        assert html.escape(row["text"], quote=False) in page
        assert f">{row['key']}<" in page
    assert f"{len(rows)} phrases" in result.output


def test_an_edited_instruction_gets_another_key(all_chosen: Program) -> None:
    """A recording of the old instruction is then never played for the new one."""

    def keys(card: Program) -> dict[str, str]:
        return {
            line.key: line.text
            for script in write_scripts(card)
            for line in script.steps
            if isinstance(line, Line)
        }

    seven = all_chosen.exercise(7)
    edited = replace(
        all_chosen,
        exercises=tuple(
            replace(e, instruction=e.instruction + " Adem rustig door.") if e is seven else e
            for e in all_chosen.exercises
        ),
    )
    before, after = keys(all_chosen), keys(edited)
    (old,) = (k for k in before if k.startswith("oef-07-instructie-"))
    (new,) = (k for k in after if k.startswith("oef-07-instructie-"))
    assert old != new
    assert old not in after
    assert after[new].endswith("Adem rustig door.")
    assert before["tel-01"] == after["tel-01"] == "één"  # template text keeps its plain key
