"""Voice settings: the engine's Dutch voices, --voice and --rate, and the optional Piper voice."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.errors import SpeechError
from audiocoach.speech import Voice, clip_of
from audiocoach.speech.piper import PiperVoice
from audiocoach.voices import engine_voice
from helpers import preview_json, run_cli, tiny_program


def test_voices_lists_the_dutch_voices(runner: CliRunner) -> None:
    result = run_cli(runner, "voices")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split("\t")[0] == "gmw/nl"


@pytest.mark.parametrize("command", ["build", "preview"])
def test_unknown_voice_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, command: str
) -> None:
    result = run_cli(runner, command, "--voice", "gmw/xx-onbekend", "--out", str(tmp_path))
    if command == "preview":
        result = run_cli(runner, command, "--voice", "gmw/xx-onbekend")
    assert result.exit_code == 2
    assert result.stderr.startswith("audiocoach: The voice 'gmw/xx-onbekend' does not exist")
    assert "gmw/nl" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("rate", ["79", "301", "snel"])
def test_rate_out_of_range_is_exit_2(runner: CliRunner, rate: str) -> None:
    result = run_cli(runner, "preview", "--rate", rate)
    assert result.exit_code == 2
    assert "--rate" in result.stderr


@pytest.mark.slow
def test_rate_changes_the_speech_lengths(runner: CliRunner, tmp_path: Path) -> None:
    """Half the words per minute, nearly twice as long; the counts still keep their beat."""
    program = str(tiny_program(tmp_path))
    lengths = {}
    for rate in (100, 200):
        events = preview_json(runner, "--program", program, "--rate", str(rate))["phases"][0][
            "events"
        ]
        lengths[rate] = [e["duration_s"] for e in events if e["kind"] == "speech"]
        counts = [e["start_s"] for e in events if e["kind"] == "count"]
        assert [round(b - a, 3) for a, b in itertools.pairwise(counts[:3])] == [2, 2]
    assert len(lengths[100]) == len(lengths[200])
    for slow, fast in zip(lengths[100], lengths[200], strict=True):
        assert 1.5 < slow / fast < 2.3, (slow, fast)


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A file named like a Piper voice (not a real model: none can be downloaded here)."""
    path = tmp_path / "nl_BE-proef-medium.onnx"
    path.write_bytes(b"not a model")
    path.with_name(path.name + ".json").write_text("{}", encoding="utf-8")
    return path


def test_piper_model_missing_is_a_plain_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nl_BE-weg-medium.onnx"
    result = run_cli(runner, "preview", "--voice", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"audiocoach: The Piper voice {missing} does not exist.\n"


def test_piper_settings_missing_is_a_plain_error(model: Path) -> None:
    model.with_name(model.name + ".json").unlink()
    with pytest.raises(SpeechError, match=r"settings file nl_BE-proef-medium.onnx.json beside it"):
        engine_voice(str(model), 150)


def test_piper_not_installed_is_a_plain_error(
    model: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    """Whether or not piper-tts is installed here, pretend it is not (an import of None fails)."""
    monkeypatch.setitem(sys.modules, "piper", None)
    result = run_cli(runner, "preview", "--voice", str(model))
    assert result.exit_code == 2
    assert "is a Piper voice, but piper-tts is not installed" in result.stderr
    assert "pip install piper-tts" in result.stderr
    assert result.stderr.count("\n") == 1


def test_piper_broken_model_is_a_plain_error(model: Path) -> None:
    pytest.importorskip("piper", reason="piper-tts is optional and not installed")
    with pytest.raises(SpeechError, match="cannot be loaded"):
        PiperVoice(model, 150)


PIPER_MODEL = os.environ.get("AUDIOCOACH_PIPER_MODEL")


@pytest.mark.skipif(
    not PIPER_MODEL,
    reason="no Piper voice here: set AUDIOCOACH_PIPER_MODEL to a .onnx voice to run this",
)
def test_piper_voice_speaks_dutch_slower_at_a_lower_rate() -> None:
    pytest.importorskip("piper", reason="piper-tts is optional and not installed")
    assert PIPER_MODEL
    text = "Ga op de rug liggen met gebogen benen."
    normal = engine_voice(PIPER_MODEL, 160)
    assert isinstance(normal, Voice)
    clip = clip_of(text, normal.synthesize(text))
    slow = clip_of(text, engine_voice(PIPER_MODEL, 100).synthesize(text))
    assert 1000 < clip.ms < 8000
    assert slow.ms > 1.3 * clip.ms
    assert "piper" in normal.identity
