"""The default voice on every platform: the bundled espeak-ng's Dutch, driven directly.

The ``espeakng-loader`` wheel ships libespeak-ng and its voice data for Linux, Windows and
macOS, so a practice's Windows PC says the same words with the same sound as Linux. The library
runs in a speaker process of its own (:mod:`.speaker`), synchronously, each text from a fresh
state, and hands over the samples in memory: no temporary file, no queue to poll, no thread of
the engine's in the process that builds. The system's own voices (Windows, macOS) are reached
through pyttsx3 (:mod:`.system`); ``audiocoach voices`` lists both.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata

import numpy as np

from audiocoach.errors import SpeechError
from audiocoach.sound import Sound
from audiocoach.speech.speaker_client import Speaker, SpeakerError, list_voices
from audiocoach.speech.voice import Voice

DEFAULT_RATE = 150
"""Words per minute: slower than the engine's 200, for someone exercising on a mat."""
DEFAULT_VOICE = "gmw/nl"
"""The bundled espeak-ng's Dutch voice."""
INSTALL_HINT = (
    "Install the Dutch voice with 'pip install espeakng-loader' (or the espeak-ng package)."
)
SPEECH_PATH = "fresh-state-1"
"""Part of the identity: how the library is driven. Clips made another way (pyttsx3, before
version 0.2) are not reused: raise it when the way of driving changes the samples."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the engine offers."""

    id: str
    name: str
    languages: tuple[str, ...]


@cache
def bundled_voices() -> tuple[VoiceInfo, ...]:
    """Every voice of the bundled espeak-ng (asked once of a speaker that loads none)."""
    try:
        listed = list_voices()
    except SpeakerError as error:
        raise SpeechError(f"The speech engine could not start ({error}). {INSTALL_HINT}") from None
    return tuple(VoiceInfo(v["id"], v["name"], tuple(v["languages"])) for v in listed)


def _build() -> str:
    """Which espeak-ng speaks, library and data: the wheel's version, or the system's library."""
    try:
        return f"espeakng-loader-{metadata.version('espeakng-loader')}"
    except metadata.PackageNotFoundError:
        import ctypes.util

        return f"system-{ctypes.util.find_library('espeak-ng')}"


def _unknown(voice_id: str) -> SpeechError:
    """A voice id the library does not have, said as for every engine (:mod:`.engines`)."""
    from audiocoach.speech.engines import unknown_voice

    return SpeechError(unknown_voice(voice_id))


class EspeakVoice(Voice):
    """The bundled espeak-ng in one voice and rate. A voice named is checked against the
    library's list when the voice is made; the speaker process starts with the first text, so
    a build that speaks nothing (nothing changed) starts none."""

    def __init__(self, voice_id: str | None = None, rate: int = DEFAULT_RATE) -> None:
        if voice_id is not None and all(v.id != voice_id for v in bundled_voices()):
            raise _unknown(voice_id)
        self.voice_id = voice_id or DEFAULT_VOICE
        self.rate = rate
        self._speaker: Speaker | None = None

    @property
    def identity(self) -> str:
        return f"espeak-ng:{_build()}:{SPEECH_PATH}:{self.voice_id}:{self.rate}"

    def _speaking(self) -> Speaker:
        if self._speaker is None:
            try:
                speaker = _speaker(self.voice_id, self.rate)
            except SpeakerError as error:
                raise SpeechError(
                    f"The speech engine could not start ({error}). {INSTALL_HINT}"
                ) from None
            if speaker is None:
                raise _unknown(self.voice_id)
            self._speaker = speaker
        return self._speaker

    def rest(self) -> None:
        """End the speaker process now rather than when it idles out (the next text starts
        another in some 70 ms)."""
        if self._speaker is not None:
            self._speaker.rest()

    def synthesize(self, text: str) -> Sound:
        """``text`` as espeak-ng says it, ``[[...]]`` read as phonemes (the lexicon's)."""
        speaker = self._speaking()
        try:
            samples = speaker.say(text)
        except SpeakerError as error:
            raise SpeechError(f"The speech engine could not say {text!r}: {error}.") from None
        return Sound(np.frombuffer(samples, dtype="<i2").astype(np.int16), speaker.info.rate)


@cache
def _speaker(voice_id: str, rate: int) -> Speaker | None:
    """One speaker process per voice and rate, shared by every voice object made with them;
    ``None`` for a voice the library does not have (espeak-ng itself would take any name)."""
    speaker = Speaker(voice_id, rate)
    if voice_id not in {v["id"] for v in speaker.info.voices}:
        speaker.close()
        return None
    return speaker


def is_bundled(voice_id: str | None) -> bool:
    """Whether ``--voice`` names the bundled espeak-ng (or nothing: the default)."""
    if voice_id is None or not sys.platform.startswith(("win", "darwin")):
        return True
    return any(v.id == voice_id for v in bundled_voices())
