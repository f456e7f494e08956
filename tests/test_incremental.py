"""Skipping what did not change, and encoding phases side by side in worker processes.

Built from the small two-phase program with the tone voice: these tests are about which files
are made again, not how the engine sounds (its sound is the end-to-end tests'). Each builds
MP3s, so all are ``slow``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.errors import OutputError
from audiocoach.model.program import Program
from audiocoach.output import manifest as manifest_module
from audiocoach.output.manifest import MANIFEST_NAME, Manifest, fingerprint
from audiocoach.pipeline.build import BuiltFile, phase_file_order, prepare
from audiocoach.pipeline.build import build as build_files
from audiocoach.pipeline.phase_file import make_phase_file
from audiocoach.script.writer import Templates, session_script
from audiocoach.speech.cache import CachedVoice
from audiocoach.speech.espeak import EspeakVoice
from counting import with_dosage
from fake_voice import ToneVoice
from helpers import decode, run_cli, session_of

pytestmark = pytest.mark.slow


@pytest.fixture
def card(two_phase: Program) -> Program:
    return two_phase


@pytest.fixture
def cached() -> CachedVoice:
    """The tone voice behind the run's private cache: each text is made once for these tests."""
    return CachedVoice(ToneVoice())


def build(*args: Any, **kwargs: Any) -> list[BuiltFile]:
    """One process unless a test asks for workers: spawning is slow and tested on its own."""
    kwargs.setdefault("workers", 1)
    return build_files(*args, **kwargs)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every MP3 with its modification time and bytes."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.glob("*.mp3"))}


def rebuilt(files: list[BuiltFile]) -> list[bool]:
    return [not f.kept for f in files]


def test_nothing_changed_means_nothing_spoken_rendered_or_written(
    card: Program, tone_voice: ToneVoice, cached: CachedVoice, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build(card, out, cached)
    before = snapshot(out)
    engine = tone_voice  # the same identity, no cache: any synthesis would show
    second = build(card, out, engine)
    assert engine.said == []
    assert rebuilt(second) == [False] * 4  # each phase in full and short
    assert snapshot(out) == before
    assert [f.duration_ms for f in second] == [f.duration_ms for f in first]
    assert [f.path for f in second] == [f.path for f in first]


def test_only_the_phase_that_changed_is_rebuilt(
    card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(card, out, cached)
    before = snapshot(out)
    # Exercise 2 is in phase 2 only.
    again = build(with_dosage(card, only=2, reps=3), out, cached)
    assert rebuilt(again) == [False, False, True, True]
    after = snapshot(out)
    for name in before:
        assert (after[name] == before[name]) == name.startswith(("fase-1a-", "fase-1b-")), name
    counts = [e for e in session_of(again[2]).timeline.events if e.exercise == 2]
    assert [e.text for e in counts if e.kind == "count"] == ["één", "twee", "drie"]


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1000])


def same_size_other_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [truncate, same_size_other_bytes, Path.unlink], ids=["cut", "changed", "gone"]
)
def test_a_damaged_or_missing_file_is_rebuilt(
    damage: Callable[[Path], object], card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build(card, out, cached)
    damage(first[2].path)
    again = build(card, out, cached)
    assert rebuilt(again) == [False, False, True, False]
    samples, rate = decode(again[2].path)
    assert abs(len(samples) / rate - again[2].duration_ms / 1000) < 0.1


def test_nothing_changed_reads_no_session_file_again(
    card: Program, cached: CachedVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files not written since the manifest was are taken as it describes them (the way git
    reads its index): a rebuild with nothing changed hashes no MP3 (each is megabytes)."""
    out = tmp_path / "out"
    build(card, out, cached)
    hashed: list[str] = []
    digest = manifest_module.file_digest

    def counted(path: Path) -> str:
        hashed.append(path.name)
        return digest(path)

    monkeypatch.setattr(manifest_module, "file_digest", counted)
    assert rebuilt(build(card, out, cached)) == [False] * 4
    assert [name for name in hashed if name.endswith(".mp3")] == []


def test_a_file_found_changed_is_not_vouched_for_by_a_later_manifest(
    card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    """A phase-2 file changed in place (same size) while only phase 1 is built: that build
    writes a newer manifest, yet the file is not taken for intact by its older time."""
    out = tmp_path / "out"
    first = build(card, out, cached)
    same_size_other_bytes(first[2].path)
    changed = replace(card, title=f"{card.title} (nieuw)")  # phase 1 is made again
    build(changed, out, cached, phases=[changed.phases[0]])
    names = [f.path.name for f in build(changed, out, cached, phases=[changed.phases[0]])]
    assert first[2].path.name not in names
    listed = [n for n in Manifest.load(out).entries if n.endswith(".mp3")]
    assert first[2].path.name not in listed
    assert first[3].path.name in listed


def test_an_unreadable_manifest_means_a_full_rebuild(
    card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    """End to end, once; every kind of garbage the reader meets is in test_manifest_reader."""
    out = tmp_path / "out"
    build(card, out, cached)
    (out / MANIFEST_NAME).write_text("{")
    assert rebuilt(build(card, out, cached)) == [True] * 4
    assert len([n for n in Manifest.load(out).entries if n.endswith(".mp3")]) == 4


def test_force_rebuilds_everything(card: Program, cached: CachedVoice, tmp_path: Path) -> None:
    build(card, tmp_path, cached)
    assert rebuilt(build(card, tmp_path, cached, force=True)) == [True] * 4


def test_the_fingerprint_holds_every_input(program: Program, voice: EspeakVoice) -> None:
    templates = Templates()
    script = session_script(program, program.phases[0], templates)
    base = fingerprint(script, voice.identity, EncoderSettings())
    assert base == fingerprint(
        session_script(program, program.phases[0], Templates()), voice.identity, EncoderSettings()
    )
    other_dosage = session_script(with_dosage(program, rest_s=20), program.phases[0], templates)
    other_title = replace(program, title="Een ander programma")
    variants = {
        "dosage": fingerprint(other_dosage, voice.identity, EncoderSettings()),
        "program": fingerprint(
            session_script(other_title, other_title.phases[0], templates),
            voice.identity,
            EncoderSettings(),
        ),
        "voice": fingerprint(script, EspeakVoice(rate=170).identity, EncoderSettings()),
        "bit rate": fingerprint(script, voice.identity, EncoderSettings(bit_rate_kbps=96)),
        "quality": fingerprint(script, voice.identity, EncoderSettings(quality=2)),
        "phase": fingerprint(
            session_script(program, program.phases[1], templates),
            voice.identity,
            EncoderSettings(),
        ),
    }
    assert base not in variants.values()
    assert len(set(variants.values())) == len(variants)


def test_other_encoder_settings_rebuild(card: Program, cached: CachedVoice, tmp_path: Path) -> None:
    build(card, tmp_path, cached)
    again = build(card, tmp_path, cached, encoder=EncoderSettings(bit_rate_kbps=32))
    assert rebuilt(again) == [True] * 4


def test_workers_write_the_same_bytes_as_one_process(
    card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    """Two spawned workers and the inline path agree byte for byte, and progress is reported."""
    seen: list[tuple[int, int, str]] = []
    parallel = build(card, tmp_path / "two", cached, workers=2, progress=lambda *a: seen.append(a))
    inline = build(card, tmp_path / "one", cached, workers=1)
    for a, b in zip(parallel, inline, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()
    assert [s for s in seen if s[2] == "encoding"] == [(n, 4, "encoding") for n in range(1, 5)]
    speaking = [s for s in seen if s[2] == "speaking"]
    assert speaking[-1][0] == speaking[-1][1]


def test_the_cli_says_which_files_were_kept(
    first_cli_build: tuple[Path, Result], runner: CliRunner
) -> None:
    """The default build, twice: phase 1 only (phase 2 waits for the therapist's choice)."""
    out, first = first_cli_build
    assert first.exit_code == 0, first.output
    assert "unchanged" not in first.stdout
    assert sorted(p.name for p in out.glob("*.mp3")) == [
        "fase-1a-gehele-periode.mp3",
        "fase-1b-gehele-periode-kort.mp3",
    ]
    last = first.stdout.splitlines()[-1]  # one plain line: how to make phase 2
    assert last.startswith("Phase 2 (Opbouw) is made with the therapist's choice"), last
    assert "--select all" in last
    # The card's most, five times a day, of phase 1's short session is over an hour.
    assert first.stderr.startswith("Let op, fase 1: "), first.stderr
    second = run_cli(runner, "build", "--out", str(out))  # leaves the folder as it was
    assert second.exit_code == 0, second.output
    unchanged = [
        line
        for line in second.stdout.splitlines()
        if ".mp3  (" in line and line.endswith("  unchanged")
    ]
    assert len(unchanged) == 2  # phase 1 in full and short: no choice made
    assert "Nothing changed in " in second.stdout


def test_jobs_name_cached_clips_instead_of_carrying_them(
    card: Program, tone_voice: ToneVoice, cached: CachedVoice, tmp_path: Path
) -> None:
    """Workers read kept clips from the cache: no copy of a session's samples in the pipe."""
    sessions, clips = prepare(card, cached)
    session = sessions[0]
    job = phase_file_order(tmp_path / "a.mp3", session, clips, cached, EncoderSettings())
    assert set(job.clips) == set(session.script.tones)  # tones travel by value: a few kB
    assert set(job.cached) == set(session.script.texts)
    plain = phase_file_order(tmp_path / "a.mp3", session, clips, tone_voice, EncoderSettings())
    assert set(plain.clips) == {*session.script.texts, *session.script.tones}
    assert plain.cached == {}
    assert make_phase_file(job).read_bytes() == make_phase_file(plain).read_bytes()


def test_a_cache_entry_damaged_during_the_build_is_a_plain_error(
    card: Program, cached: CachedVoice, tmp_path: Path
) -> None:
    sessions, clips = prepare(card, cached)
    job = phase_file_order(tmp_path / "a.mp3", sessions[0], clips, cached, EncoderSettings())
    entry = next(iter(job.cached.values()))
    original = entry.read_bytes()
    try:
        entry.write_bytes(original[:100])
        with pytest.raises(OutputError, match="changed during the build"):
            make_phase_file(job)
        assert not job.path.exists()
    finally:
        entry.write_bytes(original)


def test_a_manifest_nested_thousands_deep_counts_as_none(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text(
        '{"format": 1, "files": ' + "[" * 50_000 + "]" * 50_000 + "}"
    )
    assert Manifest.load(tmp_path).entries == {}
