"""Loudness: the streaming BS.1770 meter against pyloudnorm, the limiter, and the built MP3s."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from audiocoach.audio.levelling import CEILING_DBTP, ENCODER_GAIN_DB, TARGET_LUFS, level
from audiocoach.audio.limiter import PEAK_BLOCK, limiter_gain, peak_per_sample, per_sample
from audiocoach.audio.render import render_chunks
from audiocoach.audio.session import Session
from audiocoach.model.program import Program
from audiocoach.pipeline.build import BuiltFile, prepare
from audiocoach.sound import FULL_SCALE, SAMPLE_RATE, Clip
from audiocoach.speech.espeak import EspeakVoice
from helpers import decode
from reference_meter import LoudnessMeter, dbtp, integrated_loudness
from whole_session import render, session_loudness


def speechlike(seconds: float, seed: int = 7) -> np.ndarray:
    """Bursts of filtered noise at different levels with silences between: gating matters.

    Whole 100 ms hops long, so that pyloudnorm (which also counts a last, partial block)
    and BS.1770's complete blocks cover the same signal.
    """
    rng = np.random.default_rng(seed)
    segments = round(seconds * 5)
    x = rng.standard_normal(segments * SAMPLE_RATE // 5)
    x = signal.lfilter(*signal.butter(2, [200, 4000], "bandpass", fs=SAMPLE_RATE), x)
    envelope = np.repeat(rng.choice([0.0, 0.02, 0.1, 0.3], size=segments), SAMPLE_RATE // 5)
    return np.asarray(x * envelope * 0.5)


@pytest.mark.parametrize("chunk", [SAMPLE_RATE * 30, 1000, 2205, 7777])
def test_streaming_meter_agrees_with_pyloudnorm(chunk: int) -> None:
    """Whatever the chunking, the meter gives pyloudnorm's figure on a gated, bursty signal."""
    x = speechlike(20.0)
    expected = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x)
    measured = integrated_loudness(x[i : i + chunk] for i in range(0, len(x), chunk))
    assert -40 < expected < -10
    assert measured == pytest.approx(expected, abs=0.01)


def test_meter_reads_int16_at_full_scale() -> None:
    x = speechlike(10.0)
    as_int = np.round(x * 32768).astype(np.int16)
    assert integrated_loudness([as_int]) == pytest.approx(integrated_loudness([x]), abs=0.01)


def test_silence_has_no_loudness() -> None:
    meter = LoudnessMeter()
    meter.add(np.zeros(SAMPLE_RATE * 5, dtype=np.int16))
    assert meter.integrated() == float("-inf")


def test_true_peak_finds_the_peak_between_samples() -> None:
    """A quarter-rate sine sampled at 45 degrees: samples reach 0.707 of it, the wave 1."""
    n = np.arange(SAMPLE_RATE)
    x = 0.5 * np.sin(2 * np.pi * n / 4 + np.pi / 4)
    assert np.abs(x).max() == pytest.approx(0.5 / np.sqrt(2))
    assert peak_per_sample(x).max() == pytest.approx(0.5, rel=0.02)


def test_limiter_gain_keeps_every_peak_under_the_ceiling() -> None:
    peaks = np.abs(speechlike(5.0)) * 8
    gain = limiter_gain(peaks, 0.5)
    assert (peaks * gain).max() <= 0.5 + 1e-12
    assert gain.max() <= 1.0
    assert np.abs(np.diff(gain)).max() < 0.05, "the gain glides, it does not step"


@pytest.mark.parametrize("length", [1, 7, 8, 9, 8 * 50, 8 * 50 + 3])
def test_a_block_gain_glides_from_centre_to_centre(length: int) -> None:
    """The limiter's gain per block of samples becomes one per sample by straight lines
    between the blocks' centres, as np.interp would draw them."""
    blocks = -(-length // PEAK_BLOCK)
    per_block = np.random.default_rng(length).uniform(0.1, 1.0, blocks).astype(np.float32)
    centres = np.arange(blocks) * PEAK_BLOCK + (PEAK_BLOCK - 1) / 2
    expected = np.interp(np.arange(length), centres, per_block)
    assert per_sample(per_block, length) == pytest.approx(expected, abs=1e-6)


@pytest.fixture(scope="module")
def phase_one(two_phase: Program, voice: EspeakVoice) -> tuple[Session, dict[str, Clip]]:
    """The first session of the small two-phase program, in the real voice."""
    sessions, clips = prepare(two_phase, voice, phases=[two_phase.phases[0]])
    return sessions[0], clips


def test_session_loudness_equals_the_rendered_session(
    phase_one: tuple[Session, dict[str, Clip]],
) -> None:
    """Skipping the silences changes nothing: same figure as metering every rendered chunk."""
    session, clips = phase_one
    fast = session_loudness(session.timeline, clips)
    full = integrated_loudness(render_chunks(session.timeline, clips))
    assert fast == pytest.approx(full, abs=1e-6)


@pytest.mark.parametrize("voice_gain_db", [-12.0, 0.0, 6.0])
def test_leveller_gives_any_voice_the_target(
    phase_one: tuple[Session, dict[str, Clip]], voice_gain_db: float
) -> None:
    """A quieter or louder voice ends at the same loudness; rests stay exact digital silence."""
    session, clips = phase_one
    factor = 10 ** (voice_gain_db / 20)
    voice = {
        t: Clip(t, np.clip(c.samples * factor, -32768, 32767).astype(np.int16))
        for t, c in clips.items()
    }
    levelled = {e.text: voice[e.text] for e in session.timeline.events if e.text is not None}
    level(levelled, session.timeline)
    target = TARGET_LUFS - ENCODER_GAIN_DB
    assert session_loudness(session.timeline, levelled) == pytest.approx(target, abs=0.2)
    samples = render(session.timeline, levelled)
    for clip in levelled.values():
        assert dbtp(peak_per_sample(clip.samples / FULL_SCALE).max()) <= CEILING_DBTP - 0.9
    for event in session.timeline.events:
        if event.text is None:
            start = event.start_ms * SAMPLE_RATE // 1000 + SAMPLE_RATE // 100
            assert not samples[start : event.end_ms * SAMPLE_RATE // 1000].any(), event


GAIN_OF_PHASE_ONE = """
from audiocoach.pipeline.build import prepare
from audiocoach.speech.cache import CachedVoice
from audiocoach.audio.levelling import Leveller
from audiocoach.model.program_file import builtin_program_path, load_program
from audiocoach.speech.espeak import EspeakVoice
program = load_program(builtin_program_path())
sessions, clips = prepare(program, CachedVoice(EspeakVoice()), phases=program.phases[:1])
print(repr(Leveller(clips).gain_db(sessions[0].timeline)))
"""


@pytest.mark.slow
def test_every_process_finds_the_same_gain_to_the_last_bit() -> None:
    """Workers level their phases, each process with its own string hashing: a gain that
    varied with it (clips filtered in set order) gave files that differed from build to build."""
    gains = {
        subprocess.run(
            [sys.executable, "-c", GAIN_OF_PHASE_ONE],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(gains) == 1, gains


def reference_true_peak(x: np.ndarray, rate: int) -> float:
    """4x oversampled peak with scipy's own default interpolator, in overlapping blocks of a
    second, loudest first. No output of the interpolator is larger than the largest sum of
    magnitudes of its taps times the block's own sample peak: a block that cannot beat the
    peak found so far (a rest, a quiet word) is not oversampled, and the result is the same."""
    up, pad = 4, 64  # the pad reaches beyond the interpolator's taps (10 samples each side)
    impulse = np.zeros(2 * pad)
    impulse[pad] = 1.0
    taps = signal.resample_poly(impulse, up, 1)  # the interpolator's own taps, phase by phase
    gain = max(float(np.abs(taps[phase::up]).sum()) for phase in range(up))
    pieces = [x[max(start - pad, 0) : start + rate + pad] for start in range(0, len(x), rate)]
    loudest = sorted(((float(np.abs(p).max(initial=0)), i) for i, p in enumerate(pieces)))
    peak = 0.0
    for sample_peak, index in reversed(loudest):
        if sample_peak * gain <= peak:
            break  # no quieter block can beat it either
        peak = max(peak, float(np.abs(signal.resample_poly(pieces[index], up, 1)).max()))
    return peak


@pytest.mark.slow
def test_every_mp3_is_at_the_target_loudness(default_build: list[BuiltFile]) -> None:
    """Measured on the decoded MP3s: -16 +/- 1 LUFS, true peak <= -1 dBTP. With the plain
    reference meter (held against pyloudnorm above), which is three times as fast on the
    155 minutes of the four files."""
    levels = []
    for built in default_build:
        samples, rate = decode(built.path)
        x = samples.astype(np.float64)
        lufs = integrated_loudness(
            (x[i : i + rate * 60] for i in range(0, len(x), rate * 60)), rate
        )
        peak = dbtp(reference_true_peak(x, rate))
        assert lufs == pytest.approx(TARGET_LUFS, abs=1.0), built.path.name
        assert peak <= CEILING_DBTP, (built.path.name, peak)
        levels.append(lufs)
    assert max(levels) - min(levels) < 0.5, "every phase plays at the same volume"
