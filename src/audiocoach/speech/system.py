"""The system's own voices through pyttsx3: SAPI 5 on Windows, NSSpeechSynthesizer on macOS.

The default voice is the bundled espeak-ng on every platform (:mod:`.espeak`); a practice that
prefers a Dutch voice of its Windows or macOS system names it with ``--voice`` (``audiocoach
voices`` lists them). On Linux pyttsx3's only driver is espeak-ng, the bundled voices already,
so there are no system voices there.

pyttsx3 can only write a voice's speech to a file: each text is written to a WAV in a folder
of its own and read back. SAPI 5 and NSSpeechSynthesizer write it before ``runAndWait``
returns (espeak-ng's driver did not, which is one reason espeak-ng is no longer driven
through pyttsx3). Not run on this project's Linux build machines; see docs/stack.md.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiocoach.errors import SpeechError
from audiocoach.script.dutch import written_forms
from audiocoach.sound import Sound, sound_from_wav
from audiocoach.speech.voice import Voice

if TYPE_CHECKING:
    from audiocoach.speech.espeak import VoiceInfo

HAS_SYSTEM_VOICES = sys.platform.startswith(("win", "darwin"))


@cache
def _engine() -> Any:
    """pyttsx3's engine for the system's driver (one per process)."""
    try:
        import pyttsx3

        with contextlib.redirect_stdout(io.StringIO()):
            return pyttsx3.init()
    except (ImportError, OSError, RuntimeError) as error:
        raise SpeechError(f"The system's speech engine could not start ({error}).") from None


def system_voices() -> list[VoiceInfo]:
    """The system's voices (none on Linux, and none where pyttsx3 cannot start)."""
    from audiocoach.speech.espeak import VoiceInfo

    if not HAS_SYSTEM_VOICES:
        return []
    try:
        listed = _engine().getProperty("voices")
    except SpeechError:
        return []
    found = []
    for v in listed:
        languages = tuple(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (v.languages or [])
        )
        found.append(VoiceInfo(str(v.id), str(v.name), languages))
    return found


class SystemVoice(Voice):
    """One of the system's voices, at a rate; creating it checks that the voice exists."""

    def __init__(self, voice_id: str, rate: int) -> None:
        if voice_id not in {v.id for v in system_voices()}:
            from audiocoach.speech.engines import unknown_voice

            raise SpeechError(unknown_voice(voice_id))
        self.voice_id = voice_id
        self.rate = rate

    @property
    def identity(self) -> str:
        from importlib import metadata

        return f"pyttsx3-{metadata.version('pyttsx3')}:{sys.platform}:{self.voice_id}:{self.rate}"

    def synthesize(self, text: str) -> Sound:
        engine = _engine()
        with tempfile.TemporaryDirectory(prefix="audiocoach-") as folder:
            path = Path(folder) / "clip.wav"
            with contextlib.redirect_stdout(io.StringIO()):
                engine.setProperty("voice", self.voice_id)
                engine.setProperty("rate", self.rate)
                engine.save_to_file(written_forms(text), str(path))  # no espeak phonemes
                engine.runAndWait()
            if not path.is_file() or path.stat().st_size <= 44:
                raise SpeechError(f"The system's voice did not say {text!r}.")
            return sound_from_wav(path.read_bytes())
