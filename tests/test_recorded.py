"""The therapist's own voice: recordings found by key, trimmed, resampled, level-matched."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile
from typer.testing import CliRunner

from audiocoach.errors import SpeechError
from audiocoach.model.program_file import load_program
from audiocoach.pipeline import voices
from audiocoach.pipeline.build import build
from audiocoach.pipeline.voices import MISSING_NAME, choose_voice, report_missing
from audiocoach.sound import SAMPLE_RATE, resample
from audiocoach.speech.cache import ENV_VAR, CachedVoice
from audiocoach.speech.espeak import EspeakVoice
from audiocoach.speech.recorded import (
    RecordedVoice,
    find_recordings,
    read_recording,
    speech_level_db,
)
from audiocoach.speech.voice import clip_of
from counting import CountingVoice
from helpers import decode, run_cli, tiny_program, tree_hashes

TONE_S = 0.6
"""Length of each recorded tone; the silence around it must be trimmed away."""
SILENCE_S = 0.4
RECORDINGS = {
    # key: (text, tone Hz, file rate, channels, format)
    "tel-01": ("één", 440.0, 44_100, 2, "wav"),
    "tel-02": ("twee", 660.0, 48_000, 1, "flac"),
    "klaarmaken": ("Neem de beginhouding aan.", 550.0, 16_000, 1, "ogg"),
}
LEVEL_TOLERANCE_DB = 1.5
"""How close a recorded phrase's level in the MP3 must come to the engine's phrases there."""


def tone_recording(path: Path, hz: float, rate: int, channels: int) -> None:
    """A tone at -35 dBFS with silence and faint room noise (-75 dBFS) before and after."""
    rng = np.random.default_rng(int(hz))
    t = np.arange(int(TONE_S * rate)) / rate
    tone = 10 ** (-35 / 20) * np.sqrt(2) * np.sin(2 * np.pi * hz * t)
    quiet = np.zeros(int(SILENCE_S * rate))
    mono = np.concatenate([quiet, tone, quiet])
    mono += rng.normal(0, 10 ** (-75 / 20), mono.size)
    data = np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono
    soundfile.write(path, data, rate)


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "opnames"
    folder.mkdir()
    for key, (_, hz, rate, channels, kind) in RECORDINGS.items():
        tone_recording(folder / f"{key}.{kind}", hz, rate, channels)
    (folder / "notities.txt").write_text("geen opname", encoding="utf-8")
    return folder


def test_resampling_keeps_pitch_and_duration() -> None:
    for rate in (16_000, 44_100, 48_000):
        t = np.arange(rate) / rate
        out = resample(np.sin(2 * np.pi * 1000 * t), rate)
        assert abs(len(out) / SAMPLE_RATE - 1.0) < 0.001
        assert abs(dominant_hz(out, SAMPLE_RATE) - 1000) < 2


def test_a_recording_is_trimmed_resampled_and_as_loud_as_the_engine(
    recordings: Path, voice: EspeakVoice
) -> None:
    """Each tone comes back alone (no silence, no room noise), at its pitch, at the engine's
    level for the same phrase, whatever its rate, channels and format."""
    keys = {text: key for key, (text, *_) in RECORDINGS.items()}
    speaker = RecordedVoice(recordings, keys, voice)
    for text, hz, *_ in RECORDINGS.values():
        clip = clip_of(text, speaker.synthesize(text))
        engine = clip_of(text, voice.synthesize(text))
        assert abs(clip.ms - TONE_S * 1000) <= 15, text
        assert abs(dominant_hz(clip.samples / 32768.0, SAMPLE_RATE) - hz) < 3, text
        level = speech_level_db(clip.samples / 32768.0)
        assert abs(level - speech_level_db(engine.samples / 32768.0)) < 0.5, text


SPOKEN = {
    # key: (text, file rate, channels, format): the engine at a slower rate plays the therapist
    "tel-01": ("één", 44_100, 2, "wav"),
    "tel-02": ("twee", 48_000, 1, "flac"),
    "klaarmaken": ("Neem de beginhouding aan.", 16_000, 1, "ogg"),
}
THERAPIST_RATE = 100
"""Words per minute of the stand-in therapist: clearly slower than the engine's 150."""


def correlation(heard: np.ndarray, expected: np.ndarray) -> float:
    """Best normalised cross-correlation within a tenth of a second of lag."""
    n = len(heard) + len(expected)
    spectrum = np.fft.rfft(heard, n) * np.conj(np.fft.rfft(expected, n))
    lags = np.fft.irfft(spectrum, n)
    window = np.r_[lags[: SAMPLE_RATE // 10], lags[-SAMPLE_RATE // 10 :]]
    return float(np.abs(window).max() / (np.linalg.norm(heard) * np.linalg.norm(expected)))


@pytest.mark.slow
def test_recordings_are_heard_at_the_timeline_times_trimmed_and_level_matched(
    tmp_path: Path, voice: EspeakVoice
) -> None:
    """Build a small program with three recorded phrases: each is heard where the timeline
    says, as long as the speech in it (its silence trimmed), and as loud as the engine's
    phrases; every other phrase is the engine's.

    The build brings each session to one loudness with one gain for all its clips (and a
    limiter on peaks), so "as loud" is measured in the MP3 against the engine's phrases: a
    phrase's level there minus the engine's own level for that text is the same for recorded
    and synthesised phrases.
    """
    therapist = EspeakVoice(rate=THERAPIST_RATE)
    folder = tmp_path / "opnames"
    folder.mkdir()
    expected = {}
    rng = np.random.default_rng(7)
    for key, (text, rate, channels, kind) in SPOKEN.items():
        said = clip_of(text, therapist.synthesize(text)).samples / 32768.0
        expected[text] = said
        quiet = np.zeros(int(SILENCE_S * rate))
        mono = np.concatenate([quiet, resample(said, SAMPLE_RATE, rate) * 0.05, quiet])
        mono += rng.normal(0, 10 ** (-75 / 20), mono.size)
        data = np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono
        soundfile.write(folder / f"{key}.{kind}", data, rate)
    program = load_program(tiny_program(tmp_path))
    speaker = choose_voice(program, None, voice.rate, folder)
    built = build(program, tmp_path / "out", speaker)
    samples, rate = decode(built[0].path)
    sessions = [b.session for b in built if b.session is not None]
    assert len(sessions) == len(built)
    gains: dict[bool, list[float]] = {True: [], False: []}
    for event in sessions[0].timeline.events:
        if not event.spoken or event.text is None:
            continue
        engine = clip_of(event.text, voice.synthesize(event.text))
        start, end = int(event.start_ms / 1000 * rate), int(event.end_ms / 1000 * rate)
        heard = samples[start:end].astype(np.float64)
        recorded = event.text in expected
        if recorded:
            said = expected[event.text]
            assert abs(event.duration_ms - len(said) * 1000 / SAMPLE_RATE) <= 20, event.text
            assert event.duration_ms > engine.ms + 50, "the therapist is slower than the engine"
            assert correlation(heard, said) > 0.8, event.text
            after = samples[end + int(0.11 * rate) : end + int(0.35 * rate)]
            assert float(np.abs(after).max()) < 0.001, f"{event.text}: sound after the phrase"
        else:
            assert abs(event.duration_ms - engine.ms) <= 30, event.text
        gains[recorded].append(speech_level_db(heard) - speech_level_db(engine.samples / 32768.0))
    assert len(gains[True]) == 5  # "één" and "twee" in each of two sets, "klaarmaken" once
    session_gain = float(np.median(gains[False]))
    for gain in gains[True]:
        assert abs(gain - session_gain) < LEVEL_TOLERANCE_DB, (gain, session_gain)
    missing = report_missing(speaker, program, tmp_path / "out")
    total = len({e.text for s in sessions for e in s.timeline.events if e.spoken})
    assert missing is not None
    assert missing.startswith(f"{total - 3} of {total} phrases have no recording")


@pytest.mark.slow
def test_build_names_the_missing_phrases_and_where_the_list_is(
    recordings: Path, tmp_path: Path, runner: CliRunner
) -> None:
    program = str(tiny_program(tmp_path))
    out = tmp_path / "out"
    args = ("build", "--program", program, "--voice-dir", str(recordings), "--out", str(out))
    result = run_cli(runner, *args)
    assert result.exit_code == 0, result.output
    listed = recordings / MISSING_NAME
    assert f"phrases have no recording in {recordings}" in result.output
    assert f"the list is in {listed}." in result.output
    with listed.open(encoding="utf-8", newline="") as handle:
        keys = [row["key"] for row in csv.DictReader(handle)]
    assert "tel-03" in keys
    assert any(key.startswith("oef-01-instructie-") for key in keys)
    assert not set(RECORDINGS) & set(keys)
    # The MP3s (full, short), the page, what changed, then one line about recordings.
    assert result.output.count("\n") == 5
    assert result.output.splitlines()[-1].startswith(f"{len(keys)} of ")


def test_unreadable_recording_is_one_line_naming_the_file(
    recordings: Path, tmp_path: Path, runner: CliRunner
) -> None:
    broken = recordings / "tel-01.wav"
    broken.write_bytes(b"RIFF nonsense, not audio")
    program = str(tiny_program(tmp_path))
    args = ("--program", program, "--voice-dir", str(recordings))
    result = run_cli(runner, "build", *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"audiocoach: The recording {broken} cannot be read")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_two_recordings_of_one_phrase_are_an_error(recordings: Path, voice: EspeakVoice) -> None:
    tone_recording(recordings / "tel-01.mp3", 440.0, 44_100, 1)
    with pytest.raises(
        SpeechError, match=r"'tel-01' has two recordings, tel-01.mp3 and tel-01.wav"
    ):
        RecordedVoice(recordings, {"één": "tel-01"}, voice)


@pytest.mark.parametrize(
    ("name", "message"), [("nergens", "does not exist"), ("klein.toml", "is a file")]
)
def test_voice_dir_that_is_no_folder_is_one_line(
    tmp_path: Path, runner: CliRunner, name: str, message: str
) -> None:
    program = tiny_program(tmp_path)
    result = run_cli(
        runner, "preview", "--program", str(program), "--voice-dir", str(tmp_path / name)
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"audiocoach: The folder of recordings {tmp_path / name} {message}"
        + (", not a folder.\n" if name.endswith("toml") else ".\n")
    )


def test_identity_changes_when_a_recording_changes(recordings: Path, voice: EspeakVoice) -> None:
    """The speech cache keys clips by identity: a re-recorded phrase must not come from it."""
    keys = {text: key for key, (text, *_) in RECORDINGS.items()}
    first = RecordedVoice(recordings, keys, voice).identity
    assert RecordedVoice(recordings, keys, voice).identity == first
    tone_recording(recordings / "tel-02.flac", 700.0, 48_000, 1)
    assert RecordedVoice(recordings, keys, voice).identity != first
    assert RecordedVoice(recordings, keys, EspeakVoice(rate=voice.rate + 20)).identity != first


@pytest.mark.slow
def test_patient_file_voice_dir_is_used_and_phrases_follow_its_dosage(
    recordings: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """``voice_dir`` in the patient file, relative to it; ``phrases`` takes the same file."""
    tiny_program(tmp_path)
    patient = tmp_path / "patient.toml"
    patient.write_text(
        'program = "klein.toml"\nvoice_dir = "opnames"\n\n[dosage]\nreps = 4\n', encoding="utf-8"
    )
    result = run_cli(runner, "build", str(patient), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert f"phrases have no recording in {recordings}" in result.output
    listed = run_cli(runner, "phrases", str(patient), "--out", str(tmp_path / "lijst"))
    assert listed.exit_code == 0, listed.output
    with (tmp_path / "lijst" / "phrases.csv").open(encoding="utf-8", newline="") as handle:
        keys = [row["key"] for row in csv.DictReader(handle)]
    assert "tel-04" in keys
    assert "dosering-2x4-rust-10" in keys


def test_recordings_are_found_whatever_the_case_of_their_names(tmp_path: Path) -> None:
    (tmp_path / "TEL-01.WAV").write_bytes(b"x")
    (tmp_path / "Oef-07-Titel.Flac").write_bytes(b"x")
    found = find_recordings(tmp_path, {"één": "tel-01", "Brug": "oef-07-titel", "twee": "tel-02"})
    assert found == {"één": tmp_path / "TEL-01.WAV", "Brug": tmp_path / "Oef-07-Titel.Flac"}


def test_a_recording_far_longer_than_a_phrase_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    """A whole session saved under a phrase's name: refused from its header, not decoded."""
    path = tmp_path / "tel-01.wav"
    rate = 8000
    noise = np.random.default_rng(1).normal(0, 0.1, rate * 121)
    soundfile.write(path, noise, rate, subtype="PCM_U8")
    with pytest.raises(SpeechError, match=r"lasts 2 minutes; a phrase may last at most 120"):
        read_recording(path)


@pytest.mark.slow
def test_a_second_build_with_recordings_speaks_nothing_with_the_engine(
    recordings: Path, tmp_path: Path, voice: EspeakVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine behind the recordings goes through the speech cache: what the recordings
    lack (and the loudness references of what they have) is spoken once, then read back,
    and the second build's files are the first one's, byte for byte."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))  # empty: the first build speaks
    engines: list[CountingVoice] = []

    def counting_engine(name: str | None, rate: int) -> CountingVoice:
        engines.append(CountingVoice(voice))
        return engines[-1]

    monkeypatch.setattr(voices, "engine_voice", counting_engine)
    program = load_program(tiny_program(tmp_path))
    for out in ("first", "second"):
        build(program, tmp_path / out, choose_voice(program, None, voice.rate, recordings))
    first, second = engines
    assert "drie" in first.said  # "tel-03", not recorded
    assert {"één", "twee"} <= set(first.said)  # recorded: said for their loudness only
    assert second.said == []
    assert tree_hashes(tmp_path / "second") == tree_hashes(tmp_path / "first")


def test_a_recorded_phrase_is_never_handed_over_as_the_engines_cache_entry(
    recordings: Path, tmp_path: Path, voice: EspeakVoice
) -> None:
    """Saying a recorded phrase keeps the engine's clip of it in the cache (its loudness
    reference), but a worker must be sent the recording, not that entry."""
    keys = {text: key for key, (text, *_) in RECORDINGS.items()}
    engine = CachedVoice(voice, tmp_path / "cache")
    speaker = RecordedVoice(recordings, {**keys, "drie": "tel-03"}, engine)
    for text in ("één", "drie"):
        speaker.synthesize(text)
    assert engine.stored("één") is not None
    assert speaker.stored("één") is None
    assert speaker.stored("drie") == engine.stored("drie") is not None
    assert speaker.recordings.missing == (("tel-03", "drie"),)
