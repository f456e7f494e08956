"""A patient's dosage and selection laid over the card: library level, no audio."""

from __future__ import annotations

import pytest

from audiocoach.errors import DosageError
from audiocoach.model.dosage import (
    Overrides,
    apply_overrides,
    cli_overrides,
    parse_selection,
    parse_setting,
)
from audiocoach.model.program import Program


def test_no_overrides_is_the_card(program: Program) -> None:
    assert apply_overrides(program, Overrides()) == program


def test_without_a_choice_phase_2_awaits_it_and_only_phase_1_is_ready(program: Program) -> None:
    """The card: "(een selectie uit) oefening 5 t/m 11 ... in overleg met uw
    behandelaar/begeleider": no patient gets 5 to 11 unless they were chosen."""
    card = apply_overrides(program, Overrides())
    assert [p.number for p in card.ready_phases] == [1]
    assert [p.number for p in card.phases_awaiting_choice] == [2]


@pytest.mark.parametrize(
    ("overrides", "chosen"),
    [
        (Overrides(select_all=True), (5, 6, 7, 8, 9, 10, 11)),
        (Overrides(selection=(9, 5, 6)), (5, 6, 9)),
        (cli_overrides(select="all"), (5, 6, 7, 8, 9, 10, 11)),
        (cli_overrides(select=" ALL "), (5, 6, 7, 8, 9, 10, 11)),
        (cli_overrides(select="5,6,9"), (5, 6, 9)),
    ],
)
def test_a_choice_readies_phase_2_with_exercise_1_to_4_and_the_chosen(
    program: Program, overrides: Overrides, chosen: tuple[int, ...]
) -> None:
    """The card's schedule: 1 to 4 for the whole period ("Gehele periode"), then the chosen."""
    dosed = apply_overrides(program, overrides)
    assert [p.number for p in dosed.ready_phases] == [1, 2]
    assert dosed.phase(2).exercises == (1, 2, 3, 4, *chosen)
    assert dosed.phase(2).selected


def test_phase_2_alone_without_a_choice_is_refused(program: Program) -> None:
    with pytest.raises(DosageError, match=r"Phase 2 \(Opbouw\) .* --select all"):
        apply_overrides(program, Overrides(phase=2))


def test_overall_values_reach_only_the_exercises_they_mean_something_for(
    program: Program,
) -> None:
    dosed = apply_overrides(
        program, Overrides(dosage={"reps": 5, "sets": 2, "rest_s": 30, "hold_s": 20})
    )
    for exercise in dosed.exercises:
        dosage, card = exercise.dosage, program.exercise(exercise.number).dosage
        if dosage.pattern == "advice":
            assert dosage == card
        elif dosage.pattern == "hold":
            assert (dosage.reps, dosage.sets, dosage.rest_s, dosage.hold_s) == (10, 2, 30, 20)
        else:
            assert (dosage.reps, dosage.sets, dosage.rest_s, dosage.hold_s) == (5, 2, 30, 12)
    assert dosed.phases == program.phases


def test_one_exercise_over_all(program: Program) -> None:
    dosed = apply_overrides(program, Overrides(dosage={"reps": 5}, exercises={7: {"reps": 6}}))
    assert dosed.exercise(7).dosage.reps == 6
    assert dosed.exercise(8).dosage.reps == 5


def test_select_keeps_the_fixed_exercises(program: Program) -> None:
    dosed = apply_overrides(program, Overrides(selection=(9, 5)))
    assert [p.exercises for p in dosed.phases] == [(1, 2, 3, 4), (1, 2, 3, 4, 5, 9)]


def test_phase_builds_one_phase_and_keeps_a_patients_other_choices_valid(
    program: Program,
) -> None:
    """A patient file with a selection and phase-2 dosage still builds ``--phase 1``."""
    dosed = apply_overrides(
        program, Overrides(selection=(5, 9), exercises={9: {"reps": 4}}, phase=1)
    )
    assert [p.number for p in dosed.phases] == [1]


def test_command_line_wins_over_the_file() -> None:
    file = Overrides(
        dosage={"reps": 8, "sets": 2}, exercises={9: {"reps": 6, "sets": 3}}, selection=(5,)
    )
    cli = Overrides(dosage={"reps": 3}, exercises={7: {"rest_s": 30}}, phase=2)
    merged = cli.over(file)
    assert merged == Overrides(
        dosage={"reps": 3, "sets": 2},
        exercises={9: {"sets": 3}, 7: {"rest_s": 30}},
        selection=(5,),
        phase=2,
    )


def test_cli_overrides_parse_what_was_typed() -> None:
    parsed = cli_overrides(
        dosage={"reps": "5", "sets": "2", "rest_s": "0", "hold_s": None},
        select="5, 9",
        phase="2",
        settings=["7.reps=6", "hold_s=20"],
    )
    assert parsed == Overrides(
        dosage={"reps": 5, "sets": 2, "rest_s": 0, "hold_s": 20},
        selection=(5, 9),
        phase=2,
        exercises={7: {"reps": 6}},
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("5,6,9", (5, 6, 9)), ("5 6 9", (5, 6, 9)), (" 9 ,5", (9, 5))],
)
def test_selection_forms(text: str, parsed: tuple[int, ...]) -> None:
    assert parse_selection(text) == parsed


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("7.reps=6", (7, "reps", 6)),
        (" 11.hold_s = 20 ", (11, "hold_s", 20)),
        ("reps=6", (None, "reps", 6)),
        (" rest_s = 0 ", (None, "rest_s", 0)),
    ],
)
def test_setting_forms(text: str, parsed: tuple[int | None, str, int]) -> None:
    assert parse_setting(text) == parsed


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (Overrides(dosage={"reps": 0}), "from 1 to 50, not 0"),
        (Overrides(dosage={"sets": 11}), "from 1 to 10, not 11"),
        (Overrides(dosage={"rest_s": -1}), "from 0 to 300 seconds"),
        (Overrides(dosage={"hold_s": 121}), "from 1 to 120 seconds"),
        (Overrides(selection=(12,)), "exercise 12 does not exist"),
        (Overrides(selection=(1,)), "always stays in phase 2"),
        (Overrides(selection=(2,)), "always stays in phase 2"),
        (Overrides(phase=3), "no phase 3"),
        (Overrides(exercises={12: {"reps": 3}}), "Exercise 12 does not exist"),
        (Overrides(exercises={1: {"sets": 3}}), "advice"),
        (Overrides(exercises={11: {"reps": 3}}), "held, not counted"),
        (Overrides(exercises={9: {"hold_s": 3}}), "counted, not held"),
        (Overrides(exercises={9: {"reps_": 3}}), "unknown setting 'reps_'"),
        (Overrides(exercises={9: {"reps": 51}}), "from 1 to 50, not 51"),
        (Overrides(selection=(5,), exercises={9: {"reps": 3}}), "not selected"),
    ],
)
def test_bad_overrides_are_named(program: Program, overrides: Overrides, message: str) -> None:
    with pytest.raises(DosageError, match=message):
        apply_overrides(program, overrides)
