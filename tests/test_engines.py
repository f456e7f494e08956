"""A new speech engine is its module and one row of the engine table (docs/design.md, "Four
changes, walked"): with the row alone, ``audiocoach voices`` and serve list its voices, --voice
and serve's form take them, and --voice's help says how to name them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audiocoach.pipeline.voices import engine_voice
from audiocoach.serve.form import check_form
from audiocoach.serve.practice import check_practice
from audiocoach.serve.worker import run_voices
from audiocoach.sound import Sound
from audiocoach.speech import engines
from audiocoach.speech.espeak import VoiceInfo
from audiocoach.speech.voice import Voice
from helpers import run_cli


class ProefVoice(Voice):
    """The new engine's voice: it says every text as a short tone."""

    def __init__(self, voice: str | None, rate: int) -> None:
        self.voice, self.rate = voice, rate

    @property
    def identity(self) -> str:
        return f"proef:{self.voice}:{self.rate}"

    def synthesize(self, text: str) -> Sound:
        tone = np.sin(np.arange(2205) * 0.2) * 8000
        return Sound(tone.astype(np.int16), 22050)


LISTED = engines.Engine(
    "proef",
    ProefVoice,
    claims=lambda voice: voice.startswith("proef/"),
    voices=lambda: [
        VoiceInfo("proef/nl", "Proefstem", ("nl",)),
        VoiceInfo("proef/en", "X", ("en",)),
    ],
)
MODELS = engines.Engine(
    "proefmodel",
    ProefVoice,
    claims=lambda voice: voice.endswith(".proef"),
    help="a proef model file (.proef)",
    label="Proefmodel",
    model_files=True,
)


@pytest.fixture
def new_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two rows added before the system's, as the table's docstring asks."""
    rows = engines.ENGINES
    monkeypatch.setattr(engines, "ENGINES", (*rows[:-1], LISTED, MODELS, rows[-1]))


@pytest.mark.usefixtures("new_engines")
def test_its_dutch_voices_are_listed_after_the_bundled_ones(runner: CliRunner) -> None:
    result = run_cli(runner, "voices")
    assert result.exit_code == 0, result.output
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert ids[0] == "gmw/nl"
    assert "proef/nl" in ids
    assert "proef/en" not in ids
    assert ("proef/nl", "Proefstem") in run_voices(None, lambda _percent, _what: None)


@pytest.mark.usefixtures("new_engines")
def test_voice_speaks_with_the_engine_that_claims_it() -> None:
    listed = engine_voice("proef/nl", 170)
    model = engine_voice("stemmen/nl.proef", 150)
    assert isinstance(listed, ProefVoice)
    assert listed.identity == "proef:proef/nl:170"
    assert isinstance(model, ProefVoice)
    assert model.identity == "proef:stemmen/nl.proef:150"


@pytest.mark.usefixtures("new_engines")
def test_an_unknown_voice_names_its_voices_too(runner: CliRunner) -> None:
    result = run_cli(runner, "preview", "--voice", "gmw/xx-onbekend")
    assert result.exit_code == 2
    assert "Dutch voices here: gmw/nl" in result.stderr
    assert "proef/nl" in result.stderr


@pytest.mark.usefixtures("new_engines")
def test_serve_takes_its_voices(tmp_path: Path) -> None:
    """A listed voice where it is listed; a model file inside the output folder, not outside
    it, on the patient's form only (the practice's settings choose from the list)."""
    fields = {"label": "A-B", "voice": "proef/nl"}
    assert "voice" not in check_form(fields, [], tmp_path, ["gmw/nl", "proef/nl"]).errors
    assert "voice" in check_form(fields, [], tmp_path, ["gmw/nl"]).errors
    inside = {**fields, "voice": str(tmp_path / "stemmen" / "nl.proef")}
    outside = {**fields, "voice": str(tmp_path.parent / "nl.proef")}
    assert "voice" not in check_form(inside, [], tmp_path, []).errors
    assert "voice" in check_form(outside, [], tmp_path, []).errors
    assert "stem" not in check_practice({"stem": "proef/nl"}, ["proef/nl"])[1]
    assert "stem" in check_practice({"stem": inside["voice"]}, [])[1]
    assert engines.voice_label(inside["voice"]) == "Proefmodel nl.proef"


HELP = """
import audiocoach.speech.engines as e
e.ENGINES = (*e.ENGINES, e.Engine("proefmodel", e.ENGINES[0].make, help="a proef model file"))
from audiocoach.cli import app
app(["build", "--help"], prog_name="audiocoach")
"""


def test_voice_help_names_each_engines_way() -> None:
    """In a process of its own: the help is made when the command line is imported."""
    result = subprocess.run(
        [sys.executable, "-c", HELP],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "TERM": "dumb"},
    )
    assert result.returncode == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert "voices'), or a Piper voice model file (.onnx, with its .onnx.json beside it)" in shown
    assert "beside it), or a proef model file; default: the engine's Dutch voice." in shown
