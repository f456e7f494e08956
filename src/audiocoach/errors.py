"""The errors audiocoach raises on purpose.

Every error a user can cause derives from :class:`AudiocoachError` and carries one plain
sentence meant for the person at the keyboard. The CLI prints that sentence and exits with
status 2; anything else reaching the CLI is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_DIGITS = 9
"""No number anyone means has more digits; Python refuses to read some 4,300 and more."""


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)`` for a message, cut short: a value can be thousands of characters long."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_DIGITS:
        return f"a number of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


class AudiocoachError(Exception):
    """Base of every expected failure; ``str(error)`` is the user-facing sentence."""

    file: Path | None = None
    """The program or patient file the sentence names, once it does (see
    :mod:`audiocoach.model.file_errors`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProgramError(AudiocoachError):
    """The program file (the card as data) is missing, malformed or inconsistent."""


class CardError(AudiocoachError):
    """A card's text (``audiocoach import``) cannot be read or is not in the cards' layout."""


class DosageError(AudiocoachError):
    """A dosage value or exercise selection is out of bounds or unknown."""


class PatientError(AudiocoachError):
    """A patient file is missing, malformed, or holds an unknown key or a bad value."""


class ScriptError(AudiocoachError):
    """A template in ``scripts_nl`` failed to render, or rendered text that is not speakable."""


class SpeechError(AudiocoachError):
    """The speech engine is missing, has no Dutch voice, or produced no audio."""


class OutputError(AudiocoachError):
    """The output folder cannot be created or written."""


class UrlError(AudiocoachError):
    """A web address given on the command line is not one."""


class Interrupted(KeyboardInterrupt):
    """A stop (Ctrl-C) that says what the output folder holds now: the whole earlier bundle
    or the whole new one. ``str(stop)`` is the user-facing sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
