"""Checking the values of a TOML table one by one: their types, bounds and text.

Program files come from users, and their text ends up in file names, tags, a playlist, a feed
and a page; :class:`TableReader` and the checks here refuse anything that does not belong
there, naming the file, the place and the key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from audiocoach.errors import ProgramError, shown

Place = tuple[str, int]
"""A table of the file: ``("phases", 0)`` is the first ``[[phases]]``, ``("program", 0)`` the
``[program]`` table."""


class FieldError(ProgramError):
    """A bad value of one key of one table; :func:`with_line` adds the line it is on."""

    def __init__(self, message: str, key: str, place: Place) -> None:
        super().__init__(message)
        self.key = key
        self.place = place


def line_of(text: str, place: Place, key: str) -> int | None:
    """The line (from 1) on which ``key`` is given in the table ``place`` of the TOML ``text``;
    ``None`` where it cannot be found by its plain ``key = ...`` form."""
    table, index = place
    count, inside = -1, False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.split("#")[0].strip().strip("[]").strip()
            count += name == table
            inside = name == table and count == index
        elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def with_line(error: FieldError, text: str) -> ProgramError:
    """The error's sentence with the line of its key: "... (line 7)."."""
    line = line_of(text, error.place, error.key)
    if line is None:
        return ProgramError(error.message)
    return ProgramError(f"{error.message.removesuffix('.')} (line {line}).")


class TableReader:
    """Reads typed values out of a TOML table and rejects unknown keys by name.

    Given its ``place`` in the file, a bad value is a :class:`FieldError` that the loader
    turns into a sentence with the line."""

    def __init__(self, table: Mapping[str, Any], where: str, place: Place | None = None) -> None:
        if not isinstance(table, Mapping):
            raise ProgramError(f"{where} must be a table.")
        self.table = table
        self.where = where
        self.place = place
        self.used: set[str] = set()

    def refuse(self, key: str, message: str) -> ProgramError:
        """The error for a bad value of ``key``: with its place when the reader knows it."""
        if self.place is None:
            return ProgramError(message)
        return FieldError(message, key, self.place)

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        """The value of ``key``, of type ``kind`` and checked; without ``default``, required."""
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
            try:
                check_text(value, f"{self.where}: '{key}'", multiline=key in MULTILINE)
            except ProgramError as error:
                raise self.refuse(key, error.message) from None
            if key in NOT_EMPTY and not value.strip():
                raise self.refuse(key, f"{self.where}: '{key}' is empty; give it words.")
        if kind is int:
            low, high = NUMBER_BOUNDS.get(key, (-(10**9), 10**9))
            if not low <= value <= high:
                raise ProgramError(
                    f"{self.where}: '{key}' must be from {low} to {high}, not {shown(value)}."
                )
        return value

    def finish(self) -> None:
        """Refuse any key no :meth:`get` asked for: a misspelt key is an error, not ignored."""
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise ProgramError(f"{self.where} has an unknown key '{unknown[0]}'.")


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text", list: "a list"}

MAX_TEXT = 2000
"""Characters in one text of the program (an instruction is the longest, a few hundred)."""
MAX_ITEMS = 99
"""Exercises, phases, notes and cues: a card has a dozen."""
MULTILINE = frozenset({"instruction", "closing"})
NOT_EMPTY = frozenset({"title", "name", "instruction"})
"""Texts that are said ("Dit is fase één: ."): an empty one is an error, not a pause."""
"""Texts in which line breaks are spaces (they are joined into one line when read)."""
NUMBER_BOUNDS: Mapping[str, tuple[int, int]] = {"number": (1, MAX_ITEMS)}
"""Exercise and phase numbers: names and phrase keys hold them in two digits."""
_NOT_TEXT = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_FORMAT = "Cf"
"""Invisible format characters: a right-to-left override, isolates, a zero-width space, tag
characters. They make a title read otherwise than it is in the playlist, tags and page."""


def check_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Program text goes into file names, tags, a playlist, a feed and a page: refuse
    control characters (a line break in a title adds lines to the playlist), unassigned
    code points and text longer than :data:`MAX_TEXT`."""
    if len(value) > MAX_TEXT:
        raise ProgramError(f"{what} is longer than {MAX_TEXT} characters.")
    for char in value:
        if multiline and char in "\t\n\r":
            continue
        category = unicodedata.category(char)
        if category in _NOT_TEXT:
            raise ProgramError(
                f"{what} holds a control character (U+{ord(char):04X}); use plain text on one line."
            )
        if category == _FORMAT:
            raise ProgramError(
                f"{what} holds an invisible format character (U+{ord(char):04X}); use plain text."
            )
    return value


def check_items(items: list[Any], what: str) -> list[Any]:
    """A list of at most :data:`MAX_ITEMS` entries."""
    if len(items) > MAX_ITEMS:
        raise ProgramError(f"{what} has {len(items)} entries; at most {MAX_ITEMS} are allowed.")
    return items
