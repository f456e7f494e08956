"""BS.1770 loudness of a session: K-weighting, gating, and measuring without rendering.

A whole phase as float64 is hundreds of megabytes, so nothing here holds one. Most of a
session is silence and the same few clips said hundreds of times: each distinct clip is
K-weighted once and its energy added to the 100 ms hops where the session places it
(:func:`loudness_of`), which gives the figure metering the rendered session would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from audiocoach.audio.timeline import Timeline
from audiocoach.sound import FULL_SCALE, SAMPLE_RATE, AnyFloats, Floats, Samples, frame_at

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


def loudness_of(
    timeline: Timeline, lengths: Mapping[str, int], samples_of: Callable[[str], Samples]
) -> float:
    """Integrated loudness of a session exactly as
    :func:`~audiocoach.audio.render.render_chunks` would render it.

    Most of a session is silence, and silence filters to silence once the filters have
    settled; and a session says the same few clips hundreds of times. So each distinct clip
    is filtered once, with the settling time after it (:func:`_filtered_clips`), and the
    filtered clip's energy is added to the 100 ms hops where the session places it (its
    squares summed per hop, in float64; a running sum would be quicker for a clip said
    hundreds of times, but would hold eight bytes per sample of the longest clip). Only clips
    closer together than the settling time, whose filtered sounds overlap, are added up
    sample by sample before squaring ("islands"). The filtering grows with the distinct
    speech, not with the session or how often it repeats a clip.

    ``samples_of`` is asked for each distinct clip once, when its batch is filtered, so the
    leveller can hand over a levelled copy of one clip at a time instead of all of them.
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
