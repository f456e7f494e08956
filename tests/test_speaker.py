"""The speaker process survives a crashed or hung engine: each text is spoken by a child.

A crash or a hang of espeak-ng itself cannot be caused on purpose, so the engine here is a
stand-in at that one edge: it crashes (SIGSEGV) or hangs the first time, as espeak-ng did
under load, and speaks the next time. Everything around it (fork, pipes, frames, waiting,
killing, trying again) runs for real, in a process of its own as the speaker does (this one
runs threads, and a forked copy of it would be no speaker).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from audiocoach.model.program_file import load_program
from audiocoach.pipeline.build import build
from audiocoach.sound import Sound
from audiocoach.speech.cache import CachedVoice
from audiocoach.speech.espeak import EspeakVoice
from audiocoach.speech.speaker_client import Speaker
from audiocoach.speech.voice import Voice
from helpers import tiny_program

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork: Linux and macOS")

STAND_IN = r"""
import json, os, signal, sys, time
from pathlib import Path
from audiocoach.speech import speaker

how, marker = sys.argv[1], Path(sys.argv[2])
speaker.TIMEOUT_S = 1.0

class Engine:
    def synthesize(self, text):
        if how == "always" or not marker.exists():
            marker.touch()
            if how == "hang":
                time.sleep(3600)
            os.kill(os.getpid(), signal.SIGSEGV)
        return b"\x01\x00\x02\x00"

kind, payload = speaker._speak_in_child(Engine(), "één")
json.dump([kind.decode(), payload.hex()], sys.stdout)
"""


def _speak_with(how: str, tmp_path: Path) -> tuple[str, bytes]:
    result = subprocess.run(
        [sys.executable, "-c", STAND_IN, how, str(tmp_path / "once")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    kind, payload = json.loads(result.stdout)
    return kind, bytes.fromhex(payload)


@pytest.mark.parametrize("how", ["crash", "hang"])
def test_a_child_that_crashes_or_hangs_is_replaced(tmp_path: Path, how: str) -> None:
    assert _speak_with(how, tmp_path) == ("S", b"\x01\x00\x02\x00")
    assert (tmp_path / "once").exists(), "the first child did fail"


def test_a_text_that_always_crashes_is_refused_with_a_reason(tmp_path: Path) -> None:
    kind, payload = _speak_with("always", tmp_path)
    assert kind == "E"
    assert f"signal {int(signal.SIGSEGV)}" in json.loads(payload)["error"]


def test_the_speaker_says_each_text_from_the_same_state() -> None:
    talking = Speaker("gmw/nl", 150)
    try:
        first = talking.say("Laatste serie.")
        talking.say("Schuine buikspieren.")
        assert talking.say("Laatste serie.") == first
    finally:
        talking.close()


def test_a_speaker_process_that_died_is_started_again() -> None:
    talking = Speaker("gmw/nl", 150)
    try:
        first = talking.say("één")
        assert talking._process is not None
        talking._process.popen.kill()
        talking._process.popen.wait()
        assert talking.say("één") == first
    finally:
        talking.close()


class _Said(CachedVoice):
    """The real voice, noting what a build asks of it and in which order."""

    def __init__(self, voice: Voice, folder: Path) -> None:
        super().__init__(voice, folder)
        self.asked: list[str] = []

    def synthesize(self, text: str) -> Sound:
        self.asked.append("say")
        return super().synthesize(text)

    def rest(self) -> None:
        self.asked.append("rest")
        super().rest()


@pytest.mark.slow  # encodes its MP3s in this process
def test_a_build_lets_the_engine_go_before_encoding(tmp_path: Path) -> None:
    """Issue 22's memory target: the speaker process is not held beside the encoders."""
    voice = _Said(EspeakVoice(), tmp_path / "cache")
    build(load_program(tiny_program(tmp_path)), tmp_path / "uit", voice)
    assert voice.asked.count("say") > 1
    assert voice.asked[-1] == "rest"
    assert voice.asked.count("rest") == 1


def test_a_voice_at_rest_has_no_speaker_process_and_speaks_again_the_same() -> None:
    voice = EspeakVoice("gmw/nl", 151)  # a rate of its own: a speaker no other test shares
    first = voice.synthesize("Laatste serie.").samples
    speaker = voice._speaking()
    assert speaker._process is not None
    process = speaker._process.popen
    voice.rest()
    assert speaker._process is None
    assert process.poll() is not None
    assert np.array_equal(voice.synthesize("Laatste serie.").samples, first)
    speaker.close()
