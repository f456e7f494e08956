"""Reading a program or patient file: TOML text from a small regular file, every failure
one sentence that names the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from audiocoach.errors import ProgramError
from audiocoach.files import read_given

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

MAX_FILE_BYTES = 256 * 1024
"""Program and patient files are a few kilobytes; the built-in card is under 10."""


def read_toml(path: Path, *, what: str) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one sentence naming the file (see
    :func:`read_toml_text`)."""
    return read_toml_text(path, what=what)[0]


def read_toml_text(path: Path, *, what: str) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning every failure into one sentence naming the file; also the
    text, where a later check finds the line of a key.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read: a FIFO would wait forever
    and ``/dev/zero`` would never end. A byte-order mark (Windows Notepad writes one) is
    skipped.
    """
    raw = read_given(path, MAX_FILE_BYTES, what, ProgramError)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ProgramError(
            f"The {what} {path} is not UTF-8 text (byte {error.start + 1} cannot be read)."
        ) from None
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
    return data, text


def _with_position(message: str, text: str) -> str:
    """tomllib says "at end of document" where it says no line: name the line and column."""
    if "end of document" not in message:
        return message
    lines = text.split("\n")
    return message.replace(
        "at end of document",
        f"at line {len(lines)}, column {len(lines[-1]) + 1}: the end of the file",
    )
