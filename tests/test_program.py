"""The built-in card as data, and how a program file is checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from audiocoach.dutch_words import number_word
from audiocoach.errors import DosageError, ProgramError
from audiocoach.model.patterns import PATTERNS
from audiocoach.model.program import Pattern, Program, safe_slug
from audiocoach.model.program_file import load_program


def test_card_has_eleven_exercises_in_two_phases(program: Program) -> None:
    assert [e.number for e in program.exercises] == list(range(1, 12))
    # Exercise 1 to 4 the whole period ("Gehele periode"): in phase 2 as well.
    assert [p.exercises for p in program.phases] == [(1, 2, 3, 4), tuple(range(1, 12))]
    assert [p.fixed for p in program.phases] == [(1, 2, 3, 4), (1, 2, 3, 4)]


def test_card_dosage_follows_descriptions_not_swapped_rows(program: Program) -> None:
    """The card's rows for 5 and 6 are swapped: 'hol en bol' is exercise 6, 'beide benen' is 5."""
    assert set(program.exercise(6).dosage.cues) == {"hol", "bol"}
    assert program.exercise(5).dosage.cues == ("linkerknie", "rechterknie")  # "beide benen"


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


def test_every_exercise_has_a_name_of_its_own(program: Program) -> None:
    """Eight exercises share the card's title; the names tell them apart."""
    names = [e.name for e in program.exercises]
    assert len({n.casefold() for n in names}) == len(names) == 11
    assert len({e.title for e in program.exercises}) < 11
    assert all(0 < len(n.split()) <= 5 for n in names), names


def test_every_exercise_on_the_mat_has_a_position(program: Program) -> None:
    positions = {e.number: e.position for e in program.exercises}
    assert positions[1] is None  # advice
    assert positions[8] == "buik"
    assert positions[11] == "staan"
    assert {positions[n] for n in (2, 3, 4, 5, 6, 7, 9, 10)} == {"rug"}


def test_exercise_text_stands_alone(program: Program) -> None:
    """A chapter may be started on its own: no exercise refers to another one."""
    words = [number_word(n) for n in range(1, 12)]
    other = re.compile(rf"\boefening ({'|'.join(words)}|\d)")
    for exercise in program.exercises:
        assert not other.search(exercise.instruction.lower()), exercise.number


def test_exercise_ten_cues_its_sides_as_seven_and_eight_do(program: Program) -> None:
    """The card: "afwisselend met de rechter schouder ... en met de linkerschouder"."""
    dosage = program.exercise(10).dosage
    assert dosage.pattern == "alternate"
    assert dosage.cues == ("rechterschouder", "linkerschouder")


@pytest.mark.parametrize(
    ("number", "least_s"), [(2, 2), (3, 2), (4, 3), (5, 3), (6, 2), (7, 2), (8, 3), (9, 2)]
)
def test_time_to_move_after_each_cue(program: Program, number: int, least_s: float) -> None:
    assert program.exercise(number).dosage.move_s >= least_s


def test_the_card_asks_for_three_to_five_times_a_day(program: Program) -> None:
    assert program.times_per_day == (3, 5)


EXERCISE = "[[exercises]]\nnumber = {n}\ntitle = 'T'\naim = 'versterken'\ninstruction = 'Til op.'\n"
HEAD = "[program]\ntitle = 'x'\n[[phases]]\nnumber = 1\ntitle = 'p'\nexercises = [1]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[program]\ntitle = 'x'\n", "missing 'exercises'"),
        ("[program]\ntitle = 'x'\ntitel = 'y'\n", "unknown key 'titel'"),
        ("[program\n", "not valid TOML"),
        (
            HEAD + EXERCISE.format(n=1) + "dosage = { pattern = 'reps', rep_s = 3 }\n",
            "'rep_s' is now 'move_s'",
        ),
        (
            HEAD + EXERCISE.format(n=1) + "dosage = { pattern = 'reps', move_s = 0.1 }\n",
            "'move_s' must be from 0.5 to 30 seconds, not 0.1",
        ),
        (
            HEAD + EXERCISE.format(n=1) + "position = 'hangend'\ndosage = { pattern = 'reps' }\n",
            "'position' must be one of rug, buik, zij, zit, staan, not 'hangend'",
        ),
        (
            HEAD
            + EXERCISE.format(n=1)
            + "dosage = { pattern = 'reps' }\n"
            + EXERCISE.format(n=2)
            + "dosage = { pattern = 'reps' }\n",
            "exercises 1 and 2 share the name 'T'",
        ),
        (
            HEAD.replace("title = 'x'", "title = 'x'\ntimes_per_day = [5, 3]")
            + EXERCISE.format(n=1)
            + "dosage = { pattern = 'reps' }\n",
            "'times_per_day' must be two whole numbers from 1 to 12, fewest first",
        ),
        (
            HEAD + EXERCISE.format(n=1) + "dosage = { pattern = 'herhaal' }\n",
            "'pattern' must be one of advice, reps, parts, alternate, hold, not 'herhaal'",
        ),
        (
            HEAD + EXERCISE.format(n=1) + "dosage = { pattern = 'parts', cues = ['links'] }\n",
            "pattern 'parts' needs at least two 'cues'",
        ),
        (
            HEAD + EXERCISE.format(n=1).replace("versterken", "rekken")
            + "dosage = { pattern = 'reps' }\n",
            "'aim' must be one of mobiliseren, versterken",
        ),
    ],
    ids=[
        "no exercises", "unknown key", "bad toml", "old rep_s", "move_s too short",
        "unknown position", "shared name", "times per day reversed", "unknown pattern",
        "parts without two cues", "unknown aim",
    ],
)  # fmt: skip
def test_bad_program_file_is_named_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((ProgramError, DosageError), match=message):  # a bound: DosageError
        load_program(path)


def test_every_pattern_a_dosage_may_name_has_its_cueing() -> None:
    assert tuple(PATTERNS) == get_args(Pattern)


def test_aim_may_be_left_out(tmp_path: Path) -> None:
    """The card's aim is checked when given, but nothing says it, so it is not required."""
    path = tmp_path / "p.toml"
    no_aim = EXERCISE.format(n=1).replace("aim = 'versterken'\n", "")
    path.write_text(HEAD + no_aim + "dosage = { pattern = 'reps' }\n", encoding="utf-8")
    assert load_program(path).exercise(1).title == "T"
