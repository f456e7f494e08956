"""The speech cache: each text said once per voice, damaged entries remade, never played."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import platformdirs
import pytest
from typer.testing import CliRunner

from audiocoach.errors import OutputError
from audiocoach.model.program import Program
from audiocoach.pipeline.build import build, prepare
from audiocoach.sound import Sound
from audiocoach.speech import cache
from audiocoach.speech.cache import (
    ENV_VAR,
    CachedVoice,
    cache_dir,
    cache_info,
    decode_entry,
    encode_entry,
    entry_key,
    load_entry,
)
from audiocoach.speech.espeak import EspeakVoice
from audiocoach.speech.voice import Voice, clip_of
from counting import CountingVoice, with_dosage
from fake_voice import ToneVoice
from helpers import run_cli, tiny_program, tree_hashes


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


def test_other_rep_counts_synthesise_only_new_numbers(
    program: Program, tone_voice: ToneVoice, tmp_path: Path
) -> None:
    phase = [program.phases[0]]
    engine = tone_voice
    prepare(program, CachedVoice(engine, tmp_path), phases=phase)
    before = set(engine.said)
    engine.said.clear()
    sessions, _ = prepare(
        with_dosage(program, reps=12), CachedVoice(engine, tmp_path), phases=phase
    )
    new = {text for session in sessions for text in session.script.texts} - before
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
    assert decode_entry(damaged, entry.stem) is None

    repairing = CachedVoice(engine, tmp_path)
    remade = samples_of_clip(repairing, "drie")
    assert engine.said == ["drie", "drie"]
    assert abs(len(remade) - len(good)) <= 0.03 * 22_050  # espeak-ng's jitter, no leftovers
    stored = decode_entry(entry.read_bytes(), entry.stem)
    assert stored is not None
    assert np.array_equal(stored[0], remade)


def test_entries_round_trip_and_reject_bit_flips() -> None:
    samples = np.array([0, 1, -1, 32767, -32768], dtype=np.int16)
    data = encode_entry(samples, "een-sleutel")
    decoded = decode_entry(data, "een-sleutel")
    assert decoded is not None
    assert np.array_equal(decoded[0], samples)
    assert decode_entry(data, "een-andere") is None
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        assert decode_entry(bytes(flipped), "een-sleutel") is None, position


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
    engine = CountingVoice(voice)
    cached = CachedVoice(engine, blocked / "clips")
    assert cached.unwritable is None
    assert len(samples_of_clip(cached, "zes")) > 0
    assert len(samples_of_clip(cached, "zeven")) > 0
    assert engine.said == ["zes", "zeven"]
    said = cached.unwritable
    assert said is not None
    assert "\n" not in said  # one line, whatever the system's reason
    assert said.startswith(f"The speech cache {blocked / 'clips'} cannot be written (")
    assert said.endswith("); the next build speaks every phrase again.")


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
    program = str(tiny_program(tmp_path))
    result = run_cli(runner, "preview", "--program", program, "--no-cache")
    assert result.exit_code == 0
    assert cache_info().entries == 0
    result = run_cli(runner, "preview", "--program", program)
    assert result.exit_code == 0
    assert cache_info().entries > 10


@pytest.mark.slow
def test_build_and_preview_in_one_process_give_identical_timelines(
    two_phase: Program, voice: EspeakVoice, tmp_path: Path
) -> None:
    """Through the cache, every clip of the real engine has one length, whoever asks for it."""
    card = two_phase
    built = build(card, tmp_path / "out", CachedVoice(voice, tmp_path / "cache"))
    previewed, _ = prepare(card, CachedVoice(voice, tmp_path / "cache"))
    assert [b.session.timeline for b in built if b.session] == [s.timeline for s in previewed]


def test_swapped_entries_are_never_played_as_each_other(voice: EspeakVoice, tmp_path: Path) -> None:
    first = CachedVoice(voice, tmp_path)
    one, two = samples_of_clip(first, "één"), samples_of_clip(first, "twee")
    a, b = first.path_for("één"), first.path_for("twee")
    a.rename(tmp_path / "swap")
    b.rename(a)
    (tmp_path / "swap").rename(b)
    engine = CountingVoice(voice)
    again = CachedVoice(engine, tmp_path)
    assert not np.array_equal(samples_of_clip(again, "één"), two)
    assert not np.array_equal(samples_of_clip(again, "twee"), one)
    assert engine.said == ["één", "twee"]
    assert decode_entry(a.read_bytes(), a.stem) is not None, "the swapped entries are remade"


ENTRIES_THAT_ARE_NOT_FILES = """
import os, sys
from pathlib import Path
from audiocoach.speech.cache import CachedVoice
from audiocoach.output.manifest import MANIFEST_NAME, Manifest
from audiocoach.speech.voice import clip_of
from audiocoach.speech.espeak import EspeakVoice

folder = Path(sys.argv[1])
cached = CachedVoice(EspeakVoice(), folder / "clips")
cached.folder.mkdir()
os.mkfifo(cached.path_for("drie"))
cached.path_for("vier").symlink_to("/dev/zero")
for text in ("drie", "vier"):
    assert len(clip_of(text, cached.synthesize(text)).samples) > 0
assert cached.path_for("drie").is_file() and not cached.path_for("vier").is_symlink()
for kind in ("fifo", "zero"):
    out = folder / kind
    out.mkdir()
    if kind == "fifo":
        os.mkfifo(out / MANIFEST_NAME)
    else:
        (out / MANIFEST_NAME).symlink_to("/dev/zero")
    assert Manifest.load(out).entries == {}
print("ok")
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="FIFOs, /dev/zero, rlimits")
def test_entries_and_manifests_that_are_not_regular_files_are_skipped(tmp_path: Path) -> None:
    """A FIFO would wait forever and /dev/zero fill the memory: in a process of its own with
    bounded memory and time, so a regression fails this test instead of the machine."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    done = subprocess.run(
        [sys.executable, "-c", ENTRIES_THAT_ARE_NOT_FILES, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=bounded,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "ok"


class OtherVoice(Voice):
    """The same identity as ``voice`` but another clip: what espeak-ng does from run to run
    (it varies a clip by milliseconds), made plain. Before it answers, another build keeps
    its own clip of the text in the shared cache."""

    def __init__(self, voice: EspeakVoice, other_build: CachedVoice) -> None:
        self.voice = voice
        self.other_build = other_build

    @property
    def identity(self) -> str:
        return self.voice.identity

    def synthesize(self, text: str) -> Sound:
        self.other_build.synthesize(text)
        sound = self.voice.synthesize(text)
        return Sound(np.concatenate([sound.samples, sound.samples]), sound.rate)


def test_the_first_clip_kept_for_a_text_is_the_one_every_build_uses(
    voice: EspeakVoice, tmp_path: Path
) -> None:
    other_build = CachedVoice(voice, tmp_path)
    this_build = CachedVoice(OtherVoice(voice, other_build), tmp_path)
    mine = samples_of_clip(this_build, "negen")
    theirs = samples_of_clip(CachedVoice(voice, tmp_path), "negen")
    assert np.array_equal(mine, theirs)
    stored = this_build.stored("negen")
    assert stored is not None
    assert np.array_equal(load_entry(stored.path, stored.checksum), mine)


def test_a_worker_refuses_an_entry_that_changed_since_the_timeline_was_made(
    voice: EspeakVoice, tmp_path: Path
) -> None:
    cached = CachedVoice(voice, tmp_path)
    samples_of_clip(cached, "tien")
    stored = cached.stored("tien")
    assert stored is not None
    path, checksum = stored.path, stored.checksum
    decoded = decode_entry(path.read_bytes(), path.stem)
    assert decoded is not None
    path.write_bytes(encode_entry(decoded[0][:-1], path.stem))  # intact, but another clip
    with pytest.raises(OutputError, match="changed during the build"):
        load_entry(path, checksum)


@pytest.mark.slow
def test_two_builds_sharing_an_empty_cache_at_once_give_the_same_bytes(tmp_path: Path) -> None:
    """Both speak at the same time; whichever keeps a clip first, both play that one, and
    each build's MP3, transcript and page agree."""
    program = tiny_program(tmp_path)
    env = {**os.environ, ENV_VAR: str(tmp_path / "gedeeld")}
    builds = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "audiocoach",
                "build",
                "--program",
                str(program),
                "--quiet",
                "--out",
                str(tmp_path / name),
                "--reps",
                "12",
            ],
            env=env,
            stderr=subprocess.PIPE,
        )
        for name in ("een", "twee")
    ]
    for build_ in builds:
        _, stderr = build_.communicate(timeout=300)
        assert build_.returncode == 0, stderr
    first, second = (tree_hashes(tmp_path / name) for name in ("een", "twee"))
    assert first == second
    assert {"fase-1a-begin.mp3", "fase-1a-begin.vtt", "index.html"} <= first.keys()


@pytest.mark.slow  # encodes its MP3s in this process
def test_a_build_whose_cache_cannot_be_written_says_so_once(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instead of speaking every phrase again on every build without a word: one line on
    stderr, however many clips could not be kept; the files are made all the same."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(ENV_VAR, str(blocked))
    program = tiny_program(tmp_path)
    out = tmp_path / "uit"
    result = run_cli(runner, "build", "--program", str(program), "--out", str(out))
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "speech cache" in line]
    assert len(warned) == 1, result.stderr
    assert warned[0].startswith(f"The speech cache {blocked / 'clips'} cannot be written")
    assert (out / "fase-1a-begin.mp3").is_file()
    assert "speech cache" not in result.stdout
