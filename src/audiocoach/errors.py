"""The errors audiocoach raises on purpose.

Every error a user can cause derives from :class:`AudiocoachError` and carries one plain
sentence meant for the person at the keyboard. The CLI prints that sentence and exits with
status 2; anything else reaching the CLI is a bug and keeps its traceback.
"""

from __future__ import annotations


class AudiocoachError(Exception):
    """Base of every expected failure; ``str(error)`` is the user-facing sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProgramError(AudiocoachError):
    """The program file (the card as data) is missing, malformed or inconsistent."""


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
