"""The tests' tone voice keeps its promises: a voice that broke them would hide what it stands
in for (a cue said as nothing, two texts said alike, a clip taken from the real voice's cache)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from audiocoach.speech.espeak import EspeakVoice
from audiocoach.speech.voice import clip_key
from fake_voice import ToneVoice, tone_clip

TEXTS = ["één", "twee", "Laatste serie.", "Ga op de rug liggen met gebogen benen."]


def test_the_same_text_gives_the_same_samples_in_every_process() -> None:
    here = [tone_clip(t).samples.tobytes().hex() for t in TEXTS]
    probe = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "from fake_voice import tone_clip; "
        f"print(*(tone_clip(t).samples.tobytes().hex() for t in {TEXTS!r}))"
    )
    there = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert there == here


def test_a_longer_text_is_a_longer_clip_and_every_text_sounds_its_own() -> None:
    clips = [tone_clip(t) for t in TEXTS]
    assert [c.ms for c in clips] == sorted(c.ms for c in clips)
    assert clips[0].ms >= 150, "a counted word lasts as long as a spoken one"
    assert len({c.samples.tobytes() for c in clips}) == len(TEXTS)
    assert all(np.abs(c.samples).max() > 3000 for c in clips), "clearly audible"


def test_it_never_shares_a_cache_entry_with_the_real_voice() -> None:
    assert ToneVoice().identity != EspeakVoice().identity
    assert clip_key(ToneVoice(), "één") != clip_key(EspeakVoice(), "één")


def test_it_lists_what_it_was_asked_to_say() -> None:
    voice = ToneVoice()
    for text in TEXTS:
        voice.synthesize(text)
    assert voice.said == TEXTS
