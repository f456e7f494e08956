"""True peaks and the limiter's gain: what keeps a clip under a ceiling without clicks.

True peak is the largest magnitude of the 4x oversampled signal (BS.1770 annex 2), which
can lie between two samples. The limiter works from a clip's peaks per :data:`PEAK_BLOCK`
samples and lowers the gain smoothly around each one that would cross the ceiling.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from audiocoach.sound import FULL_SCALE, SAMPLE_RATE, AnyFloats, Floats, Samples

OVERSAMPLING = 4
"""True peak by 4x oversampling, as BS.1770 annex 2 describes."""
LIMITER_MS = 5
"""Half the limiter's window: how early the gain starts to fall before a peak and how long it
takes to come back. Short enough to follow syllables, long enough not to distort them."""
PEAK_BLOCK = 8
"""Samples per true-peak value the limiter works from (the largest of the eight): 0.36 ms,
far finer than its 5 ms window, and an eighth of the memory and work of one per sample."""
LEVEL_BLOCK = 1 << 16
"""Samples of a clip oversampled at once: a long clip's floats would otherwise take megabytes."""
_LEVEL_MARGIN = 64
"""Samples either side of a block that its oversampled peaks depend on (the interpolator's
half length, rounded up)."""
Peaks = npt.NDArray[np.float16]
"""A clip's true peaks, one per :data:`PEAK_BLOCK` samples (:func:`block_peaks`)."""


def _interpolator(taps_per_phase: int = 16) -> Floats:
    """A 4x interpolation filter: a Kaiser-windowed sinc, sixteen taps per phase (BS.1770
    annex 2 uses twelve; more follow speech up to the top of its band more closely), plus
    one, so it is symmetric and stays aligned with the samples."""
    n = np.arange(OVERSAMPLING * taps_per_phase + 1) - OVERSAMPLING * taps_per_phase / 2
    taps: Floats = np.sinc(n / OVERSAMPLING) * np.kaiser(len(n), 5.0)
    for phase in range(OVERSAMPLING):
        taps[phase::OVERSAMPLING] /= taps[phase::OVERSAMPLING].sum()
    return taps


_INTERPOLATOR = _interpolator()


def peak_per_sample(x: AnyFloats) -> AnyFloats:
    """For each sample, the largest magnitude of the 4x oversampled signal at or just after it,
    in ``x``'s precision.

    Polyphase: each of the four interpolated positions between two samples is the signal
    convolved with every fourth tap, at the signal's own rate. The first position is the
    sample itself (the sinc is zero at every other whole sample), so it needs no convolving.
    """
    centre = (len(_INTERPOLATOR) - 1) // 2
    peaks: AnyFloats = np.abs(x)
    for position in range(1, OVERSAMPLING):
        shift, phase = divmod(position + centre, OVERSAMPLING)
        taps = _INTERPOLATOR[phase::OVERSAMPLING].astype(x.dtype)
        values = np.convolve(x, taps)[shift : shift + len(x)]
        np.maximum(peaks, np.abs(values), out=peaks)
    return peaks


def _blocks(length: int) -> Iterator[tuple[int, int, int]]:
    """(start, lo, hi): each block of ``length`` samples, and the span with its margins."""
    for start in range(0, length, LEVEL_BLOCK):
        yield (
            start,
            max(start - _LEVEL_MARGIN, 0),
            min(start + LEVEL_BLOCK + _LEVEL_MARGIN, length),
        )


def block_peaks(samples: Samples) -> Peaks:
    """The clip's true peak at unity gain, one value per :data:`PEAK_BLOCK` samples.

    Kept as float16, rounded up: at most 0.01 dB too high, which only makes the limiter
    that much more careful; the ceiling is never crossed. Worked out a block at a time,
    so a long clip needs little memory."""
    maxima = np.empty(-(-len(samples) // PEAK_BLOCK), dtype=np.float16)
    for start, lo, hi in _blocks(len(samples)):
        x = samples[lo:hi] / FULL_SCALE  # float64: numpy convolves it fastest
        peaks = peak_per_sample(x)[start - lo :][: min(LEVEL_BLOCK, len(samples) - start)]
        padded = np.zeros(-(-len(peaks) // PEAK_BLOCK) * PEAK_BLOCK)
        padded[: len(peaks)] = peaks
        block = padded.reshape(-1, PEAK_BLOCK).max(axis=1)
        half = block.astype(np.float16)
        low = half < block
        half[low] = np.nextafter(half[low], np.float16(np.inf))
        maxima[start // PEAK_BLOCK : start // PEAK_BLOCK + len(half)] = half
    return maxima


def running_min(x: AnyFloats, width: int) -> AnyFloats:
    """Minimum over a centred window of odd ``width``, edges extended (van Herk/Gil-Werman)."""
    half = width // 2
    padded = np.pad(x, half, mode="edge")
    blocks = -(-len(padded) // width)
    flat = np.full(blocks * width, np.inf, dtype=x.dtype)
    flat[: len(padded)] = padded
    table = flat.reshape(blocks, width)
    prefix = np.minimum.accumulate(table, axis=1).ravel()
    suffix = np.minimum.accumulate(table[:, ::-1], axis=1)[:, ::-1].ravel()
    minima: AnyFloats = np.minimum(suffix[: len(x)], prefix[width - 1 : width - 1 + len(x)])
    return minima


def running_mean(x: AnyFloats, width: int) -> AnyFloats:
    """Mean over a centred window of odd ``width``, edges extended, in ``x``'s precision (the
    running sum itself is float64: in float32 it would lose the window's fine detail)."""
    sums = np.zeros(len(x) + 2 * (width // 2) + 1)
    np.cumsum(np.pad(x, width // 2, mode="edge"), out=sums[1:])
    means: AnyFloats = ((sums[width : width + len(x)] - sums[: len(x)]) / width).astype(x.dtype)
    return means


def limiter_gain(peaks: AnyFloats, ceiling: float, rate: float = SAMPLE_RATE) -> AnyFloats:
    """Gain per value that keeps values with these true peaks at or below ``ceiling``; the
    peaks come ``rate`` to the second (per sample, or per block of samples).

    The gain each value needs is taken as the minimum over a window and then averaged over a
    slightly narrower window: the average of minima that all include a value and both its
    neighbours is never above what any of the three needs, so no peak escapes, not even
    between two values (where :func:`per_sample` interpolates), and the gain moves smoothly
    instead of stepping, which would click. Works in the precision of ``peaks``.
    """
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(peaks.dtype)
    width = 2 * round(LIMITER_MS * rate / 1000) + 1
    gain = running_mean(running_min(need, width + 2), width)
    smooth: AnyFloats = np.minimum(gain, need)
    return smooth


_OFFSETS = (np.arange(PEAK_BLOCK, dtype=np.float32) - (PEAK_BLOCK - 1) / 2) / PEAK_BLOCK
"""Where each sample of a block lies from the block's centre, in blocks (-0.44 to 0.44)."""


def per_sample(per_block: npt.NDArray[np.float32], length: int) -> npt.NDArray[np.float32]:
    """A gain given per :data:`PEAK_BLOCK` samples, for each of ``length`` samples: linear
    from each block's centre to the next, flat beyond the first and last centres."""
    padded = np.concatenate((per_block[:1], per_block, per_block[-1:]))
    centre = padded[1:-1, None]
    gains = np.where(_OFFSETS < 0, centre - padded[:-2, None], padded[2:, None] - centre)
    gains *= _OFFSETS
    gains += centre
    return gains.ravel()[:length].astype(np.float32, copy=False)
