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

import pytest

from audiocoach.speech.speaker_client import Speaker

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
