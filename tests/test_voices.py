"""Voice settings: the engine's Dutch voices, --voice and --rate, and the optional Piper voice."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.errors import SpeechError
from audiocoach.pipeline.voices import engine_voice
from audiocoach.speech.piper import PiperVoice
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
    """Half the words per minute, nearly twice as long; the time to move after each count stays
    what the program file says (two seconds), whatever the voice's speed."""
    program = str(tiny_program(tmp_path))
    lengths = {}
    for rate in (100, 200):
        events = preview_json(runner, "--program", program, "--rate", str(rate))["phases"][0][
            "events"
        ]
        lengths[rate] = [e["duration_s"] for e in events if e["kind"] == "speech"]
        after_counts = [b for a, b in itertools.pairwise(events) if a["kind"] == "count"]
        assert len(after_counts) == 6
        assert all(e["kind"] == "pause" and e["duration_s"] == 2 for e in after_counts)
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


@pytest.fixture
def piper_model(tmp_path: Path) -> Path:
    """A real Piper voice when AUDIOCOACH_PIPER_MODEL names one, else a tiny generated one."""
    pytest.importorskip("piper", reason="piper-tts is optional and not installed")
    if os.environ.get("AUDIOCOACH_PIPER_MODEL"):
        return Path(os.environ["AUDIOCOACH_PIPER_MODEL"])
    pytest.importorskip("onnx", reason="making a stand-in Piper voice needs the onnx package")
    from piper_voice import tiny_piper_voice

    return tiny_piper_voice(tmp_path)


PIPER_RATES = """
import sys
from audiocoach.speech.voice import clip_of
from audiocoach.pipeline.voices import engine_voice
text = "Ga op de rug liggen met gebogen benen."
voices = [engine_voice(sys.argv[1], rate) for rate in (160, 100)]
print(*(clip_of(text, v.synthesize(text)).ms for v in voices), *(v.identity for v in voices))
"""


def in_own_process(*args: str) -> subprocess.CompletedProcess[str]:
    """Piper brings its own espeak-ng, which crashed next to another one loaded in the same
    process: so Piper runs in a process of its own, as it does in a build."""
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_piper_voice_speaks_and_follows_the_rate(piper_model: Path) -> None:
    result = in_own_process("-c", PIPER_RATES, str(piper_model))
    assert result.returncode == 0, result.stderr
    normal_ms, slow_ms, normal_id, slow_id = result.stdout.split()
    assert 1000 < int(normal_ms) < 10_000
    assert 1.4 < int(slow_ms) / int(normal_ms) < 1.8  # 160 / 100 words per minute
    assert normal_id.startswith("piper-")
    assert normal_id != slow_id


def test_piper_voice_speaks_a_whole_session(piper_model: Path, tmp_path: Path) -> None:
    """From the CLI: --voice with a model file; the timeline follows Piper's clips."""
    program = str(tiny_program(tmp_path))
    args = ("preview", "--json", "--program", program, "--voice", str(piper_model))
    result = in_own_process("-m", "audiocoach", *args)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["phases"][0]["events"]
    assert [e["text"] for e in events if e["kind"] == "count"] == ["één", "twee", "drie"] * 2
    assert all(e["duration_s"] > 0.1 for e in events if e["kind"] == "speech")
