"""A patient's own dosage: overrides of the card's reps, sets, rests and holds, and the
therapist's choice of exercises.

The card leaves the build-up to the therapist. :class:`Overrides` says what differs for one
patient; :func:`apply_overrides` checks it against the program and returns a new
:class:`~audiocoach.model.program.Program` in which those choices are simply the dosage, so nothing
downstream knows about overrides. Every value is checked here, before any audio is made, with
the same bounds as the program file (:data:`~audiocoach.model.settings.DOSAGE_SETTINGS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from audiocoach.errors import MAX_DIGITS, DosageError, shown
from audiocoach.model.patterns import cueing
from audiocoach.model.program import Dosage, Exercise, Phase, Program
from audiocoach.model.settings import DOSAGE_SETTINGS, JOBS, PORT


@dataclass(frozen=True)
class Overrides:
    """What differs from the program for one patient; what is not given (``None``, a setting
    not in :attr:`dosage`) is "as the program says"."""

    dosage: Mapping[str, int] = field(default_factory=dict)
    """Per setting of the table (:data:`~audiocoach.model.settings.DOSAGE_SETTINGS`: ``reps``,
    ``rest_s``): the value for every exercise it applies to, as a patient file's
    ``[dosage]``."""
    exercises: Mapping[int, Mapping[str, int]] = field(default_factory=dict)
    """Per exercise number, per field: the value for that exercise alone."""
    selection: tuple[int, ...] | None = None
    """The exercises the therapist chose for phases that leave a choice (a phase's ``fixed``
    exercises always stay). With neither this nor :attr:`select_all`, such a phase is not
    built."""
    select_all: bool = False
    """Every exercise of those phases, chosen on purpose (``--select all``)."""
    phase: int | None = None
    """Build this phase only."""
    tones: bool | None = None
    """Whether sets and sessions are marked by tones (``False``: ``--no-tones``)."""

    def over(self, base: Overrides) -> Overrides:
        """These overrides laid over ``base``: every value set here wins.

        A value set for every exercise here also replaces ``base``'s value for single
        exercises, so "--reps 5" on the command line means five everywhere.
        """
        exercises: dict[int, dict[str, int]] = {}
        for number, values in base.exercises.items():
            kept = {k: v for k, v in values.items() if k not in self.dosage}
            if kept:
                exercises[number] = kept
        for number, values in self.exercises.items():
            exercises.setdefault(number, {}).update(values)
        choice = self if self.chosen else base
        return Overrides(
            dosage={**base.dosage, **self.dosage},
            exercises=exercises,
            selection=choice.selection,
            select_all=choice.select_all,
            phase=base.phase if self.phase is None else self.phase,
            tones=base.tones if self.tones is None else self.tones,
        )

    @property
    def chosen(self) -> bool:
        """Whether a choice of exercises is made here: a list, or all of them."""
        return self.selection is not None or self.select_all


def check_field(name: Any, where: str) -> str:
    """A dosage field name a patient may set, or an error naming the wrong one."""
    if name not in DOSAGE_SETTINGS:
        raise DosageError(
            f"{where}: unknown setting '{name}'; the settings are {', '.join(DOSAGE_SETTINGS)}."
        )
    return str(name)


_WHOLE = re.compile(r"\s*[+-]?([0-9]+)\s*")


def parse_whole(text: str, what: str) -> int:
    """A whole number typed by a person; anything else is an error naming ``what``."""
    match = _WHOLE.fullmatch(text)
    if not match:
        raise DosageError(f"{what} must be a whole number, not {shown(text)}.")
    if len(match[1].lstrip("0")) > MAX_DIGITS:
        raise DosageError(
            f"{what} must be a whole number of at most {MAX_DIGITS} digits, "
            f"not a number of {len(match[1])} digits."
        )
    return int(text)


def parse_jobs(text: str) -> int:
    """``--jobs``: how many files are encoded at the same time."""
    return JOBS.check(parse_whole(text, JOBS.flag), JOBS.flag)


def parse_port(text: str) -> int:
    """``serve --port``: a TCP port on 127.0.0.1."""
    return PORT.check(parse_whole(text, PORT.flag), PORT.flag)


SELECT_ALL = "all"
"""What ``--select`` takes for every exercise of the phases that leave a choice."""


def parse_selection(text: str) -> tuple[int, ...]:
    """``"5,6,9"`` (commas and/or spaces) as exercise numbers."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not parts:
        raise DosageError("--select needs exercise numbers, such as --select 5,6,9, or all.")
    return tuple(parse_whole(part, f"--select: exercise '{part}'") for part in parts)


def parse_setting(text: str) -> tuple[int | None, str, int]:
    """``"7.reps=6"`` as (exercise 7, ``reps``, 6); ``"reps=6"`` as (``None``: every exercise,
    ``reps``, 6)."""
    match = re.fullmatch(r"\s*(?:([^.=\s]+)\s*\.\s*)?([^=\s]*)\s*=\s*(.*?)\s*", text)
    if not match:
        raise DosageError(
            f"--set '{text}' must look like EXERCISE.SETTING=VALUE or SETTING=VALUE, such as "
            "--set 7.reps=6, or --set reps=6 for every exercise."
        )
    number = None if match[1] is None else parse_whole(match[1], f"--set '{text}': the exercise")
    name = check_field(match[2], f"--set '{text}'")
    value = parse_whole(match[3], f"--set '{text}': the value")
    return number, name, DOSAGE_SETTINGS[name].check(value, f"--set '{text}'")


def cli_overrides(
    *,
    dosage: Mapping[str, str | None] | None = None,
    select: str | None = None,
    phase: str | None = None,
    settings: Iterable[str] = (),
    tones: bool | None = None,
) -> Overrides:
    """The overrides as typed on the command line, parsed and checked for bounds: ``dosage``
    per setting's key (``{"rest_s": "20"}`` for ``--rest 20``), ``settings`` as ``--set``.

    Numbers arrive as text so that "2.5" or "abc" get the same one-line answer as "0".
    """
    typed = [(text, *parse_setting(text)) for text in settings]
    overall: dict[str, int] = {}
    for key, given in (dosage or {}).items():
        if given is not None:
            setting = DOSAGE_SETTINGS[check_field(key, "The dosage")]
            flag = setting.flag or f"--set {key}"
            overall[key] = setting.check(parse_whole(given, flag), flag)
    flagged = set(overall)
    exercises: dict[int, dict[str, int]] = {}
    for text, number, name, value in typed:
        if number is not None:
            exercises.setdefault(number, {})[name] = value
        elif name in flagged:
            raise DosageError(
                f"{DOSAGE_SETTINGS[name].flag} and --set '{text}' both set '{name}' for every "
                "exercise; give one."
            )
        else:
            overall[name] = value
    phase_number = None if phase is None else parse_whole(phase, "--phase")
    if phase_number is not None and phase_number < 1:
        raise DosageError(f"--phase must be a phase number such as 1, not {phase_number}.")
    every = select is not None and select.strip().casefold() == SELECT_ALL
    return Overrides(
        dosage=overall,
        exercises=exercises,
        selection=None if select is None or every else parse_selection(select),
        select_all=every,
        phase=phase_number,
        tones=tones,
    )


def applies(name: str, dosage: Dosage) -> bool:
    """Whether a dosage field means anything for this kind of exercise."""
    return name in cueing(dosage).fields


def choosable(phase: Phase) -> tuple[int, ...]:
    """The exercises of a phase the therapist may leave out."""
    return tuple(n for n in phase.exercises if n not in phase.fixed)


def apply_overrides(
    program: Program, overrides: Overrides, *, selection_key: str = "--select"
) -> Program:
    """The program as this patient does it, every override checked against it.

    The selection and per-exercise values are checked against the whole program, so a patient
    file stays valid when only one phase is built. ``selection_key`` names where the selection
    was given, in the sentence about a wrong one.
    """
    for name, value in overrides.dosage.items():
        setting = DOSAGE_SETTINGS[check_field(name, "The dosage")]
        setting.check(value, f"{setting.english.capitalize()} ('{name}')")
    known = {e.number for e in program.exercises}
    phases = _select(program, overrides, selection_key)
    heard = {n for phase in phases for n in phase.exercises}
    for number, values in overrides.exercises.items():
        if number not in known:
            raise DosageError(
                f"Exercise {number} does not exist; the program has exercises {_span(known)}."
            )
        if number not in heard:
            raise DosageError(
                f"Exercise {number} has its own dosage but is not selected for any phase."
            )
        dosage = program.exercise(number).dosage
        for name, value in values.items():
            check_field(name, f"Exercise {number}")
            DOSAGE_SETTINGS[name].check(value, f"Exercise {number}'s '{name}'")
            if not applies(name, dosage):
                kind = cueing(dosage).described
                raise DosageError(f"Exercise {number} is {kind}: '{name}' does not apply to it.")
    if overrides.phase is not None:
        numbers = [p.number for p in phases]
        if overrides.phase not in numbers:
            raise DosageError(
                f"There is no phase {overrides.phase}; the program has phases "
                f"{', '.join(map(str, numbers))}."
            )
        phases = [p for p in phases if p.number == overrides.phase]
        if phases[0].awaits_choice:
            raise DosageError(choice_needed(phases[0]))
    exercises = tuple(_dosed(e, overrides) for e in program.exercises)
    tones = program.tones if overrides.tones is None else overrides.tones
    return replace(program, exercises=exercises, phases=tuple(phases), tones=tones)


def _span(numbers: Iterable[int]) -> str:
    ordered = sorted(numbers)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]} to {ordered[-1]}"
    return ", ".join(map(str, ordered))


def choice_needed(phase: Phase) -> str:
    """Why a phase is not built, and how to build it: one sentence, for the build's last line
    and for ``--phase`` asked without a choice."""
    return (
        f"Phase {phase.number} ({phase.title}) is made with the therapist's choice of "
        f"exercises {_span(choosable(phase))}: add --select with the numbers chosen "
        "(separated by commas), or --select all."
    )


def selected_exercises(
    program: Program, selection: tuple[int, ...] | None, select_all: bool = False
) -> set[int]:
    """The exercises heard in some phase once ``selection`` is made (checked); a phase that
    awaits a choice counts as heard in full (its dosage may be set before choosing)."""
    choice = Overrides(selection=selection, select_all=select_all)
    return {n for phase in _select(program, choice) for n in phase.exercises}


def _select(program: Program, overrides: Overrides, key: str = "--select") -> list[Phase]:
    """The phases with the choice made; without one, phases that leave a choice stay as
    they are (awaiting it: never built)."""
    selection = overrides.selection
    if not overrides.chosen:
        return list(program.phases)
    open_phases = [p for p in program.phases if choosable(p)]
    if not open_phases:
        raise DosageError("This program has no exercises to choose: every phase is fixed.")
    if selection is None:  # --select all
        return [replace(p, selected=True) if choosable(p) else p for p in program.phases]
    allowed = {n for p in open_phases for n in choosable(p)}
    for number in selection:
        if number in allowed:
            continue
        where = " and ".join(f"phase {p.number}: {_span(choosable(p))}" for p in open_phases)
        stays = [p.number for p in open_phases if number in p.fixed]
        homes = [p.number for p in program.phases if number in p.exercises]
        if stays:
            problem = f"always stays in phase {stays[0]}"
        elif homes:
            problem = f"belongs to phase {homes[0]}, which leaves no choice"
        else:
            problem = "does not exist"
        raise DosageError(f"{key}: exercise {number} {problem}; choose from {where}.")
    phases = []
    for phase in program.phases:
        if choosable(phase):
            kept = tuple(n for n in phase.exercises if n in phase.fixed or n in selection)
            if not kept:
                raise DosageError(
                    f"Phase {phase.number} would have no exercises: choose at least one of "
                    f"{_span(choosable(phase))}."
                )
            phases.append(replace(phase, exercises=kept, selected=True))
        else:
            phases.append(phase)
    return phases


def _dosed(exercise: Exercise, overrides: Overrides) -> Exercise:
    dosage = exercise.dosage
    values: dict[str, Any] = {n: v for n, v in overrides.dosage.items() if applies(n, dosage)}
    values.update(overrides.exercises.get(exercise.number, {}))
    if not values:
        return exercise
    return replace(exercise, dosage=replace(dosage, **values))
