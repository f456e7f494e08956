"""Piper, a neural voice, when the practice has installed ``piper-tts`` and downloaded a voice.

Piper is optional: it is GPL-3.0 and large, so audiocoach does not depend on it. A voice is a
model file (``nl_BE-nathalie-medium.onnx``) with its settings beside it (``….onnx.json``);
``--voice`` names the model file. Anything missing is one plain sentence, never a traceback.
"""

from __future__ import annotations

import io
import wave
from importlib import metadata
from pathlib import Path
from typing import Any

from audiocoach.errors import SpeechError
from audiocoach.script.dutch import written_forms
from audiocoach.sound import Sound, sound_from_wav
from audiocoach.speech.voice import Voice

MODEL_SUFFIX = ".onnx"
NATURAL_RATE = 160
"""Words per minute Piper's voices speak at with ``length_scale`` 1 (about; voices differ)."""
INSTALL_HINT = "Install it with 'pip install piper-tts' (GPL-3.0); see the README."


def is_piper_model(voice: str) -> bool:
    """Whether ``--voice`` names a Piper model file rather than an engine voice id."""
    return voice.lower().endswith(MODEL_SUFFIX)


def config_path(model: Path) -> Path:
    """Where Piper keeps a voice's settings: beside the model, ``.onnx.json``."""
    return model.with_name(model.name + ".json")


class PiperVoice(Voice):
    """One Piper voice model, loaded once and used for every phrase."""

    def __init__(self, model: Path, rate: int) -> None:
        if not model.is_file():
            raise SpeechError(f"The Piper voice {model} does not exist.")
        config = config_path(model)
        if not config.is_file():
            raise SpeechError(
                f"The Piper voice {model} needs its settings file {config.name} beside it "
                "(it is downloaded with the voice)."
            )
        try:
            from piper import PiperVoice as Loaded
            from piper import SynthesisConfig
        except ImportError:
            raise SpeechError(
                f"The voice {model.name} is a Piper voice, but piper-tts is not installed. "
                f"{INSTALL_HINT}"
            ) from None
        try:
            self._voice: Any = Loaded.load(model, config_path=config)
        except Exception as error:  # onnxruntime and json raise many kinds
            reason = str(error).rstrip(". ")
            raise SpeechError(f"The Piper voice {model} cannot be loaded: {reason}.") from None
        self._config: Any = SynthesisConfig(length_scale=NATURAL_RATE / rate)
        self.model = model
        self.rate = rate
        self._model_stamp = f"{model.name}-{model.stat().st_size}-{config.stat().st_size}"

    @property
    def identity(self) -> str:
        return f"piper-{metadata.version('piper-tts')}:{self._model_stamp}:{self.rate}"

    def synthesize(self, text: str) -> Sound:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            # The lexicon's phoneme input is espeak-ng's; Piper reads the written word.
            self._voice.synthesize_wav(written_forms(text), wav, syn_config=self._config)
        return sound_from_wav(buffer.getvalue())
