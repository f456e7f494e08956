"""The session script: what is said, in which order, with the card's dosage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiocoach.errors import ScriptError
from audiocoach.model.program import Program
from audiocoach.model.session_cap import least_ms
from audiocoach.pipeline.session import write_scripts
from audiocoach.script.dutch import unspeakable, written_forms
from audiocoach.script.writer import (
    VARIANTS,
    Line,
    Silence,
    Templates,
    session_script,
    templates_dir,
)
from counting import with_dosage


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates()


def test_every_spoken_text_of_the_default_program_is_speakable(
    program: Program, templates: Templates
) -> None:
    """Renders every template the default sessions use; no digits, symbols or abbreviations."""
    for phase in program.phases:
        script = session_script(program, phase, templates)
        assert script.texts
        for text in script.texts:
            assert unspeakable(text) == [], text


def test_every_template_file_is_used(program: Program, templates: Templates) -> None:
    """A template nobody renders is dead text; the loader records what was loaded."""
    long_hold = with_dosage(program, hold_s=20)
    for phase in program.phases:
        for variant in VARIANTS:
            session_script(long_hold, phase, templates, variant)
    spoken = {p.stem for p in templates_dir().glob("*.j2") if not p.stem.startswith("_")}
    assert spoken == templates.used


CARD_PHASES = {1: tuple(range(1, 5)), 2: tuple(range(1, 12))}
"""The card: 1 to 4 for the whole period; phase 2 adds 5 to 11 (here all of them chosen)."""
COUNTS_PER_SET = {1: 0, **dict.fromkeys(range(2, 11), 10), 11: 3}
"""The card: "n.v.t." for 1, "10x" a set for 2 to 10 (both sides, both legs or alternating:
ten repetitions, each counted once); 11 is held "10-12 sec.", and the README says a hold's
last three seconds are counted down."""
SETS = 3
"""The card: "doe dit 3 keer", each set followed by "± 15 sec. rust" but the session's last."""


@pytest.mark.parametrize("phase_number", [1, 2])
def test_script_covers_each_exercise_with_its_dosage(
    all_chosen: Program, templates: Templates, phase_number: int
) -> None:
    phase = all_chosen.phase(phase_number)
    assert phase.exercises == CARD_PHASES[phase_number]
    script = session_script(all_chosen, phase, templates)
    counts = Counter(s.exercise for s in script.steps if isinstance(s, Line) and s.kind == "count")
    rests = Counter(s.exercise for s in script.steps if isinstance(s, Silence) and s.kind == "rest")
    last = phase.exercises[-1]
    for number in phase.exercises:
        assert counts[number] == COUNTS_PER_SET[number] * SETS, number
        if number != 1:  # advice: nothing to count, no rest
            assert rests[number] == SETS - (1 if number == last else 0), number
    assert rests[1] == 0


def test_parts_are_cued_within_each_count(program: Program, templates: Templates) -> None:
    """Exercise two says "naar links" and "naar rechts" ten times each per set."""
    script = session_script(program, program.phase(1), templates)
    cues = Counter(
        s.text for s in script.steps if isinstance(s, Line) and s.kind == "cue" and s.exercise == 2
    )
    assert cues["naar links"] == cues["naar rechts"] == 30


def test_session_ends_with_card_advice(program: Program, templates: Templates) -> None:
    script = session_script(program, program.phase(2), templates)
    last_line = [s for s in script.steps if isinstance(s, Line)][-1]
    assert "drie tot vijf keer per dag" in last_line.text
    assert "overleg met uw behandelaar" in last_line.text


def test_sets_are_announced(program: Program, templates: Templates) -> None:
    script = session_script(program, program.phase(1), templates)
    assert "Serie twee van drie." in [written_forms(text) for text in script.texts]


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "scripts_nl"
    folder.mkdir()
    for source in templates_dir().glob("*.j2"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("template", "content", "message"),
    [
        ("rust.j2", "Rust, {{ dosage.rust_s|woord }} seconden.", "rust.j2 failed"),
        ("rust.j2", "Rust {% if %}", "rust.j2 has an error on line 1"),
        ("rust.j2", "Rust\n\n{{ dosage.rest_s }} sec.", "would misread"),
    ],
)
def test_broken_template_names_itself(
    program: Program, tmp_path: Path, template: str, content: str, message: str
) -> None:
    """StrictUndefined: a typo is an error naming the template, not silence."""
    folder = _copy_templates(tmp_path)
    (folder / template).write_text(content, encoding="utf-8")
    with pytest.raises(ScriptError, match=message):
        session_script(program, program.phase(1), Templates(folder))


@settings(max_examples=10, deadline=None)
@given(
    reps=st.integers(1, 50),
    sets=st.integers(1, 10),
    rest_s=st.integers(0, 300),
    hold_s=st.integers(1, 120),
)
def test_the_least_a_session_lasts_is_a_lower_bound_of_its_script(
    program: Program, reps: int, sets: int, rest_s: int, hold_s: int
) -> None:
    """Sessions are refused on this bound before their script is written: it must never
    refuse a session that would have been short enough. The script lasts at least its
    silences and the slots its timed lines keep, whatever the voice says."""
    card = with_dosage(program, reps=reps, sets=sets, rest_s=rest_s, hold_s=hold_s)
    for script in write_scripts(card):
        silences = sum(s.ms for s in script.steps if isinstance(s, Silence))
        slots = sum(s.slot_ms for s in script.steps if isinstance(s, Line))
        assert 0 < least_ms(card, script.phase) <= silences + slots
