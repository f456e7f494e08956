"""The built-in card as data, and how a program file is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiocoach.errors import ProgramError
from audiocoach.program import Program, load_program, safe_slug


def test_card_has_eleven_exercises_in_two_phases(program: Program) -> None:
    assert [e.number for e in program.exercises] == list(range(1, 12))
    assert [p.exercises for p in program.phases] == [(1, 2, 3, 4), tuple(range(2, 12))]


def test_card_dosage_follows_descriptions_not_swapped_rows(program: Program) -> None:
    """The card's rows for 5 and 6 are swapped: 'hol en bol' is exercise 6, 'beide benen' is 5."""
    assert set(program.exercise(6).dosage.cues) == {"hol", "bol"}
    assert program.exercise(5).dosage.cues == ("links", "rechts")


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6, 7, 8, 9, 10])
def test_card_dosage_is_three_sets_of_ten_with_fifteen_seconds_rest(
    program: Program, number: int
) -> None:
    dosage = program.exercise(number).dosage
    assert (dosage.sets, dosage.reps, dosage.rest_s) == (3, 10, 15)


def test_exercise_eleven_is_a_timed_walk(program: Program) -> None:
    dosage = program.exercise(11).dosage
    assert dosage.pattern == "hold"
    assert 10 <= dosage.hold_s <= 12


def test_exercise_one_is_advice(program: Program) -> None:
    assert program.exercise(1).dosage.pattern == "advice"


@pytest.mark.parametrize(
    ("title", "slug"),
    [("../../x", "x"), ("Gehele periode", "gehele-periode"), ("/etc/passwd", "etc-passwd"),
     ("Één fase", "een-fase"), ("...", "programma")],
)  # fmt: skip
def test_safe_slug_has_no_path_parts(title: str, slug: str) -> None:
    assert safe_slug(title) == slug


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[program]\ntitle = 'x'\n", "missing 'exercises'"),
        ("[program]\ntitle = 'x'\ntitel = 'y'\n", "unknown key 'titel'"),
        ("[program\n", "not valid TOML"),
    ],
)
def test_bad_program_file_is_named_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgramError, match=message):
        load_program(path)
