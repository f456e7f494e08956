"""A voice for the tests that are about scripts, timelines, files and processes, not speech.

:class:`ToneVoice` says each text as a tone: the longer the text, the longer the tone (about
twice as quick as the real engine, so sessions are short); the same samples for the same text in
every process, another pitch for (nearly) every other text, and in no time. Its identity is its
own, so its clips never share a speech cache entry with the real voice's. The real engine stays
for the tests that listen to speech: end to end, speech, lexicon, loudness and same-sound.

The sample types (:class:`Sound`, :class:`Clip`) of the tests that use it are imported here.
"""

from __future__ import annotations

import hashlib

import numpy as np

from audiocoach.sound import SAMPLE_RATE, Clip, Sound
from audiocoach.speech.voice import Voice, clip_of

MS_PER_CHARACTER = 30
"""About twice as quick as espeak-ng's Dutch at 150 words a minute."""
LEAST_MS = 120
"""A single word ("één") still lasts as long as a spoken one."""


def tone_ms(text: str) -> int:
    """How long the voice takes to say ``text``: grows with its length."""
    return LEAST_MS + MS_PER_CHARACTER * len(text)


class ToneVoice(Voice):
    """A deterministic stand-in engine: a text's sound is a function of the text alone."""

    IDENTITY = "tests.fake_voice.ToneVoice 1"

    def __init__(self) -> None:
        self.said: list[str] = []
        """Every text asked for, in order: a test may count what was spoken."""

    @property
    def identity(self) -> str:
        return self.IDENTITY

    def synthesize(self, text: str) -> Sound:
        self.said.append(text)
        digest = hashlib.sha256(text.encode()).digest()
        frames = tone_ms(text) * SAMPLE_RATE // 1000
        period = 20 + digest[0] % 80  # samples: a pitch of its own per text, 220 to 1100 Hz
        wave = np.sin(2 * np.pi * np.arange(period) / period) * (6000 + 40 * digest[1])
        samples = np.resize(np.round(wave).astype(np.int16), frames)
        return Sound(samples, SAMPLE_RATE)


def tone_clip(text: str) -> Clip:
    """The clip :class:`ToneVoice` gives for ``text``."""
    return clip_of(text, ToneVoice().synthesize(text))
