"""pyttsx3 with a Dutch voice; on Linux, espeak-ng from the ``espeakng-loader`` wheel.

The wheel ships ``libespeak-ng.so`` and its voice data, so no system package is needed. The
library must be loaded globally and ``ESPEAK_DATA_PATH`` set before pyttsx3 starts its espeak
driver, which looks for ``libespeak-ng.so.1`` by name.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import io
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from audiocoach.audio.samples import Sound, sound_from_wav
from audiocoach.errors import SpeechError
from audiocoach.speech.voice import Voice

DEFAULT_RATE = 150
"""Words per minute: slower than the engine's 200, for someone exercising on a mat."""
DUTCH = "nl"
INSTALL_HINT = (
    "Install a Dutch voice: on Linux 'pip install espeakng-loader' (or the espeak-ng package), "
    "on Windows or macOS a Dutch system voice."
)


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the engine offers."""

    id: str
    name: str
    languages: tuple[str, ...]


@cache
def _engine() -> Any:
    """The one pyttsx3 engine of this process (espeak allows one initialisation per process)."""
    driver = None
    if sys.platform.startswith("linux"):
        _load_bundled_espeak()
        driver = "espeak"
    try:
        import pyttsx3

        with contextlib.redirect_stdout(io.StringIO()):
            engine = pyttsx3.init(driver) if driver else pyttsx3.init()
    except (ImportError, OSError, RuntimeError) as error:
        raise SpeechError(f"The speech engine could not start ({error}). {INSTALL_HINT}") from None
    engine.connect("finished-utterance", _EVENTS.on_finished)
    engine.connect("started-word", _EVENTS.on_word)
    # pyttsx3's finaliser fails noisily when it runs during interpreter shut-down.
    atexit.register(_engine.cache_clear)
    return engine


_WARMED: set[str] = set()
"""Voices that have spoken once in this process."""
TIMEOUT_S = 60
"""Longest wait for one text; espeak-ng needs milliseconds, so this only catches a hang."""
ATTEMPTS = 3


class _UtteranceEvents:
    """What pyttsx3 reports about the text being spoken, from espeak-ng's thread."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.completed = False
        self.last_word = 0

    def reset(self) -> None:
        self.finished.clear()
        self.completed = False
        self.last_word = 0

    def on_word(self, name: object = None, location: int = 0, length: int = 0, **_: object) -> None:
        self.last_word = max(self.last_word, location)

    def on_finished(self, name: object = None, completed: bool = False, **_: object) -> None:
        self.completed = completed
        self.finished.set()


_EVENTS = _UtteranceEvents()


def _spoken_to_the_end(text: str) -> bool:
    """Did espeak-ng start the last word? Its word events count characters from one, and a
    hyphenated word ("es-ie-gewricht") is reported by its first part."""
    last_word_start = text.rstrip(" .,;:!?").rfind(" ") + 2
    return _EVENTS.last_word >= last_word_start


_SETTINGS: dict[int, tuple[str, int]] = {}
"""The voice and rate last given to each engine (by id, so no engine is kept alive): espeak-ng
keeps them from text to text."""


def _save(engine: Any, voice_id: str, rate: int, text: str, path: Path) -> None:
    """Synthesise one text into ``path``: one save and one run per text.

    pyttsx3's espeak driver runs espeak-ng asynchronously: ``runAndWait`` returns once the
    text is queued and the file is written later, on espeak-ng's thread, which then goes on
    to run pyttsx3's queue itself. Reading the file straight away found it missing, or cut
    short with the rest in the next file; and the driver cancels a text queued while espeak-ng
    is busy, even with a rate change. So each text starts and ends with espeak-ng idle, waits for
    pyttsx3's "finished-utterance" notice (with a time-out against hangs), and is tried again
    unless it completed, was written, and its word events reached the last word. What was
    seen, in full: docs/stack.md, "Speech: pyttsx3 and espeak-ng".
    """
    for attempt in range(ATTEMPTS):
        path.unlink(missing_ok=True)
        with contextlib.redirect_stdout(io.StringIO()):
            if attempt or _SETTINGS.get(id(engine)) != (voice_id, rate):
                _SETTINGS.pop(id(engine), None)
                engine.setProperty("voice", voice_id)
                engine.setProperty("rate", rate)
                # espeak-ng queues a rate change like a text: wait for it, or it counts as
                # playing. The wait is some 20 ms, so settings are only sent when they change.
                _wait_until_idle()
                _SETTINGS[id(engine)] = (voice_id, rate)
            _EVENTS.reset()
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            finished = _EVENTS.finished.wait(TIMEOUT_S)
            _wait_until_idle()
        if not finished:
            raise SpeechError(f"The speech engine did not finish {text!r} within {TIMEOUT_S} s.")
        written = path.is_file() and path.stat().st_size > 44
        if _EVENTS.completed and written and _spoken_to_the_end(text):
            return
    raise SpeechError(f"The speech engine could not say {text!r} in {ATTEMPTS} tries.")


def _wait_until_idle() -> None:
    """Return when espeak-ng has nothing queued or playing (a no-op for other drivers).

    The driver cancels the next text if espeak-ng still says it is playing when that text is
    queued, and espeak-ng says so for a moment after ``espeak_Synchronize`` has returned.
    """
    if not sys.platform.startswith("linux"):
        return
    from pyttsx3.drivers import _espeak

    _espeak.Synchronize()
    deadline = time.monotonic() + TIMEOUT_S
    while _espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.002)


def _load_bundled_espeak() -> None:
    """Make the wheel's espeak-ng the one pyttsx3 finds; fall back to a system espeak-ng."""
    try:
        import espeakng_loader
    except ImportError:
        return
    ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    os.environ.setdefault("ESPEAK_DATA_PATH", espeakng_loader.get_data_path())


def _is_dutch(info: VoiceInfo) -> bool:
    return any(lang.lower().startswith(DUTCH) for lang in info.languages) or info.id.endswith("/nl")


def available_voices() -> list[VoiceInfo]:
    """Every voice of the engine."""
    voices = []
    for v in _engine().getProperty("voices"):
        languages = tuple(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (v.languages or [])
        )
        voices.append(VoiceInfo(str(v.id), str(v.name), languages))
    return voices


def dutch_voices() -> list[VoiceInfo]:
    """The engine's Dutch voices, the plain Dutch one first."""
    found = [v for v in available_voices() if _is_dutch(v)]
    return sorted(found, key=lambda v: (not v.id.endswith("/nl"), v.id))


class EspeakVoice(Voice):
    """A pyttsx3 voice. Creating it checks that the voice exists; speaking checks every file."""

    def __init__(self, voice_id: str | None = None, rate: int = DEFAULT_RATE) -> None:
        dutch = dutch_voices()
        if voice_id is None:
            if not dutch:
                raise SpeechError(f"The speech engine has no Dutch voice. {INSTALL_HINT}")
            voice_id = dutch[0].id
        elif voice_id not in {v.id for v in available_voices()}:
            names = ", ".join(v.id for v in dutch) or "none"
            raise SpeechError(f"The voice '{voice_id}' does not exist; Dutch voices here: {names}.")
        self.voice_id = voice_id
        self.rate = rate

    @property
    def identity(self) -> str:
        return (
            f"pyttsx3-{metadata.version('pyttsx3')}:{_espeak_build()}:{self.voice_id}:{self.rate}"
        )

    def synthesize(self, text: str) -> Sound:
        engine = _engine()
        with tempfile.TemporaryDirectory(prefix="audiocoach-") as folder:
            path = Path(folder) / "clip.wav"
            if self.voice_id not in _WARMED:
                # The first text a voice speaks in a process was now and then cut short
                # (about one run in fifteen on a busy machine); a throwaway word first
                # prevents it (tests/test_speech.py).
                _save(engine, self.voice_id, self.rate, "a", path)
                _WARMED.add(self.voice_id)
            _save(engine, self.voice_id, self.rate, text, path)
            return sound_from_wav(path.read_bytes())


def _espeak_build() -> str:
    """Which espeak-ng is speaking: the wheel's version, or the system's."""
    try:
        return f"espeakng-loader-{metadata.version('espeakng-loader')}"
    except metadata.PackageNotFoundError:
        return "system"
