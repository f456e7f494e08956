"""The exercise card as plain data: a :class:`Program` of exercises, their dosage and phases.

A program lives in a TOML file; the built-in one is the SI-joint card in ``programs/``. Loading
checks every field once, here, so everything downstream can trust the values it is given.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

from audiocoach.errors import ProgramError, shown
from audiocoach.files import FileTooLarge, NotRegularFile, read_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

Pattern = Literal["advice", "reps", "parts", "alternate", "hold"]
"""How an exercise is cued: said only, counted, counted with cues, cues in turn, or held.
Each is explained, with all that depends on it, in :mod:`~audiocoach.model.patterns`."""

Aim = Literal["mobiliseren", "versterken"]

Position = Literal["rug", "buik", "zij", "zit", "staan"]
"""The starting position of an exercise, as the card describes it: the session says it before
the first set and when it announces the exercise that comes next, so the patient can turn over
during the rest. The spoken words for each are in the templates."""

BUILTIN_PROGRAM = "si-gewricht-lage-rug"

# Bounds for every number a user can set; documented in the README.
BOUNDS: Mapping[str, tuple[int, int]] = {
    "reps": (1, 50),
    "sets": (1, 10),
    "rest_s": (0, 300),
    "hold_s": (1, 120),
}


@dataclass(frozen=True)
class Dosage:
    """How much of one exercise, and at what pace."""

    pattern: Pattern
    """How the exercise is cued; see :mod:`~audiocoach.model.patterns`."""
    reps: int = 10
    """Repetitions per set (per side for ``parts`` with side cues; in total for ``alternate``)."""
    sets: int = 3
    """Number of sets; each is followed by a timed rest."""
    rest_s: int = 15
    """Seconds of rest after each set (the card: "daarna ± 15 sec. rust")."""
    hold_s: int = 12
    """Seconds a ``hold`` lasts (the card: "duur: 10-12 sec.")."""
    move_s: float = 3.0
    """Seconds of silence after each cue (``parts``, ``alternate``) or count (``reps``): the
    time to make that movement before anything else is said, whatever the voice's speed.

    The card gives no pace; the program file sets it per exercise (larger movements get more)."""
    cues: tuple[str, ...] = ()
    """Words spoken within a repetition (``parts``) or in turn (``alternate``)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of the card."""

    number: int
    title: str
    """The card's own title, typos corrected; shown on the page beside the name."""
    name: str
    """A short spoken name of its own ("Knieën opzij"), distinct within the program: eight of
    the card's titles are the same, so the announcement, chapters and page use this."""
    aim: Aim
    instruction: str
    """The card's description rewritten as spoken Dutch."""
    dosage: Dosage
    position: Position | None = None
    """Where the exercise starts; said before the first set and when the exercise is next."""


@dataclass(frozen=True)
class Phase:
    """One period of the schedule; each phase becomes one session (one MP3)."""

    number: int
    title: str
    exercises: tuple[int, ...]
    fixed: tuple[int, ...] = ()
    """Exercises that always stay in this phase, whatever the therapist selects."""
    selected: bool = False
    """Whether the therapist chose which of the open exercises are here (``--select``); a
    phase that leaves a choice and has none made says that the therapist chooses."""

    @property
    def open(self) -> bool:
        """Whether the therapist chooses some of this phase's exercises (the card's "vul in")."""
        return any(n not in self.fixed for n in self.exercises) or self.selected


@dataclass(frozen=True)
class Program:
    """A whole card: its exercises and the phases that order them."""

    slug: str
    """Safe file-name stem; used for output names."""
    title: str
    subtitle: str
    source: str
    exercises: tuple[Exercise, ...]
    phases: tuple[Phase, ...]
    notes: tuple[str, ...] = field(default=())
    times_per_day: tuple[int, int] = (3, 5)
    """How often a day the card asks for the series ("drie tot vijf maal daags")."""
    tones: bool = True
    """Whether sets and sessions are marked by tones (``--no-tones``, ``tones = false``)."""

    def exercise(self, number: int) -> Exercise:
        """The exercise with that number (the card's numbering)."""
        for exercise in self.exercises:
            if exercise.number == number:
                return exercise
        raise ProgramError(f"The program has no exercise {number}.")

    def phase(self, number: int) -> Phase:
        """The phase with that number."""
        for phase in self.phases:
            if phase.number == number:
                return phase
        known = ", ".join(str(p.number) for p in self.phases)
        raise ProgramError(f"The program has no phase {number}; it has phases {known}.")


def builtin_program_path() -> Path:
    """Path of the built-in SI-joint card, inside the installed package."""
    resource = resources.files("audiocoach") / "programs" / f"{BUILTIN_PROGRAM}.toml"
    return Path(str(resource))


def load_program(path: Path | None = None) -> Program:
    """Read and check a program file; ``None`` loads the built-in card."""
    path = path or builtin_program_path()
    return program_from_dict(read_toml(path, what="program file"), origin=path.name)


MAX_FILE_BYTES = 256 * 1024
"""Program and patient files are a few kilobytes; the built-in card is under 10."""


def read_toml(path: Path, *, what: str) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one sentence naming the file.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read: a FIFO would wait forever
    and ``/dev/zero`` would never end. A byte-order mark (Windows Notepad writes one) is
    skipped.
    """
    try:
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise ProgramError(f"The {what} {path} does not exist.") from None
    except IsADirectoryError:
        raise ProgramError(f"The {what} {path} is a folder, not a file.") from None
    except NotRegularFile:
        raise ProgramError(f"The {what} {path} is not a regular file.") from None
    except FileTooLarge:
        raise ProgramError(
            f"The {what} {path} is larger than {MAX_FILE_BYTES // 1024} KB; it cannot be one."
        ) from None
    except UnicodeDecodeError as error:
        raise ProgramError(
            f"The {what} {path} is not UTF-8 text (byte {error.start + 1} cannot be read)."
        ) from None
    except OSError as error:
        raise ProgramError(f"The {what} {path} cannot be read: {error.strerror}.") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProgramError(
            f"The {what} {path} is not valid TOML: {_with_position(str(error), text)}."
        ) from None
    except ValueError:
        raise ProgramError(
            f"The {what} {path} holds a number too long to read (thousands of digits)."
        ) from None
    except RecursionError:
        raise ProgramError(f"The {what} {path} nests tables or lists too deeply.") from None
    return data


def _with_position(message: str, text: str) -> str:
    """tomllib says "at end of document" where it says no line: name the line and column."""
    if "end of document" not in message:
        return message
    lines = text.split("\n")
    return message.replace(
        "at end of document",
        f"at line {len(lines)}, column {len(lines[-1]) + 1}: the end of the file",
    )


class _Reader:
    """Reads typed values out of a TOML table and rejects unknown keys by name."""

    def __init__(self, table: Mapping[str, Any], where: str) -> None:
        if not isinstance(table, Mapping):
            raise ProgramError(f"{where} must be a table.")
        self.table = table
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                raise ProgramError(f"{self.where} is missing '{key}'.")
            return default
        value = self.table[key]
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise ProgramError(
                f"{self.where}: '{key}' must be {_KIND_NAMES.get(kind, kind.__name__)}, "
                f"not {shown(value)}."
            )
        if kind is str:
            check_text(value, f"{self.where}: '{key}'", multiline=key in MULTILINE)
        if kind is int:
            low, high = NUMBER_BOUNDS.get(key, (-(10**9), 10**9))
            if not low <= value <= high:
                raise ProgramError(
                    f"{self.where}: '{key}' must be from {low} to {high}, not {shown(value)}."
                )
        return value

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise ProgramError(f"{self.where} has an unknown key '{unknown[0]}'.")


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text", list: "a list"}

MAX_TEXT = 2000
"""Characters in one text of the program (an instruction is the longest, a few hundred)."""
MAX_ITEMS = 99
"""Exercises, phases, notes and cues: a card has a dozen."""
MULTILINE = frozenset({"instruction"})
"""Texts in which line breaks are spaces (they are joined into one line when read)."""
NUMBER_BOUNDS: Mapping[str, tuple[int, int]] = {"number": (1, MAX_ITEMS)}
"""Exercise and phase numbers: names and phrase keys hold them in two digits."""
_NOT_TEXT = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Program text goes into file names, tags, a playlist, a feed and a page: refuse
    control characters (a line break in a title adds lines to the playlist), unassigned
    code points and text longer than :data:`MAX_TEXT`."""
    if len(value) > MAX_TEXT:
        raise ProgramError(f"{what} is longer than {MAX_TEXT} characters.")
    for char in value:
        if multiline and char in "\t\n\r":
            continue
        if unicodedata.category(char) in _NOT_TEXT or char == "\ufeff":
            raise ProgramError(
                f"{what} holds a control character (U+{ord(char):04X}); use plain text on one line."
            )
    return value


def check_items(items: list[Any], what: str) -> list[Any]:
    """A list of at most :data:`MAX_ITEMS` entries."""
    if len(items) > MAX_ITEMS:
        raise ProgramError(f"{what} has {len(items)} entries; at most {MAX_ITEMS} are allowed.")
    return items


def check_bounds(name: str, value: int, where: str) -> int:
    """Reject a dosage number outside :data:`BOUNDS`, naming the value and the range."""
    low, high = BOUNDS[name]
    if not low <= value <= high:
        raise ProgramError(f"{where}: '{name}' must be from {low} to {high}, not {shown(value)}.")
    return value


def dosage_from_dict(table: Mapping[str, Any], where: str) -> Dosage:
    """Build a checked :class:`Dosage` from a TOML table."""
    read = _Reader(table, where)
    pattern = read.get("pattern", str)
    if pattern not in get_args(Pattern):
        raise ProgramError(
            f"{where}: 'pattern' must be one of {', '.join(get_args(Pattern))}, not {pattern!r}."
        )
    defaults = Dosage(pattern=pattern)
    numbers = {
        name: check_bounds(name, read.get(name, int, getattr(defaults, name)), where)
        for name in BOUNDS
    }
    if "rep_s" in table:
        raise ProgramError(
            f"{where}: 'rep_s' is now 'move_s', the seconds of silence to move after each cue."
        )
    move_s = read.get("move_s", float, defaults.move_s)
    if not 0.5 <= move_s <= 30:
        raise ProgramError(f"{where}: 'move_s' must be from 0.5 to 30 seconds, not {move_s}.")
    cues = tuple(read.get("cues", list, []))
    if not all(isinstance(cue, str) and cue.strip() for cue in cues) or len(cues) > MAX_CUES:
        raise ProgramError(f"{where}: 'cues' must be a list of at most {MAX_CUES} words.")
    for cue in cues:
        check_text(cue, f"{where}: 'cues'")
        if len(cue) > MAX_CUE:
            raise ProgramError(f"{where}: 'cues' must be words of at most {MAX_CUE} characters.")
    if pattern in ("parts", "alternate") and len(cues) < 2:
        raise ProgramError(f"{where}: pattern '{pattern}' needs at least two 'cues'.")
    read.finish()
    return Dosage(pattern=pattern, move_s=move_s, cues=cues, **numbers)


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


def _times_per_day(value: list[Any], origin: str) -> tuple[int, int]:
    """``[3, 5]``: the fewest and most times a day the series is done."""
    ok = (
        len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1] <= 12
    )
    if not ok:
        raise ProgramError(
            f"{origin} [program]: 'times_per_day' must be two whole numbers from 1 to 12, "
            f"fewest first, such as [3, 5]; not {value!r}."
        )
    return value[0], value[1]


MAX_CUES = 6
"""Cues within one repetition: "links, rechts", "bol, hol"; a few at most."""
MAX_CUE = 40

_SLUG = re.compile(r"[^a-z0-9]+")


def safe_slug(text: str) -> str:
    """A file-name stem from any text: lower-case letters, digits and single dashes only.

    Program files come from users; whatever their titles say, the names built from them can
    hold no path separator and no ``..``.
    """
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", folded).strip("-")[:60].strip("-") or "programma"


def program_from_dict(data: Mapping[str, Any], origin: str = "program") -> Program:
    """Build a checked :class:`Program` from parsed TOML."""
    top = _Reader(data, origin)
    head = _Reader(top.get("program", dict), f"{origin} [program]")
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

    exercises = []
    for index, table in enumerate(check_items(top.get("exercises", list), f"{origin} exercises")):
        where = f"{origin} exercise {index + 1}"
        read = _Reader(table, where)
        number = read.get("number", int)
        where = f"{origin} exercise {number}"
        aim = read.get("aim", str)
        if aim not in get_args(Aim):
            raise ProgramError(f"{where}: 'aim' must be one of {', '.join(get_args(Aim))}.")
        title = read.get("title", str)
        dosage = dosage_from_dict(read.get("dosage", dict), f"{where} dosage")
        exercises.append(
            Exercise(
                number=number,
                title=title,
                name=" ".join(read.get("name", str, title).split()),
                aim=aim,
                instruction=" ".join(read.get("instruction", str).split()),
                dosage=dosage,
                position=_position(read.get("position", str, None), where),
            )
        )
        read.finish()
    numbers = [e.number for e in exercises]
    if len(set(numbers)) != len(numbers):
        raise ProgramError(f"{origin}: two exercises share a number.")
    _check_names_distinct(exercises, origin)

    phases: list[Phase] = []
    for index, table in enumerate(check_items(top.get("phases", list), f"{origin} phases")):
        read = _Reader(table, f"{origin} phase {index + 1}")
        phase = Phase(
            number=read.get("number", int),
            title=read.get("title", str),
            exercises=tuple(read.get("exercises", list)),
            fixed=tuple(read.get("fixed", list, [])),
        )
        read.finish()
        if not phase.exercises:
            raise ProgramError(f"{origin}: phase {phase.number} has no exercises.")
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
    top.finish()
    return Program(exercises=tuple(exercises), phases=tuple(phases), **program_fields)
