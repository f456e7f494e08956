"""The speech cache: each text said once per voice, damaged entries remade, never played."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import platformdirs
import pytest
from typer.testing import CliRunner

from audiocoach import cache
from audiocoach.build import build, prepare
from audiocoach.cache import (
    ENV_VAR,
    CachedVoice,
    cache_dir,
    cache_info,
    decode_entry,
    encode_entry,
    entry_key,
)
from audiocoach.program import Program
from audiocoach.speech import clip_of
from audiocoach.speech.espeak import EspeakVoice
from counting import CountingVoice, small, with_dosage
from helpers import run_cli


def samples_of_clip(voice: CachedVoice, text: str) -> np.ndarray:
    return clip_of(text, voice.synthesize(text)).samples


def test_each_text_is_synthesised_once_then_read_back(voice: EspeakVoice, tmp_path: Path) -> None:
    engine = CountingVoice(voice)
    first = CachedVoice(engine, tmp_path)
    made = {text: samples_of_clip(first, text) for text in ("één", "twee", "één")}
    assert engine.said == ["één", "twee"]
    again = CachedVoice(engine, tmp_path)
    for text, samples in made.items():
        assert np.array_equal(samples_of_clip(again, text), samples)
    assert engine.said == ["één", "twee"], "a warm cache must not synthesise"
    assert (again.stats.hits, again.stats.made, again.stats.repaired) == (2, 0, 0)


def test_other_rep_counts_synthesise_only_new_numbers(
    program: Program, voice: EspeakVoice, tmp_path: Path
) -> None:
    phase = [program.phases[0]]
    engine = CountingVoice(voice)
    prepare(program, CachedVoice(engine, tmp_path), phases=phase)
    before = set(engine.said)
    engine.said.clear()
    sessions, _ = prepare(
        with_dosage(program, reps=12), CachedVoice(engine, tmp_path), phases=phase
    )
    new = set(sessions[0].script.texts) - before
    assert sorted(engine.said) == sorted(new), "each new text once, nothing said before"
    assert {"elf", "twaalf"} <= new
    # Besides the two new counts, only the sentence that announces the dosage changed.
    assert all("twaalf" in text for text in new - {"elf", "twaalf"})


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def flip_sample(data: bytes) -> bytes:
    return data[:-3] + bytes([data[-3] ^ 0x40]) + data[-2:]


def flip_checksum(data: bytes) -> bytes:
    return data[:30] + bytes([data[30] ^ 1]) + data[31:]


def foreign(data: bytes) -> bytes:
    return b"RIFF" + data[4:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": truncate,
    "a changed sample": flip_sample,
    "a changed checksum": flip_checksum,
    "another file type": foreign,
    "empty": lambda _: b"",
    "only a header": lambda data: data[:56],
    "one byte too many": lambda data: data + b"\0",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_entry_is_removed_and_remade_never_played(
    damage: Callable[[bytes], bytes], voice: EspeakVoice, tmp_path: Path
) -> None:
    engine = CountingVoice(voice)
    good = samples_of_clip(CachedVoice(engine, tmp_path), "drie")
    entry = CachedVoice(engine, tmp_path).path_for("drie")
    damaged = damage(entry.read_bytes())
    entry.write_bytes(damaged)
    assert decode_entry(damaged) is None

    repairing = CachedVoice(engine, tmp_path)
    remade = samples_of_clip(repairing, "drie")
    assert engine.said == ["drie", "drie"]
    assert (repairing.stats.repaired, repairing.stats.made) == (1, 1)
    assert abs(len(remade) - len(good)) <= 0.03 * 22_050  # espeak-ng's jitter, no leftovers
    stored = decode_entry(entry.read_bytes())
    assert stored is not None
    assert np.array_equal(stored, remade)


def test_entries_round_trip_and_reject_bit_flips() -> None:
    samples = np.array([0, 1, -1, 32767, -32768], dtype=np.int16)
    data = encode_entry(samples)
    decoded = decode_entry(data)
    assert decoded is not None
    assert np.array_equal(decoded, samples)
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        assert decode_entry(bytes(flipped)) is None, position


def test_the_key_holds_voice_rate_text_and_format(
    voice: EspeakVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = entry_key(voice, "één")
    assert key != entry_key(voice, "twee")
    assert key != entry_key(EspeakVoice(rate=voice.rate + 10), "één")
    assert key == entry_key(EspeakVoice(rate=voice.rate), "één")
    monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION + 1)
    assert key != entry_key(voice, "één")


def test_writes_leave_no_temporary_files(voice: EspeakVoice, tmp_path: Path) -> None:
    cached = CachedVoice(voice, tmp_path)
    for text in ("vier", "vijf"):
        cached.synthesize(text)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        cached.path_for(text).name for text in ("vier", "vijf")
    )


def test_a_cache_that_cannot_be_written_does_not_stop_speech(
    voice: EspeakVoice, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cached = CachedVoice(voice, blocked / "clips")
    assert len(samples_of_clip(cached, "zes")) > 0
    assert cached.stats.made == 1


def test_cache_folder_is_the_users_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert cache_dir() == tmp_path / "clips"
    monkeypatch.delenv(ENV_VAR)
    assert cache_dir() == Path(platformdirs.user_cache_dir("audiocoach")) / "clips"


def test_cache_info_and_clear_commands(
    voice: EspeakVoice, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    cached = CachedVoice(voice)
    cached.synthesize("zeven")
    cached.synthesize("acht")
    (cache_dir() / "notes.txt").write_text("not ours")
    info = run_cli(runner, "cache", "info")
    assert info.exit_code == 0
    assert "2 clips" in info.stdout
    cleared = run_cli(runner, "cache", "clear")
    assert cleared.exit_code == 0
    assert "Removed 2 clips" in cleared.stdout
    assert cache_info().entries == 0
    assert (cache_dir() / "notes.txt").read_text() == "not ours"


def test_no_cache_leaves_the_cache_alone(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    result = run_cli(runner, "preview", "--no-cache")
    assert result.exit_code == 0
    assert cache_info().entries == 0
    result = run_cli(runner, "preview")
    assert result.exit_code == 0
    assert cache_info().entries > 20


def test_build_and_preview_in_one_process_give_identical_timelines(
    program: Program, voice: EspeakVoice, tmp_path: Path
) -> None:
    """Through the cache, every clip has one length, whoever asks for it."""
    card = small(program)
    built = build(card, tmp_path / "out", CachedVoice(voice, tmp_path / "cache"))
    previewed, _ = prepare(card, CachedVoice(voice, tmp_path / "cache"))
    assert [b.session.timeline for b in built if b.session] == [s.timeline for s in previewed]
