"""What a practice hands out, beside the page: file names in playlist order, the feed's dates
and episode numbers, a bit rate chosen for speech, and a patient's zip small enough to e-mail."""

from __future__ import annotations

import email.utils
import io
import shutil
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from typer.testing import CliRunner

from audiocoach.audio.mp3 import EncoderSettings, encode_chunks
from audiocoach.model.base_url import check_base_url
from audiocoach.model.program import Program
from audiocoach.output.export import ITUNES, feed, zip_notice
from audiocoach.output.listing import SessionFile, present
from audiocoach.output.manifest import Manifest
from audiocoach.pipeline.build import BuiltFile
from audiocoach.speech.espeak import EspeakVoice
from helpers import SOURCE_DATE_EPOCH, run_cli, session_of


def described(default_build: list[BuiltFile]) -> list[SessionFile]:
    """The default build's session files as its folder's manifest describes them."""
    return present(Manifest.load(default_build[0].path.parent))


@pytest.mark.slow
def test_file_names_sort_in_playlist_order(default_build: list[BuiltFile]) -> None:
    """A player or car stereo that plays a folder by name plays the sessions as the playlist
    does: phase 1 before 2, each phase's full session before its short one (the README)."""
    folder = default_build[0].path.parent
    lines = (folder / "sessies.m3u8").read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if not line.startswith("#")]
    assert entries == sorted(p.name for p in folder.glob("*.mp3"))
    order = [(session_of(b).phase.number, session_of(b).variant) for b in default_build]
    assert order == sorted(order, key=lambda o: (o[0], o[1] != "volledig"))
    assert (1, "volledig") in order
    assert (1, "kort") in order


def test_a_file_under_an_older_name_is_not_listed_beside_its_successor(
    default_build: list[BuiltFile], tmp_path: Path
) -> None:
    """A folder built before names sorted in playlist order still holds
    ``fase-1-gehele-periode.mp3``, intact and described; the page lists the session once,
    under its name of now."""
    folder = tmp_path / "uit"
    shutil.copytree(default_build[0].path.parent, folder)
    manifest = Manifest.load(folder)
    new = default_build[0].path.name
    old = "fase-1-gehele-periode.mp3"
    shutil.copyfile(folder / new, folder / old)
    manifest.entries[old] = manifest.entries[new]
    manifest.save()
    assert [f.name for f in present(Manifest.load(folder))] == [b.path.name for b in default_build]


@pytest.mark.slow
def test_feed_items_are_dated_and_numbered_in_playlist_order(
    default_build: list[BuiltFile], program: Program
) -> None:
    """Episodes 1 to 4 as the playlist orders them (the full and the short session of a phase
    are two episodes), each with a ``pubDate`` that keeps that order for apps that sort by date:
    when the file was written, never before the episode ahead of it."""
    files = described(default_build)
    root = ET.fromstring(feed(program, files, check_base_url("https://www.praktijk.nl/oefeningen")))
    items = root.findall("channel/item")
    numbers = [item.findtext(f"{{{ITUNES}}}episode") for item in items]
    assert numbers == [str(n) for n in range(1, len(default_build) + 1)]
    dates = [email.utils.parsedate_to_datetime(item.findtext("pubDate") or "") for item in items]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)
    assert dates[0].timestamp() == SOURCE_DATE_EPOCH, "when the files were first written"
    assert root.findtext(f"channel/{{{ITUNES}}}type") == "serial"


SPEECH = [
    "Oefening twee: knieën opzij. Ga op de rug liggen met gebogen benen.",
    "U doet drie series van tien keer links en rechts. Ik tel mee.",
    "Beweeg de knieën samen naar links en dan naar rechts. Rust vijftien seconden.",
    "Herhaal deze oefeningen drie tot vijf keer per dag.",
]
LAME_SCALE_DB = 20 * np.log10(0.95)
"""LAME scales its input by 0.95 (docs/stack.md), at every bit rate."""


def band_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """The long-term level (dB) of each 250 Hz band from 0 to 10 kHz."""
    frames = samples[: len(samples) // 1024 * 1024].reshape(-1, 1024) * np.hanning(1024)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).mean(axis=0)
    freqs = np.fft.rfftfreq(1024, 1 / rate)
    return np.array(
        [
            10 * np.log10(power[(freqs >= lo) & (freqs < lo + 250)].sum())
            for lo in range(0, 10_000, 250)
        ]
    )


@pytest.mark.slow
def test_the_bit_rate_loses_nothing_a_listener_hears(voice: EspeakVoice) -> None:
    """The engine's Dutch, encoded as every session is and decoded again: the same loudness,
    the same spectrum up to 8 kHz, and nothing cut away up to 10 kHz (at 32 kbit/s LAME cuts
    everything above 8.3 kHz by 60 dB and more; docs/stack.md has the figures, measured on a
    whole session, where every 250 Hz band stays within a quarter decibel)."""
    sounds = [voice.synthesize(text) for text in SPEECH]
    rate = sounds[0].rate
    pcm = np.concatenate([s.samples for s in sounds]).astype(np.int16)
    data = b"".join(encode_chunks([pcm], EncoderSettings()))
    decoded, decoded_rate = soundfile.read(io.BytesIO(data), dtype="float64")
    assert decoded_rate == rate
    original = pcm.astype(np.float64) / 32768
    delay = int(np.argmax(np.correlate(decoded[:5000], original[:2000], mode="valid")))
    decoded = decoded[delay : delay + len(original)]
    original = original[: len(decoded)]
    meter = pyloudnorm.Meter(rate)
    change = meter.integrated_loudness(decoded) - meter.integrated_loudness(original)
    assert abs(change - LAME_SCALE_DB) < 0.1
    difference = band_levels(decoded, rate) - band_levels(original, rate) - LAME_SCALE_DB
    assert np.abs(difference[:32]).max() < 3.0, difference  # 20 s of speech: 64 kbit/s has 2.1
    assert difference[32:].min() > -3.0, f"nothing above 8 kHz cut away: {difference}"
    assert len(data) * 8 / (len(pcm) / rate) < 45_000, "small enough for an hour in 20 MB"


@pytest.mark.slow
def test_the_init_example_patients_zip_fits_in_an_email(tmp_path: Path, runner: CliRunner) -> None:
    """``audiocoach init``'s patient (8 repetitions, 2 sets, exercises 5, 6 and 9 of phase
    2): both phases, full and short, in one zip of at most 20 MB, and no notice."""
    patient = tmp_path / "patient.toml"
    assert run_cli(runner, "init", str(patient)).exit_code == 0
    result = run_cli(runner, "build", str(patient), "--out", str(tmp_path / "uit"), "--zip")
    assert result.exit_code == 0, result.output
    archive = tmp_path / "uit.zip"
    with zipfile.ZipFile(archive) as opened:
        mp3s = [n for n in opened.namelist() if n.endswith(".mp3")]
    assert len(mp3s) == 4
    assert archive.stat().st_size <= 20_000_000
    assert "MB" not in result.stdout


@pytest.mark.parametrize(
    ("size", "said"), [(1_000, False), (20_000_000, False), (20_000_001, True), (60_000_000, True)]
)
def test_a_zip_over_20_mb_is_said_in_one_line(tmp_path: Path, size: int, said: bool) -> None:
    archive = tmp_path / "uit.zip"
    with archive.open("wb") as handle:
        handle.truncate(size)  # sparse: only the size counts
    notice = zip_notice(archive)
    if not said:
        assert notice is None
    else:
        assert notice is not None
        assert "\n" not in notice
        assert str(archive) in notice
        assert f"{size / 1_000_000:.1f} MB" in notice
        assert "20 MB" in notice


@pytest.mark.slow
def test_the_build_says_when_its_zip_is_over_20_mb(
    default_build: list[BuiltFile], tmp_path: Path, runner: CliRunner
) -> None:
    """The card's own dosage, both phases (over two hours of audio): the build's summary ends
    with the one line."""
    folder = tmp_path / "uit"
    shutil.copytree(default_build[0].path.parent, folder)
    result = run_cli(runner, "build", "--out", str(folder), "--zip")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "uit.zip").stat().st_size > 20_000_000
    notices = [line for line in result.stdout.splitlines() if "more than the 20 MB" in line]
    assert len(notices) == 1, result.stdout


def test_the_time_bytes_were_first_written_is_kept_while_they_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild that writes the same bytes keeps the feed's date; other bytes get a new one;
    without ``SOURCE_DATE_EPOCH`` the date is the clock's."""
    manifest = Manifest(tmp_path)
    (tmp_path / "a.mp3").write_bytes(b"first")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000")
    manifest.record("a.mp3", "print", 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000")
    manifest.record("a.mp3", "print", 0)
    assert manifest.entries["a.mp3"].written == 1000
    (tmp_path / "a.mp3").write_bytes(b"other")
    manifest.record("a.mp3", "print", 0)
    assert manifest.entries["a.mp3"].written == 2000
    manifest.save()
    assert Manifest.load(tmp_path).entries["a.mp3"].written == 2000
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (tmp_path / "a.mp3").write_bytes(b"third")
    before = time.time()
    manifest.record("a.mp3", "print", 0)
    assert int(before) <= manifest.entries["a.mp3"].written <= time.time()
