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
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from audiocoach.errors import SpeechError

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
    engine.connect("finished-utterance", _on_finished)
    # pyttsx3's finaliser fails noisily when it runs during interpreter shut-down.
    atexit.register(_engine.cache_clear)
    return engine


_WARMED: set[str] = set()
"""Voices that have spoken once in this process."""
_FINISHED = threading.Event()
"""Set by pyttsx3 when the current text is done, or was cancelled."""
_COMPLETED: list[bool] = [False]
TIMEOUT_S = 60
"""Longest wait for one text; espeak-ng needs milliseconds, so this only catches a hang."""
ATTEMPTS = 3


def _on_finished(name: object = None, completed: bool = False, **_: object) -> None:
    _COMPLETED[0] = completed
    _FINISHED.set()


def _save(engine: Any, text: str, path: Path) -> None:
    """Synthesise one text into ``path``: one save and one run per text (see known-facts).

    pyttsx3's espeak driver runs espeak-ng asynchronously: ``runAndWait`` returns once the
    text is queued and the file is written later, on espeak-ng's thread. Reading it straight
    away found it missing, or cut short with the rest in the next file. And when espeak-ng was
    still winding down the previous text, the driver cancelled the new one. So: wait until
    espeak-ng is idle, then wait for pyttsx3's "finished-utterance" notice (with a time-out
    against hangs), and try again if the text was cancelled.
    """
    for _attempt in range(ATTEMPTS):
        _wait_until_idle()
        path.unlink(missing_ok=True)
        _FINISHED.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            if not _FINISHED.wait(TIMEOUT_S):
                raise SpeechError(
                    f"The speech engine did not finish {text!r} within {TIMEOUT_S} s."
                )
        if _COMPLETED[0] and path.is_file() and path.stat().st_size > 44:
            return
    raise SpeechError(f"The speech engine wrote no audio for {text!r}.")


def _wait_until_idle() -> None:
    """Return when espeak-ng has nothing queued or playing (a no-op for other drivers)."""
    if sys.platform.startswith("linux"):
        from pyttsx3.drivers import _espeak

        _espeak.Synchronize()


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


class EspeakVoice:
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

    def synthesize(self, text: str) -> AudioSegment:
        engine = _engine()
        engine.setProperty("voice", self.voice_id)
        engine.setProperty("rate", self.rate)
        with tempfile.TemporaryDirectory(prefix="audiocoach-") as folder:
            path = Path(folder) / "clip.wav"
            if self.voice_id not in _WARMED:
                # The first text a voice speaks in a process was now and then cut short
                # (about one run in fifteen on a busy machine); a throwaway word first
                # prevents it (tests/test_speech.py).
                _save(engine, "a", path)
                _WARMED.add(self.voice_id)
            _save(engine, text, path)
            with path.open("rb") as handle:  # pydub leaves a file it opens by name unclosed
                return AudioSegment.from_wav(handle)


def _espeak_build() -> str:
    """Which espeak-ng is speaking: the wheel's version, or the system's."""
    try:
        return f"espeakng-loader-{metadata.version('espeakng-loader')}"
    except metadata.PackageNotFoundError:
        return "system"
