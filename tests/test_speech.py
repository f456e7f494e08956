"""The real speech engine: a Dutch voice, one clip per text, nothing carried over: the same
text always gives the same samples."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from audiocoach.errors import SpeechError
from audiocoach.sound import SAMPLE_RATE, Clip, Sound, conform, sound_from_wav
from audiocoach.speech.engines import dutch_voices
from audiocoach.speech.espeak import EspeakVoice
from audiocoach.speech.speaker_client import Speaker
from audiocoach.speech.voice import Voice, clip_key, clip_of


def test_dutch_voice_is_found(voice: EspeakVoice) -> None:
    assert dutch_voices()
    assert isinstance(voice, Voice)


def test_a_count_is_a_short_clip(voice: EspeakVoice) -> None:
    clip = clip_of("één", voice.synthesize("één"))
    assert 150 <= clip.ms <= 1200
    assert np.abs(clip.samples).max() > 3000


def test_longer_text_takes_longer(voice: EspeakVoice) -> None:
    short = clip_of("twee", voice.synthesize("twee"))
    long = clip_of(
        "Ga op de rug liggen met gebogen benen.",
        voice.synthesize("Ga op de rug liggen met gebogen benen."),
    )
    assert long.ms > 2 * short.ms


def test_slower_rate_gives_longer_clips() -> None:
    text = "Ga op de rug liggen met gebogen benen, de voeten op de grond."
    fast = clip_of(text, EspeakVoice(rate=220).synthesize(text))
    slow = clip_of(text, EspeakVoice(rate=110).synthesize(text))
    assert slow.ms > 1.5 * fast.ms


LINES = [
    "Neem de beginhouding aan, op de rug.",
    "Ga op de rug liggen met gebogen benen, de voeten op de grond.",
    "één",
    "links",
    "Laatste serie.",
    "Til de [[l'INk@rArm]] op.",
]
OTHER_LINES = ["Nog vijf seconden.", "twee", "Schuine buikspieren.", "rechts", "Stop."]


def _samples(voice: EspeakVoice, texts: list[str]) -> list[bytes]:
    return [voice.synthesize(text).samples.tobytes() for text in texts]


SAY_IN_A_FRESH_PROCESS = """
import json, sys
from audiocoach.speech.espeak import EspeakVoice
voice = EspeakVoice()
json.dump([voice.synthesize(t).samples.tobytes().hex() for t in json.load(sys.stdin)], sys.stdout)
"""


def test_the_same_text_gives_the_same_samples_whatever_was_said_before(
    voice: EspeakVoice,
) -> None:
    """The lines, other lines, the lines again in reverse order: in this used voice and in
    a fresh one in a process of its own, every line's samples are the same, exactly."""
    first = _samples(voice, LINES)
    _samples(voice, OTHER_LINES)
    again = _samples(voice, LINES[::-1])[::-1]
    assert again == first
    result = subprocess.run(
        [sys.executable, "-c", SAY_IN_A_FRESH_PROCESS],
        input=json.dumps(OTHER_LINES + LINES[::-1]),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    fresh = [bytes.fromhex(h) for h in json.loads(result.stdout)][len(OTHER_LINES) :][::-1]
    assert fresh == first
    assert len(set(first)) == len(first), "each line has a sound of its own"


def test_each_text_in_a_process_of_its_own_sounds_as_with_fork(voice: EspeakVoice) -> None:
    """Where there is no fork (Windows) each text gets a process of its own: the same state,
    so the same samples."""
    alone = Speaker(voice.voice_id, voice.rate, forks=False)
    try:
        assert [alone.say(t) for t in LINES[:3]] == _samples(voice, LINES[:3])
    finally:
        alone.close()


def test_many_phrases_in_a_loop_each_get_their_own_clip(voice: EspeakVoice) -> None:
    words = ["één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"] * 2
    clips = _samples(voice, words)
    assert clips[:10] == clips[10:]
    assert len(set(clips[:10])) == 10


def test_a_long_text_is_whole() -> None:
    """espeak-ng hands over every sample before it returns: a long text is not cut short."""
    long = " ".join(["Zorg dat u de stem goed kunt horen. We beginnen."] * 4)
    short = clip_of("We beginnen.", EspeakVoice().synthesize("We beginnen."))
    whole = clip_of(long, EspeakVoice().synthesize(long))
    assert whole.ms > 8000
    assert whole.ms > 6 * short.ms


def test_unknown_voice_is_a_plain_error() -> None:
    with pytest.raises(SpeechError, match="does not exist"):
        EspeakVoice("gmw/xx-onbekend")


def test_silent_engine_output_is_an_error() -> None:
    with pytest.raises(SpeechError, match="no sound"):
        clip_of("stil", Sound(np.zeros(SAMPLE_RATE // 2, dtype=np.int16), SAMPLE_RATE))


def test_clip_key_depends_on_voice_and_text(voice: EspeakVoice) -> None:
    other = EspeakVoice(rate=voice.rate + 10)
    assert clip_key(voice, "één") != clip_key(voice, "twee")
    assert clip_key(voice, "één") != clip_key(other, "één")
    assert clip_key(voice, "één") == clip_key(EspeakVoice(rate=voice.rate), "één")


def test_clip_edges_are_trimmed(voice: EspeakVoice) -> None:
    clip: Clip = clip_of("links", voice.synthesize("links"))
    edge = int(0.005 * SAMPLE_RATE)
    assert np.abs(clip.samples[:edge]).max() > 0
    assert np.abs(clip.samples[-edge:]).max() > 0


def _wav(samples: np.ndarray, rate: int, channels: int) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(samples.dtype.itemsize)
        wav.setframerate(rate)
        wav.writeframes(samples.astype(f"<i{samples.dtype.itemsize}").tobytes())
    return buffer.getvalue()


def test_an_engines_wav_is_conformed_to_the_session_format() -> None:
    """A stereo 44.1 kHz engine (as Piper's or a system voice may be) lands at 22.05 kHz mono,
    at the same length and pitch."""
    rate, seconds = 44_100, 0.5
    t = np.arange(int(rate * seconds)) / rate
    tone = np.round(np.sin(2 * np.pi * 440 * t) * 16000).astype(np.int16)
    stereo = np.stack([tone, tone], axis=1).reshape(-1)
    sound = sound_from_wav(_wav(stereo, rate, channels=2))
    assert sound.rate == rate
    assert len(sound.samples) == len(tone)
    samples = conform(sound)
    assert abs(len(samples) - SAMPLE_RATE * seconds) <= 2
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(samples)
    assert abs(peak_hz - 440) < 5
    assert 15000 < np.abs(samples).max() < 16500


def test_the_engine_hands_over_samples_at_its_own_rate(voice: EspeakVoice) -> None:
    sound = voice.synthesize("twee")
    assert sound.rate == SAMPLE_RATE
    assert sound.samples.dtype == np.int16
    assert np.abs(sound.samples).max() > 1000
