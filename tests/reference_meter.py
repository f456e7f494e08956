"""The plain way to measure loudness, for tests to hold the quick way against.

The package measures a session from its distinct clips without rendering it
(:func:`audiocoach.audio.meter.loudness_of`). This meter filters every sample of a
rendered signal, chunk by chunk, as the straightforward reading of BS.1770 would; it is
itself held against pyloudnorm in test_loudness.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from audiocoach.audio.meter import fft_filter, gated_loudness, k_impulse
from audiocoach.sound import FULL_SCALE, SAMPLE_RATE, Floats, Samples


class LoudnessMeter:
    """Integrated loudness (BS.1770-4, mono) of a signal fed in consecutive chunks.

    Memory is one chunk plus one number per 100 ms of signal: a rendered phase is too long
    to filter at once.
    """

    def __init__(self, rate: int = SAMPLE_RATE) -> None:
        if rate % 10:
            raise ValueError("the rate must be a whole number of samples per 100 ms")
        self.hop = rate // 10
        self.response = k_impulse(rate)
        self.history = np.zeros(len(self.response) - 1)
        self.pending = np.zeros(0)
        self.hop_energy: list[float] = []

    def add(self, chunk: Samples | Floats) -> None:
        """Feed the next stretch of samples (int16, or floats at full scale one)."""
        x = chunk.astype(np.float64)
        if chunk.dtype == np.int16:
            x /= FULL_SCALE
        with_history = np.concatenate((self.history, x))
        filtered = fft_filter(with_history, self.response)[len(self.history) :]
        self.history = with_history[len(with_history) - len(self.history) :]
        filtered = np.concatenate((self.pending, filtered))
        whole = len(filtered) // self.hop * self.hop
        squares = np.square(filtered[:whole]).reshape(-1, self.hop).sum(axis=1)
        self.hop_energy.extend(squares.tolist())
        self.pending = filtered[whole:]

    def integrated(self) -> float:
        """Gated loudness in LUFS of everything fed so far; ``-inf`` for silence."""
        return gated_loudness(np.asarray(self.hop_energy), self.hop)


def integrated_loudness(chunks: Iterable[Samples | Floats], rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS of consecutive chunks of one signal."""
    meter = LoudnessMeter(rate)
    for chunk in chunks:
        meter.add(chunk)
    return meter.integrated()


def dbtp(peak: float) -> float:
    """A true peak (full scale one) as dBTP."""
    return 20 * math.log10(peak) if peak > 0 else float("-inf")
