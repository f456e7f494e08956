"""Speech: one small interface, so any engine can speak a session.

An engine is anything with an ``identity`` and a ``synthesize`` method (:class:`Voice`) that
hands over its samples and their rate (:class:`~audiocoach.audio.samples.Sound`). The rest of
audiocoach sees only :class:`Clip` values made by :func:`clip_of`, so the timeline and the
mixer never learn which engine spoke.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from audiocoach.audio.samples import Samples, Sound, conform, ms_for, trim_silence
from audiocoach.errors import SpeechError


@runtime_checkable
class Voice(Protocol):
    """A speech engine with one voice and speaking rate chosen."""

    @property
    def identity(self) -> str:
        """Everything besides the text that changes the sound: engine, version, voice, rate.

        Two voices with the same identity must say the same text the same way; the speech
        cache relies on it.
        """
        ...

    def synthesize(self, text: str) -> Sound:
        """Say ``text``: mono samples at the engine's own rate; the caller conforms them."""
        ...


@dataclass(frozen=True, eq=False)
class Clip:
    """One spoken text in the session format, its silent edges trimmed."""

    text: str
    samples: Samples

    @property
    def ms(self) -> int:
        return ms_for(len(self.samples))


def clip_key(voice: Voice, text: str) -> str:
    """A stable key for one text in one voice: the speech cache's file name."""
    return hashlib.sha256(f"{voice.identity}\n{text}".encode()).hexdigest()


def clip_of(text: str, sound: Sound) -> Clip:
    """Conform and trim an engine's output; an engine that said nothing is an error."""
    samples = trim_silence(conform(sound))
    if samples.size == 0:
        raise SpeechError(f"The speech engine produced no sound for {text!r}.")
    return Clip(text, samples.copy())
