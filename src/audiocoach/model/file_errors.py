"""Every error a program or patient file causes names the file, and where it can its line:
one wrapper, :func:`naming`, around everything that reads and checks such a file.

The checks word their sentences as they always have ("exercise 7 dosage: 'reps' must be
...", "Exercise 9 has its own dosage but ..."); the wrapper puts the file in front and finds
the line from what the sentence names: a table (``[exercises.9]``), an exercise or phase by
number, a key in quotes. A sentence that already gives a line (TOML syntax errors, or a check
that knows its line) keeps it. An error that passed one wrapper is not named again by an
outer one, so a program file named in a patient file is the file that is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from audiocoach.errors import AudiocoachError
from audiocoach.files import read_regular

_HAS_LINE = re.compile(r"\bline \d+")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?")
_KEY = re.compile(r"(?:^|[{,])\s*([A-Za-z0-9_-]+)\s*=")
_NUMBER = re.compile(r"(?:^|[{,])\s*number\s*=\s*([0-9]+)")
_MAX_BYTES = 256 * 1024


@contextmanager
def naming(path: Path, what: str, *, alone: bool = True) -> Iterator[None]:
    """Errors raised inside name ``path`` (``what``: "program file", "patient file").

    ``alone=False``: the error comes of the file together with the command line's options
    (a ``--set`` for an exercise the file's selection leaves out), so no line of the file is
    at fault; the sentence says "With the patient file ...", so a batch still says whose."""
    try:
        yield
    except AudiocoachError as error:
        if error.file is not None:
            raise
        raise named(error, path, what, alone=alone) from None


def named(error: AudiocoachError, path: Path, what: str, *, alone: bool = True) -> AudiocoachError:
    """``error`` as a sentence that starts with the file (and its line, where known)."""
    message = str(error)
    if not alone or message.startswith("--"):
        return _marked(type(error)(f"With the {what} {path}: {message}"), path)
    line = None if _HAS_LINE.search(message) else line_of(_text(path), message)
    where = f"The {what} {path}" + (f", line {line}" if line else "")
    for prefix in (f"The {what} {path}", str(path), path.name):
        if message.startswith(prefix):
            rest = message[len(prefix) :]
            said = f"{where},{rest}" if line and rest.startswith(" ") else f"{where}{rest}"
            break
    else:
        said = f"{where}: {message}"
    return _marked(type(error)(said), path)


def _marked(error: AudiocoachError, path: Path) -> AudiocoachError:
    error.file = path
    return error


def _text(path: Path) -> str:
    try:
        return read_regular(path, _MAX_BYTES).decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return ""


@dataclass(frozen=True)
class _Hints:
    """What a sentence names: a table, an exercise or phase by number, a key."""

    table: str | None
    exercise: int | None
    phase: int | None
    key: str | None

    @classmethod
    def of(cls, message: str) -> _Hints:
        table = re.search(r"\[([A-Za-z_]+(?:\.[0-9A-Za-z_]+)*)\]", message)
        exercise = re.search(r"\b[Ee]xercise (\d+)", message)
        phase = re.search(r"\b[Pp]hase (\d+)", message)
        if exercise and phase:  # "phase 1 names exercise 7": the first named is the place
            first_phase = phase.start() < exercise.start()
            exercise, phase = (None, phase) if first_phase else (exercise, None)
        key = re.search(r"'([A-Za-z0-9_-]+)'", message)
        return cls(
            table=table[1] if table else None,
            exercise=int(exercise[1]) if exercise else None,
            phase=int(phase[1]) if phase else None,
            key=key[1] if key else None,
        )


def line_of(text: str, message: str) -> int | None:
    """The line of ``text`` (TOML) that ``message`` is about, if it can be told."""
    hints = _Hints.of(message)
    top_level = rf"^\s*{re.escape(hints.key or '=')}\s*="
    first_table = re.search(r"^\s*\[", text, re.MULTILINE)
    head = text[: first_table.start()] if first_table else text
    if hints.table is None and re.search(top_level, head, re.MULTILINE):
        hints = _Hints(None, None, None, hints.key)
    table_of_its_own = rf"^\s*\[exercises\.{hints.exercise}\]"
    if hints.table is None and re.search(table_of_its_own, text, re.MULTILINE):
        hints = _Hints(f"exercises.{hints.exercise}", None, None, hints.key)
    array, number = (
        ("exercises", hints.exercise) if hints.exercise is not None else ("phases", hints.phase)
    )
    section, element, header, first = "", None, None, None
    for count, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        found = _HEADER.match(line)
        if found:
            section = found[1]
            element = None if line.lstrip().startswith("[[") else element
            header = count if section == hints.table else header
            continue
        numbered = _NUMBER.search(line)
        if numbered and section == array:
            element = int(numbered[1])
        keys = set(_KEY.findall(line))
        if hints.table is not None:
            here = section == hints.table
        elif number is not None:
            here = section.split(".")[0] == array and element == number
            if here and numbered:
                first = first or count
        else:
            here = section == ""
        if here and hints.key in keys:
            return count
    return header if hints.table is not None else first
