"""A real voice that keeps count of what it is asked to say, and small programs to build fast."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypedDict

from audiocoach.model.program import Program
from audiocoach.sound import Sound
from audiocoach.speech.voice import Voice

if TYPE_CHECKING:
    from typing_extensions import Unpack


class CountingVoice(Voice):
    """Delegates to a real voice and records every text it synthesises (and stores nothing)."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.said: list[str] = []

    @property
    def identity(self) -> str:
        return self.voice.identity

    def synthesize(self, text: str) -> Sound:
        self.said.append(text)
        return self.voice.synthesize(text)


class DosageChanges(TypedDict, total=False):
    """The numbers of a :class:`~audiocoach.model.program.Dosage` a test may change."""

    reps: int
    sets: int
    rest_s: int
    hold_s: int
    move_s: float


def with_dosage(
    program: Program, only: int | None = None, **changes: Unpack[DosageChanges]
) -> Program:
    """The program with the dosage of every counted exercise (or just ``only``) changed."""
    exercises = tuple(
        replace(e, dosage=replace(e.dosage, **changes))
        if e.dosage.pattern != "advice" and only in (None, e.number)
        else e
        for e in program.exercises
    )
    return replace(program, exercises=exercises)


def small(program: Program) -> Program:
    """Two phases of one exercise each (2, then 5 as the therapist's choice), one short set:
    sessions of about a minute."""
    first, second = program.phases[:2]
    phases = (
        replace(first, exercises=(2,), fixed=(2,)),
        replace(second, exercises=(5,), fixed=(), selected=True),
    )
    return with_dosage(replace(program, phases=phases), reps=2, sets=1, hold_s=4)
