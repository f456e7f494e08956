"""Reading a program file into a checked :class:`~audiocoach.model.program.Program`.

The order of the checks is the order of the file: the ``[program]`` table, the exercises with
their dosage, then the phases that name them; the first problem found is the one reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast, get_args

from audiocoach.errors import ProgramError, shown
from audiocoach.model.checks import (
    FieldError,
    TableReader,
    check_items,
    check_text,
    with_line,
)
from audiocoach.model.file_errors import naming
from audiocoach.model.patterns import PATTERNS
from audiocoach.model.program import (
    Dosage,
    Exercise,
    Pattern,
    Phase,
    Position,
    Program,
    safe_slug,
)
from audiocoach.model.settings import DOSAGE_SETTINGS, MOVE_S, TIMES_PER_DAY
from audiocoach.model.toml_file import read_toml_text

BUILTIN_PROGRAM = "si-gewricht-lage-rug"

AIMS = ("mobiliseren", "versterken")
"""The card's aim of an exercise. A program file may give it, and a wrong one is an error, but
it is not kept: no session or page says it, and the card's title, shown on the page, already
does ("Versterken van de rugspieren")."""

MAX_CUES = 6
"""Cues within one repetition: "links, rechts", "bol, hol"; a few at most."""
MAX_CUE = 40


def builtin_program_path() -> Path:
    """Path of the built-in SI-joint card, inside the installed package."""
    resource = resources.files("audiocoach") / "programs" / f"{BUILTIN_PROGRAM}.toml"
    return Path(str(resource))


def load_program(path: Path | None = None) -> Program:
    """Read and check a program file; ``None`` loads the built-in card."""
    path = path or builtin_program_path()
    with naming(path, "program file"):
        data, text = read_toml_text(path, what="program file")
        try:
            return program_from_dict(data, origin=path.name)
        except FieldError as error:
            raise with_line(error, text) from None


def program_from_dict(data: Mapping[str, Any], origin: str = "program") -> Program:
    """Build a checked :class:`~audiocoach.model.program.Program` from parsed TOML."""
    top = TableReader(data, origin)
    program_fields = _program_fields(top.get("program", dict), origin)
    exercises = _exercises(top.get("exercises", list), origin)
    advice = {e.number for e in exercises if not PATTERNS[e.dosage.pattern].in_sets}
    phases = _phases(top.get("phases", list), [e.number for e in exercises], advice, origin)
    top.finish()
    return Program(exercises=tuple(exercises), phases=tuple(phases), **program_fields)


def _program_fields(table: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """The ``[program]`` table: titles, notes and how often a day."""
    head = TableReader(table, f"{origin} [program]", ("program", 0))
    title = head.get("title", str)
    program_fields = {
        "slug": safe_slug(head.get("slug", str, title)),
        "title": title,
        "subtitle": head.get("subtitle", str, ""),
        "source": head.get("source", str, ""),
        "notes": tuple(check_items(head.get("notes", list, []), f"{origin} [program] 'notes'")),
        "times_per_day": _times_per_day(head.get("times_per_day", list, [3, 5]), origin),
    }
    for note in program_fields["notes"]:
        if not isinstance(note, str):
            raise ProgramError(
                f"{origin} [program]: 'notes' must be a list of texts, not {shown(note)}."
            )
        check_text(note, f"{origin} [program]: 'notes'")
    head.finish()
    return program_fields


def _times_per_day(value: list[Any], origin: str) -> tuple[int, int]:
    """``[3, 5]``: the fewest and most times a day the series is done."""
    ok = (
        len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and TIMES_PER_DAY.low <= value[0] <= value[1] <= TIMES_PER_DAY.high
    )
    if not ok:
        raise ProgramError(
            f"{origin} [program]: 'times_per_day' must be two whole numbers from "
            f"{TIMES_PER_DAY.span}, "
            f"fewest first, such as [3, 5]; not {value!r}."
        )
    return value[0], value[1]


def _exercises(tables: list[Any], origin: str) -> list[Exercise]:
    """Every ``[[exercises]]`` table, each number and spoken name used once."""
    exercises = [
        _exercise(table, f"{origin} exercise {index + 1}", origin, index)
        for index, table in enumerate(check_items(tables, f"{origin} exercises"))
    ]
    numbers = [e.number for e in exercises]
    if len(set(numbers)) != len(numbers):
        raise ProgramError(f"{origin}: two exercises share a number.")
    _check_names_distinct(exercises, origin)
    return exercises


def _exercise(table: Mapping[str, Any], where: str, origin: str, index: int) -> Exercise:
    """One exercise; ``where`` names it by its place until its number is read."""
    read = TableReader(table, where, ("exercises", index))
    number = read.get("number", int)
    read.where = where = f"{origin} exercise {number}"
    aim = read.get("aim", str, None)
    if aim is not None and aim not in AIMS:
        raise ProgramError(f"{where}: 'aim' must be one of {', '.join(AIMS)}.")
    title = read.get("title", str)
    dosage = dosage_from_dict(read.get("dosage", dict), f"{where} dosage")
    exercise = Exercise(
        number=number,
        title=title,
        name=" ".join(read.get("name", str, title).split()),
        instruction=" ".join(read.get("instruction", str).split()),
        dosage=dosage,
        position=_position(read.get("position", str, None), where),
        starting_position=_spoken(read.get("starting_position", str, None)),
        verb=_spoken(read.get("verb", str, None)),
    )
    read.finish()
    if exercise.verb is not None and not PATTERNS[dosage.pattern].held:
        raise ProgramError(f"{where}: 'verb' is said only in a held exercise's dosage.")
    return exercise


def _spoken(value: str | None) -> str | None:
    """A short text to say, on one line; ``None`` when not given or empty."""
    return " ".join(value.split()) or None if value is not None else None


def _position(value: str | None, where: str) -> Position | None:
    """The starting position, when the program file gives one."""
    if value is not None and value not in get_args(Position):
        choices = ", ".join(get_args(Position))
        raise ProgramError(f"{where}: 'position' must be one of {choices}, not {value!r}.")
    return cast("Position | None", value)


def _check_names_distinct(exercises: list[Exercise], origin: str) -> None:
    """Two exercises with one spoken name cannot be told apart in a session or its chapters."""
    seen: dict[str, int] = {}
    for exercise in exercises:
        key = exercise.name.casefold()
        if key in seen:
            raise ProgramError(
                f"{origin}: exercises {seen[key]} and {exercise.number} share the name "
                f"'{exercise.name}'; give each a 'name' of its own."
            )
        seen[key] = exercise.number


def dosage_from_dict(table: Mapping[str, Any], where: str) -> Dosage:
    """Build a checked :class:`~audiocoach.model.program.Dosage` from a TOML table."""
    read = TableReader(table, where)
    pattern = read.get("pattern", str)
    if pattern not in PATTERNS:
        raise ProgramError(
            f"{where}: 'pattern' must be one of {', '.join(PATTERNS)}, not {pattern!r}."
        )
    defaults = Dosage(pattern=cast("Pattern", pattern))
    numbers = {
        key: setting.check(read.get(key, int, getattr(defaults, key)), f"{where}: '{key}'")
        for key, setting in DOSAGE_SETTINGS.items()
    }
    if "rep_s" in table:
        raise ProgramError(
            f"{where}: 'rep_s' is now 'move_s', the seconds of silence to move after each cue."
        )
    move_s = MOVE_S.check(read.get("move_s", float, defaults.move_s), f"{where}: 'move_s'")
    cues = _cues(read.get("cues", list, []), where)
    if PATTERNS[defaults.pattern].needs_cues and len(cues) < 2:
        raise ProgramError(f"{where}: pattern '{pattern}' needs at least two 'cues'.")
    read.finish()
    return Dosage(pattern=defaults.pattern, move_s=move_s, cues=cues, **numbers)


def _cues(value: list[Any], where: str) -> tuple[str, ...]:
    """The words said within or in turn between repetitions: a few short texts."""
    cues = tuple(value)
    if not all(isinstance(cue, str) and cue.strip() for cue in cues) or len(cues) > MAX_CUES:
        raise ProgramError(f"{where}: 'cues' must be a list of at most {MAX_CUES} words.")
    for cue in cues:
        check_text(cue, f"{where}: 'cues'")
        if len(cue) > MAX_CUE:
            raise ProgramError(f"{where}: 'cues' must be words of at most {MAX_CUE} characters.")
    return cues


def _numbers(read: TableReader, key: str, value: list[Any]) -> tuple[int, ...]:
    """A phase's list of exercise numbers: whole numbers, each once."""
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            if isinstance(item, str):
                continue  # an exercise by a name: "names exercise 'een', which does not exist"
            raise read.refuse(
                key, f"{read.where}: '{key}' must be a list of exercise numbers, not {shown(item)}."
            )
        if value.count(item) > 1:
            raise read.refuse(key, f"{read.where}: '{key}' names exercise {item} twice.")
    return tuple(value)


def _phases(tables: list[Any], numbers: list[int], advice: set[int], origin: str) -> list[Phase]:
    """Every ``[[phases]]`` table: at least one, each numbered once, naming known exercises."""
    phases: list[Phase] = []
    for index, table in enumerate(check_items(tables, f"{origin} phases")):
        read = TableReader(table, f"{origin} phase {index + 1}", ("phases", index))
        number = read.get("number", int)
        read.where = f"{origin} phase {number}"
        exercises = _numbers(read, "exercises", read.get("exercises", list))
        phase = Phase(
            number=number,
            title=read.get("title", str),
            exercises=exercises,
            # Without 'fixed' nothing is left to choose; 'fixed = []' leaves every one open.
            fixed=_numbers(read, "fixed", read.get("fixed", list, list(exercises))),
            about=" ".join(read.get("about", str, "").split()),
            brief=_numbers(read, "brief", read.get("brief", list, [])),
            closing=" ".join(read.get("closing", str, "").split()),
        )
        read.finish()
        for exercise in phase.fixed:
            if exercise not in phase.exercises:
                raise read.refuse(
                    "fixed",
                    f"{read.where}: 'fixed' names exercise {exercise}, which is not one of "
                    "the phase's 'exercises'; add it there or leave it out.",
                )
        if not phase.exercises:
            raise ProgramError(f"{origin}: phase {phase.number} has no exercises.")
        for number in phase.brief:
            if number not in phase.exercises or number not in advice:
                raise ProgramError(
                    f"{origin}: phase {phase.number}'s 'brief' names {shown(number)}; it takes "
                    "only advice exercises of that phase."
                )
        if phase.number in [p.number for p in phases]:
            raise ProgramError(
                f"{origin}: two phases have the number {phase.number}; "
                "each phase needs its own (it names the file)."
            )
        for number in (*phase.exercises, *phase.fixed):
            if number not in numbers:
                raise ProgramError(
                    f"{origin}: phase {phase.number} names exercise {shown(number)}, "
                    "which does not exist."
                )
        phases.append(phase)
    if not phases:
        raise ProgramError(f"{origin}: the program has no phases.")
    return phases
