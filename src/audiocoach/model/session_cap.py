"""The longest session audiocoach makes, and the one estimate it is checked against.

A home session lasts minutes; anything near three hours is a typing error (fifty repetitions
of six cues of thirty seconds), and a file of thousands of hours fills the disk and overflows
the chapters' 32-bit millisecond times. The check runs where a plan is made
(:class:`~audiocoach.model.patient.Plan`), so ``build``, ``preview``, ``phrases`` and serve
refuse the same sessions with the same sentence, before a line is scripted or a word said.
The warnings for a long session or day (which never refuse) are
:mod:`audiocoach.pipeline.length`'s.
"""

from __future__ import annotations

from audiocoach.errors import ProgramError
from audiocoach.model.patterns import cueing
from audiocoach.model.program import Phase, Program

MAX_SESSION_MS = 3 * 3_600_000
"""The longest session a build makes: three hours per file."""


def least_ms(program: Program, phase: Phase) -> int:
    """The least the session of ``phase`` lasts, from the dosage alone: its silences to move
    after each cue or count, its holds and rests, with no word said. Speech only adds to it,
    so a session refused on this estimate would be longer still."""
    total = 0
    for number in phase.exercises:
        dosage = program.exercise(number).dosage
        if cueing(dosage).in_sets:
            per_set = cueing(dosage).least_set_ms()
            total += dosage.sets * per_set + (dosage.sets - 1) * dosage.rest_s * 1000
    return total


def check_length(program: Program) -> None:
    """Refuse a program with a session longer than :data:`MAX_SESSION_MS` by
    :func:`least_ms`, naming the phase."""
    for phase in program.phases:
        duration_ms = least_ms(program, phase)
        if duration_ms > MAX_SESSION_MS:
            raise ProgramError(
                f"Phase {phase.number} would last {duration_ms / 3_600_000:.1f} hours or more; "
                f"a session may last at most {MAX_SESSION_MS // 3_600_000} hours: lower the "
                "repetitions, sets, rests or 'move_s'."
            )
