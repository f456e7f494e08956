"""Sound values shared by every step: the session format, sample conversions, and the clips.

Samples are NumPy arrays from the engine to the encoder: an engine hands over its samples and
their rate (:class:`Sound`), they are conformed to the session format once (a :class:`Clip`),
and a session is rendered into one preallocated buffer. ``speech/`` makes these values and
``audio/`` uses them, so they live here, below both. pydub's ``a += b`` copies the whole
recording on every append, quadratic in the session's length, so pydub is kept for what it
shapes well (the cue tones, see ``audio/tones.py``), not as the container between steps.
"""

from __future__ import annotations

import io
import math
import wave
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 22_050
"""Hz. espeak-ng's own rate; plenty for speech, and half the data of 44.1 kHz."""
CHANNELS = 1

Samples = npt.NDArray[np.int16]

SILENCE_THRESHOLD = 0.01
"""Fraction of full scale below which a clip's edges count as silence."""


Floats = npt.NDArray[np.float64]
AnyFloats = TypeVar("AnyFloats", npt.NDArray[np.float32], npt.NDArray[np.float64])
"""Samples as float32 or float64: the loudness and limiter code works in the precision it is
given."""
FULL_SCALE = 32768.0
"""The int16 value of 0 dBFS: the meter and the limiter work in floats at full scale one."""

PAD_S = 0.05
"""Silence put around a sound before resampling, so its edges resample cleanly."""


@dataclass(frozen=True, eq=False)
class Sound:
    """What a speech engine said: mono 16-bit samples at their own rate."""

    samples: Samples
    rate: int


def sound_from_wav(data: bytes) -> Sound:
    """The samples of a PCM WAV file, as engines write them (8, 16 or 32 bit, any channels)."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width == 2 and channels == 1:  # what espeak-ng and Piper write: no float copies
        return Sound(np.frombuffer(raw, dtype="<i2").astype(np.int16), rate)
    if width == 1:
        floats = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128) / 128
    elif width in (2, 4):
        dtype = np.dtype(f"<i{width}")
        floats = np.frombuffer(raw, dtype=dtype).astype(np.float64) / (2 ** (8 * width - 1))
    else:
        raise ValueError(f"{8 * width}-bit WAV is not supported")
    if channels > 1:
        floats = floats[: len(floats) // channels * channels].reshape(-1, channels).mean(axis=1)
    return Sound(to_int16(floats), rate)


def conform(sound: Sound) -> Samples:
    """The sound's samples at the session rate."""
    if sound.rate == SAMPLE_RATE:
        return sound.samples
    return to_int16(resample(sound.samples / 32768.0, sound.rate))


def resample(samples: Floats, rate_in: int, rate_out: int = SAMPLE_RATE) -> Floats:
    """Band-limited resampling through the spectrum (as ``scipy.signal.resample`` does).

    Phrases are seconds long, so one FFT per phrase is cheap, and numpy is all it needs. The
    padding keeps the transform's wrap-around in silence, and is cut off again.
    """
    if rate_in == rate_out:
        return samples
    pad = np.zeros(round(PAD_S * rate_in))
    padded = np.concatenate([pad, samples, pad])
    n_out = max(1, round(len(padded) * rate_out / rate_in))
    spectrum = np.fft.rfft(padded)
    keep = n_out // 2 + 1
    spectrum = (
        spectrum[:keep] if keep <= len(spectrum) else np.pad(spectrum, (0, keep - len(spectrum)))
    )
    out = np.fft.irfft(spectrum, n_out) * (n_out / len(padded))
    cut = round(len(pad) * rate_out / rate_in)
    length = round(len(samples) * rate_out / rate_in)
    return np.asarray(out[cut : cut + length], dtype=np.float64)


def to_int16(samples: Floats) -> Samples:
    """Floats in [-1, 1] as 16-bit samples, clipped."""
    return np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)


def trim_silence(samples: Samples) -> Samples:
    """Cut leading and trailing near-silence, so a count starts on its beat."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD * 32767)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def ms_for(frames: int) -> int:
    """Milliseconds a clip of ``frames`` samples occupies, rounded up so clips never overlap."""
    return math.ceil(frames * 1000 / SAMPLE_RATE)


def frame_at(ms: int) -> int:
    """The sample index where a timeline position in milliseconds starts."""
    return ms * SAMPLE_RATE // 1000


@dataclass(frozen=True, eq=False)
class Clip:
    """One spoken text in the session format, its silent edges trimmed."""

    text: str
    samples: Samples

    @property
    def ms(self) -> int:
        return ms_for(len(self.samples))
