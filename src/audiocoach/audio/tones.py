"""The sound cues: a short tone when a set starts, another when it ends, a chime at the end.

Interval-timer apps mark work with sounds so that a patient knows where they are without
listening to every word. The tones are made here, in code, with pydub's sine generators and
fades (no clicks, nothing downloaded), and become clips like any spoken text: the timeline
places them, the session's loudness levelling treats them with the speech, and the renderer
copies them in. They are made quieter than speech peaks, so after the session's one gain they
are clearly audible but never louder than the voice.

pydub looks for ffmpeg when it is imported and warns where there is none (every fresh
machine); audiocoach never needs ffmpeg, so that one warning is silenced here, and pydub is
imported only when a tone is made. Encoding workers never import this module's pydub: the
tones travel to them as samples.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from audiocoach.script.cues import SESSION_END, SET_END, SET_START
from audiocoach.sound import SAMPLE_RATE, Clip, Samples, frame_at


@dataclass(frozen=True)
class Tone:
    """One cue sound: sine partials sounded together, with fades against clicks."""

    hz: tuple[float, ...]
    ms: int
    fade_in_ms: int
    fade_out_ms: int
    volume_db: float
    """Peak of each partial, dB full scale, before the session's levelling."""


TONES: dict[str, Tone] = {
    SET_START: Tone(hz=(880.0,), ms=150, fade_in_ms=10, fade_out_ms=40, volume_db=-12.0),
    SET_END: Tone(hz=(587.3, 440.0), ms=300, fade_in_ms=10, fade_out_ms=120, volume_db=-18.0),
    SESSION_END: Tone(
        hz=(523.3, 659.3, 784.0), ms=1200, fade_in_ms=15, fade_out_ms=700, volume_db=-21.0
    ),
}
"""A high short blip to start, a lower falling pair to stop, a soft C-major chime to end."""


def _pydub() -> Any:
    """pydub's generators, imported without its warning about ffmpeg, which is not needed."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
        warnings.filterwarnings("ignore", message="'audioop' is deprecated")
        from pydub import generators

    return generators


def _samples(tone: Tone) -> Samples:
    generators = _pydub()
    # The first partial sounds for the whole tone; the later ones start in turn, a falling
    # pair or a rising chime, each fading out with the tone.
    step = tone.ms // (2 * len(tone.hz)) if len(tone.hz) > 1 else 0
    sound = None
    for index, hz in enumerate(tone.hz):
        offset = index * step
        partial = (
            generators.Sine(hz, sample_rate=SAMPLE_RATE, bit_depth=16)
            .to_audio_segment(duration=tone.ms - offset, volume=tone.volume_db)
            .fade_in(tone.fade_in_ms)
            .fade_out(tone.fade_out_ms)
        )
        sound = partial if sound is None else sound.overlay(partial, position=offset)
    assert sound is not None
    return np.frombuffer(sound.raw_data, dtype=np.int16).astype(np.int16)


@cache
def tone_clip(label: str) -> Clip:
    """The clip of one tone, made once per process: exactly as long as the timeline says."""
    tone = TONES[label]
    samples = _samples(tone)[: frame_at(tone.ms)]
    return Clip(label, np.pad(samples, (0, frame_at(tone.ms) - len(samples))))


def tone_clips(labels: tuple[str, ...] = tuple(TONES)) -> dict[str, Clip]:
    """The clips of these tones (all by default), by label."""
    return {label: tone_clip(label) for label in labels}
