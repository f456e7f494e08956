"""Even loudness: every phase at -16 LUFS integrated, true peak at or below -1 dBTP (BS.1770).

A plain espeak-ng session measures about -23 LUFS: too quiet on a phone next to other audio,
and a different voice would be louder or quieter again. So each session is measured and one
gain is applied to its clips, with a true-peak limiter where the gain would push a clip past
the ceiling.

Memory decides the shape. A whole phase as float64 is hundreds of megabytes, so nothing here
holds one: the meter is fed the session chunk by chunk (the K-weighting filters carry their
state from one chunk to the next, the gating works on 100 ms hop energies), and the gain and
the limiter work on the distinct clips, which are small. Silences are never touched: they stay
exact digital silence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache, partial
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from audiocoach.audio.samples import SAMPLE_RATE, Samples, frame_at
from audiocoach.audio.timeline import Timeline
from audiocoach.speech import Clip

Floats = npt.NDArray[np.float64]
AnyFloats = TypeVar("AnyFloats", npt.NDArray[np.float32], npt.NDArray[np.float64])
"""Samples as float32 or float64: the limiter works in the precision it is given."""

TARGET_LUFS = -16.0
"""Integrated loudness of every session: the usual target for spoken audio on phones."""
CEILING_DBTP = -1.0
"""Highest true peak a session may have."""
LIMIT_DBTP = -2.0
"""Where the limiter sets the clips' true peak: a decibel below the ceiling leaves room for
the MP3 encoder, whose output overshoots its input's peaks a little."""
TOLERANCE_LU = 0.2
"""How close a session must come to the target before the gain is left alone."""
MAX_PASSES = 4
"""Most gains tried per session; two or three reach the tolerance with espeak-ng's voice."""
ENCODER_GAIN_DB = 20 * math.log10(0.95)
"""LAME (as lameenc runs it) scales its input by 0.95, -0.45 dB in every band, measured on
the decoded files; the samples are made that much louder so the MP3 lands on the target."""

Peaks = npt.NDArray[np.float16]
"""A clip's true peaks, one per :data:`PEAK_BLOCK` samples (:meth:`Leveller.peaks`)."""

FULL_SCALE = 32768.0
"""The int16 value of 0 dBFS."""
OVERSAMPLING = 4
"""True peak by 4x oversampling, as BS.1770 annex 2 describes."""
LIMITER_MS = 5
"""Half the limiter's window: how early the gain starts to fall before a peak and how long it
takes to come back. Short enough to follow syllables, long enough not to distort them."""

SETTLE_FRAMES = SAMPLE_RATE // 5
"""Silence filtered after a sound before the filters count as settled: 200 ms, where the
38 Hz high pass, the slowest of the two, has decayed by a factor of about e^-48."""
ISLAND_BATCH = SAMPLE_RATE * 10
"""Samples of islands filtered at once: ten seconds, a few megabytes of floats."""
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_HOPS_PER_BLOCK = 4
"""400 ms gating blocks with 75 % overlap are four consecutive 100 ms hops."""


def k_weighting(rate: int) -> Floats:
    """BS.1770's K-weighting (a high shelf, then a high pass) as second-order sections.

    The filters are designed for the given rate with the audio EQ cookbook's formulas and
    BS.1770's parameters, the same design as ``pyloudnorm``, so the two meters agree at
    22.05 kHz, where BS.1770's 48 kHz coefficients do not apply.
    """
    sections = []
    for kind, gain_db, q, fc in (("shelf", 4.0, 1 / math.sqrt(2), 1500.0), ("pass", 0, 0.5, 38.0)):
        a = 10 ** (gain_db / 40)
        w0 = 2 * math.pi * fc / rate
        cos, alpha = math.cos(w0), math.sin(w0) / (2 * q)
        if kind == "shelf":
            root = 2 * math.sqrt(a) * alpha
            b = [
                a * ((a + 1) + (a - 1) * cos + root),
                -2 * a * ((a - 1) + (a + 1) * cos),
                a * ((a + 1) + (a - 1) * cos - root),
            ]
            den = [(a + 1) - (a - 1) * cos + root, 2 * ((a - 1) - (a + 1) * cos)]
            den.append((a + 1) - (a - 1) * cos - root)
        else:
            b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
            den = [1 + alpha, -2 * cos, 1 - alpha]
        sections.append([*(v / den[0] for v in b), *(v / den[0] for v in den)])
    return np.array(sections, dtype=np.float64)


@lru_cache(maxsize=4)
def k_impulse(rate: int = SAMPLE_RATE) -> Floats:
    """The K-weighting's impulse response, long enough to have died away (``SETTLE_FRAMES``).

    Filtering with it (an FIR, by FFT) gives the IIR filters' output to within 1e-15 and
    needs only numpy: scipy.signal would add some 75 MB to every build just by being imported.
    """
    length = SETTLE_FRAMES * rate // SAMPLE_RATE
    response = np.zeros(length)
    response[0] = 1.0
    for b0, b1, b2, _a0, a1, a2 in k_weighting(rate):
        x, y = response.tolist(), [0.0] * length
        x1 = x2 = y1 = y2 = 0.0
        for n, xn in enumerate(x):
            yn = b0 * xn + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x2, x1, y2, y1 = x1, xn, y1, yn
            y[n] = yn
        response = np.asarray(y)
    return response


FFT_SIZE = 1 << 16
"""Block size of the FFT filtering: small enough to stay in the processor's cache, where
one FFT of a whole 30 s chunk would be many times slower per sample."""


def fft_filter(x: AnyFloats, response: Floats, *, in_place: bool = False) -> AnyFloats:
    """``x`` through an FIR filter from rest (overlap-save, block by block), in ``x``'s
    precision: float32 FFTs take about half the time of float64 ones (numpy 2).

    ``in_place`` writes the output over ``x``, so a long signal is held once, not twice:
    each block keeps the input it still needs from before (the taps before it) aside."""
    taps = len(response)
    step = FFT_SIZE - taps + 1
    spectrum = np.fft.rfft(response.astype(x.dtype), FFT_SIZE)
    filtered = x if in_place else np.empty(len(x), dtype=x.dtype)
    before = np.zeros(taps - 1, dtype=x.dtype)  # the signal is at rest before it starts
    for start in range(0, len(x), step):
        count = min(step, len(x) - start)
        segment = np.concatenate((before, x[start : start + count]))
        before = segment[len(segment) - (taps - 1) :]
        block = np.fft.irfft(np.fft.rfft(segment, FFT_SIZE) * spectrum)
        filtered[start : start + count] = block[taps - 1 : taps - 1 + count]
    return filtered


class LoudnessMeter:
    """Integrated loudness (BS.1770-4, mono) of a signal fed in consecutive chunks.

    Memory is one chunk plus one number per 100 ms of signal.
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


def gated_loudness(hop_energy: Floats, hop: int) -> float:
    """BS.1770's gated loudness from the K-weighted energy of consecutive 100 ms hops."""
    if len(hop_energy) < _HOPS_PER_BLOCK:
        return float("-inf")
    windows = np.lib.stride_tricks.sliding_window_view(hop_energy, _HOPS_PER_BLOCK)
    power = windows.sum(axis=1) / (hop * _HOPS_PER_BLOCK)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(power)
    gated = power[block_lufs >= _ABSOLUTE_GATE]
    if gated.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(gated.mean()) + _RELATIVE_GATE
    kept = power[(block_lufs > relative) & (block_lufs > _ABSOLUTE_GATE)]
    return -0.691 + 10 * math.log10(kept.mean())


def integrated_loudness(chunks: Iterable[Samples | Floats], rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS of consecutive chunks of one signal."""
    meter = LoudnessMeter(rate)
    for chunk in chunks:
        meter.add(chunk)
    return meter.integrated()


def session_loudness(timeline: Timeline, clips: Mapping[str, Clip]) -> float:
    """Integrated loudness of a session exactly as :func:`render_chunks` would render it;
    see :func:`_loudness`."""
    lengths = {text: len(clip.samples) for text, clip in clips.items()}
    return _loudness(timeline, lengths, lambda text: clips[text].samples)


def _loudness(
    timeline: Timeline, lengths: Mapping[str, int], samples_of: Callable[[str], Samples]
) -> float:
    """Integrated loudness of a session exactly as :func:`render_chunks` would render it.

    Most of a session is silence, and silence filters to silence once the filters have
    settled; and a session says the same few clips hundreds of times. So each distinct clip
    is filtered once, with the settling time after it (:func:`_filtered_clips`), and the
    filtered clip's energy is added to the 100 ms hops where the session places it (its
    squares summed per hop, in float64; a running sum would be quicker for a clip said
    hundreds of times, but would hold eight bytes per sample of the longest clip). Only clips
    closer together than the settling time, whose filtered sounds overlap, are added up
    sample by sample before squaring ("islands"). The filtering grows with the distinct
    speech, not with the session or how often it repeats a clip.
    """
    hop = SAMPLE_RATE // 10
    total = frame_at(timeline.duration_ms)
    energy = np.zeros(total // hop + 1)
    runs = _runs(timeline, lengths, total)
    alone: dict[str, list[tuple[int, int]]] = {}
    together: dict[str, None] = {}  # ordered: the batches, and so the bits, never vary
    for run, end in runs:
        if len(run) == 1:
            start, text = run[0]
            alone.setdefault(text, []).append((start, end))
        else:
            together.update(dict.fromkeys(text for _, text in run))
    kept: dict[str, npt.NDArray[np.float32]] = {}
    texts = [*alone, *(text for text in together if text not in alone)]
    for text, filtered in _filtered_clips(lengths, samples_of, texts):
        if text in together:
            kept[text] = filtered.astype(np.float32)
        if text not in alone:
            continue
        squares = np.square(filtered, out=filtered)  # the batch's own copy, not used again
        for start, end in alone[text]:
            edges, hops = _hop_edges(start, end - start, hop)
            per_hop = np.add.reduceat(squares[: end - start], edges[:-1], dtype=np.float64)
            np.add.at(energy, hops, per_hop)
    for run, end in runs:
        if len(run) == 1:
            continue
        first = run[0][0]
        island = np.zeros(end - first)
        for at, text in run:
            part = kept[text][: max(0, end - at)]
            island[at - first : at - first + len(part)] += part
        edges, hops = _hop_edges(first, len(island), hop)
        np.add.at(energy, hops, np.add.reduceat(np.square(island), edges[:-1]))
    return gated_loudness(energy[: total // hop], hop)


def _hop_edges(
    start: int, length: int, hop: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For ``length`` samples from session frame ``start``: the offsets where each 100 ms hop
    they touch begins (and, last, their end), and the numbers of those hops."""
    first = start // hop
    inner = np.arange((first + 1) * hop, start + length, hop) - start
    edges = np.concatenate(([0], inner, [length])).astype(np.intp)
    return edges, np.arange(first, first + len(edges) - 1)


def _runs(
    timeline: Timeline, lengths: Mapping[str, int], total: int
) -> list[tuple[list[tuple[int, str]], int]]:
    """The session's clips as runs closer together than the settling time: the (start frame,
    text) of each clip in the run, and where the run's sound ends, settling time included
    (cut at the session's end)."""
    runs: list[tuple[list[tuple[int, str]], int]] = []
    run: list[tuple[int, str]] = []
    end = 0
    for event in timeline.events:
        if event.text is None:
            continue
        start = frame_at(event.start_ms)
        if run and start > end:
            runs.append((run, min(end, total)))
            run = []
        run.append((start, event.text))
        end = start + lengths[event.text] + SETTLE_FRAMES
    if run:
        runs.append((run, min(end, total)))
    return [(run, end) for run, end in runs if end > run[0][0]]


def _filtered_clips(
    lengths: Mapping[str, int], samples_of: Callable[[str], Samples], texts: Iterable[str]
) -> Iterator[tuple[str, npt.NDArray[np.float32]]]:
    """Each clip K-weighted from rest, followed by its settling time, at full scale one.

    Clips are filtered a batch at a time (each with silence after it, so none spills into
    the next): one FFT block holds many short clips.
    """
    response = k_impulse(SAMPLE_RATE)
    batch: list[str] = []
    size = 0

    def flush() -> Iterator[tuple[str, npt.NDArray[np.float32]]]:
        # float32: its 24 bits are far finer than the 16-bit clips, and its FFTs are faster.
        x = np.zeros(size, dtype=np.float32)
        offset = 0
        for text in batch:
            samples = samples_of(text)
            x[offset : offset + len(samples)] = samples
            offset += len(samples) + SETTLE_FRAMES
        x /= FULL_SCALE
        y = fft_filter(x, response, in_place=True)
        offset = 0
        for text in batch:
            length = lengths[text] + SETTLE_FRAMES
            yield text, y[offset : offset + length]
            offset += length

    for text in texts:
        batch.append(text)
        size += lengths[text] + SETTLE_FRAMES
        if size >= ISLAND_BATCH:
            yield from flush()
            batch, size = [], 0
    if batch:
        yield from flush()


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


def _peak_per_sample(x: AnyFloats) -> AnyFloats:
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


TRUE_PEAK_BLOCK = 1 << 18
"""Samples oversampled at once by :func:`true_peak`, so a long signal needs little memory."""
_TRUE_PEAK_MARGIN = 256


def true_peak(x: Floats) -> float:
    """Largest magnitude of the 4x oversampled signal (floats, full scale one), block by block."""
    peak = 0.0
    for start in range(0, len(x), TRUE_PEAK_BLOCK):
        lo = max(start - _TRUE_PEAK_MARGIN, 0)
        hi = min(start + TRUE_PEAK_BLOCK + _TRUE_PEAK_MARGIN, len(x))
        peaks = _peak_per_sample(np.asarray(x[lo:hi], dtype=np.float64))
        inner = peaks[start - lo : start - lo + TRUE_PEAK_BLOCK]
        peak = max(peak, float(inner.max()))
    return peak


def dbtp(peak: float) -> float:
    """A true peak as dBTP."""
    return 20 * math.log10(peak) if peak > 0 else float("-inf")


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
    between two values (where :meth:`Leveller.scaled` interpolates), and the gain moves
    smoothly instead of stepping, which would click. Works in the precision of ``peaks``.
    """
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(peaks.dtype)
    width = 2 * round(LIMITER_MS * rate / 1000) + 1
    gain = running_mean(running_min(need, width + 2), width)
    smooth: AnyFloats = np.minimum(gain, need)
    return smooth


def to_int16(x: AnyFloats) -> Samples:
    """Floats at full scale one as 16-bit samples, rounded, never wrapping."""
    rounded: Samples = np.clip(np.round(x * FULL_SCALE), -FULL_SCALE, FULL_SCALE - 1).astype(
        np.int16
    )
    return rounded


PEAK_BLOCK = 8
"""Samples per true-peak value the limiter works from (the largest of the eight): 0.36 ms,
far finer than its 5 ms window, and an eighth of the memory and work of one per sample."""
LEVEL_BLOCK = 1 << 16
"""Samples of a clip oversampled at once: a long clip's floats would otherwise take megabytes."""
_LEVEL_MARGIN = 64
"""Samples either side of a block that its oversampled peaks depend on (the interpolator's
half length, rounded up)."""


def _blocks(length: int) -> Iterator[tuple[int, int, int]]:
    """(start, lo, hi): each block of ``length`` samples, and the span with its margins."""
    for start in range(0, length, LEVEL_BLOCK):
        yield (
            start,
            max(start - _LEVEL_MARGIN, 0),
            min(start + LEVEL_BLOCK + _LEVEL_MARGIN, length),
        )


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


class Leveller:
    """Brings sessions made of the same clips to one loudness, each with its own gain.

    A clip's oversampled peaks are computed once and reused for every gain tried and every
    session that uses the clip: a gain only scales them.
    """

    def __init__(
        self,
        clips: Mapping[str, Clip],
        target_lufs: float = TARGET_LUFS - ENCODER_GAIN_DB,
        limit_dbtp: float = LIMIT_DBTP,
    ) -> None:
        self.clips = clips
        self.target = target_lufs
        self.ceiling = 10 ** (limit_dbtp / 20)
        self._peaks: dict[str, Peaks] = {}

    def peaks(self, text: str) -> Peaks:
        """The clip's true peak at unity gain, one value per :data:`PEAK_BLOCK` samples.

        Kept as float16, rounded up: at most 0.01 dB too high, which only makes the limiter
        that much more careful; the ceiling is never crossed. Worked out a block at a time,
        so a long clip needs little memory."""
        if text not in self._peaks:
            samples = self.clips[text].samples
            maxima = np.empty(-(-len(samples) // PEAK_BLOCK), dtype=np.float16)
            for start, lo, hi in _blocks(len(samples)):
                x = samples[lo:hi] / FULL_SCALE  # float64: numpy convolves it fastest
                peaks = _peak_per_sample(x)[start - lo :][: min(LEVEL_BLOCK, len(samples) - start)]
                padded = np.zeros(-(-len(peaks) // PEAK_BLOCK) * PEAK_BLOCK)
                padded[: len(peaks)] = peaks
                block = padded.reshape(-1, PEAK_BLOCK).max(axis=1)
                half = block.astype(np.float16)
                low = half < block
                half[low] = np.nextafter(half[low], np.float16(np.inf))
                maxima[start // PEAK_BLOCK : start // PEAK_BLOCK + len(half)] = half
            self._peaks[text] = maxima
        return self._peaks[text]

    def scaled_samples(self, text: str, gain_db: float) -> Samples:
        """The samples of :meth:`scaled`."""
        return self.scaled(text, gain_db)[0].samples

    def limits(self, text: str, gain: float) -> bool:
        """Whether the limiter acts on this clip at this gain (as a factor)."""
        return float(self.peaks(text).max()) * gain > self.ceiling

    def scaled(self, text: str, gain_db: float) -> tuple[Clip, bool]:
        """The clip with ``gain_db`` applied, limited where needed; and whether it was.

        float32 throughout: its 24 bits are finer than the 16 the clip is rounded to at the
        end. The limiter's gain is worked out per block of peaks and glides linearly from
        one block's centre to the next."""
        gain = 10 ** (gain_db / 20)
        samples = self.clips[text].samples
        limited = self.limits(text, gain)
        x = samples.astype(np.float32)  # at the int16 scale; in place from here on
        x *= np.float32(gain)
        if limited:
            peaks = self.peaks(text).astype(np.float32)
            peaks *= np.float32(gain)
            per_block = limiter_gain(peaks, self.ceiling, SAMPLE_RATE / PEAK_BLOCK)
            x *= per_sample(per_block, len(x))
        np.round(x, out=x)
        np.clip(x, -FULL_SCALE, FULL_SCALE - 1, out=x)
        return Clip(text, x.astype(np.int16)), limited

    def normalise(self, timeline: Timeline) -> dict[str, Clip]:
        """The clips of this session with the gain that brings it to the target loudness."""
        used = [e.text for e in timeline.events if e.text is not None]
        gain_db = self.gain_db(timeline)
        if gain_db is None:
            return {text: self.clips[text] for text in used}
        return {text: self.scaled(text, gain_db)[0] for text in used}

    def gain_db(self, timeline: Timeline) -> float | None:
        """The gain that :meth:`normalise` and :func:`level` apply to this session's clips
        (with the limiter, see :meth:`scaled`); ``None`` for a silent session, whose clips
        stay as they are. The same bits in every process, so a worker and an inline build
        write the same file.

        The first gain comes from measuring the session at unity gain, and is exact where the
        limiter has nothing to do. It depends on this session alone (not on one levelled
        before it), so a phase sounds the same built alone or with the others. Where it
        acts, the session comes out quieter than planned; it is measured again and the gain
        corrected, along the measured slope, until it is within :data:`TOLERANCE_LU` (a few
        passes at most). Silences are never touched.

        Each measurement levels one clip at a time as the meter asks for it and keeps only
        the filtered energies, so no levelled copy of the session's clips is held.
        """
        used = {
            e.text: len(self.clips[e.text].samples) for e in timeline.events if e.text is not None
        }
        unity = _loudness(timeline, used, lambda text: self.clips[text].samples)
        if not math.isfinite(unity):
            return None
        gain_db = self.target - unity
        slope = 1.0
        previous: tuple[float, float] | None = None
        for _attempt in range(MAX_PASSES):
            applied = gain_db
            if not any(self.limits(text, 10 ** (applied / 20)) for text in used):
                break
            measured = _loudness(timeline, used, partial(self.scaled_samples, gain_db=applied))
            error = self.target - measured
            if abs(error) <= TOLERANCE_LU:
                break
            if previous is not None and applied != previous[0]:
                slope = min(1.0, max(0.1, (measured - previous[1]) / (applied - previous[0])))
            previous = (applied, measured)
            gain_db = applied + error / slope
        return applied


def level(clips: dict[str, Clip], timeline: Timeline) -> float | None:
    """Bring a session to the target loudness by levelling its clips in place; the gain.

    The gain is found first (:meth:`Leveller.gain_db`), then each clip is replaced by its
    levelled self one at a time, so that besides the rest only one clip's unity and levelled
    samples are held at once. Silent sessions are left as they are (``None``).
    """
    leveller = Leveller(clips)
    gain_db = leveller.gain_db(timeline)
    if gain_db is not None:
        for text in list(clips):
            clips[text] = leveller.scaled(text, gain_db)[0]
    return gain_db


def normalise(timeline: Timeline, clips: Mapping[str, Clip]) -> dict[str, Clip]:
    """One session's clips at the target loudness; see :meth:`Leveller.normalise`."""
    return Leveller(clips).normalise(timeline)
