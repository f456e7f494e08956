"""Helpers the tests share: running the CLI, decoding and measuring audio."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from typer.testing import CliRunner, Result

from audiocoach.audio.session import Session
from audiocoach.cli import app
from audiocoach.files import TEMP_PREFIX
from audiocoach.output.manifest import MANIFEST_NAME
from audiocoach.pipeline.build import BuiltFile


def run_cli(runner: CliRunner, *args: str) -> Result:
    """Invoke the CLI in-process; returns click's Result."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def preview_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = run_cli(runner, "preview", "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def session_of(built: BuiltFile) -> Session:
    """The session a file was rendered from: a test that reads it built the file just now."""
    assert built.session is not None, f"{built.path.name} was kept, not rendered"
    return built.session


def decode(path: Path) -> tuple[np.ndarray, int]:
    """Decode an audio file fully (``soundfile.info`` only estimates MP3 lengths)."""
    samples, rate = soundfile.read(path, dtype="float32", always_2d=False)
    return samples, rate


def rms_db(samples: np.ndarray) -> float:
    """Level of a stretch of samples in dB full scale (-inf for digital silence)."""
    if samples.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path, with its SHA-256: equal means untouched.

    The build's manifest aside: it records what the build wrote, and is tested on its own.
    """
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


TINY_PROGRAM = """
[program]
title = "Kleine oefensessie"

[[phases]]
number = 1
title = "Begin"
exercises = [1]

[[exercises]]
number = 1
title = "Knie heffen"
aim = "versterken"
instruction = "Til de knie langzaam op en laat hem weer zakken."
dosage = { pattern = "reps", reps = 3, sets = 2, rest_s = 10, move_s = 2 }
"""
"""One phase of one short exercise (two sets of three): the smallest program worth building."""

TWO_PHASES = """
[program]
title = "Twee fasen"

[[phases]]
number = 1
title = "Begin"
exercises = [1]

[[phases]]
number = 2
title = "Vervolg"
exercises = [1, 2]

[[exercises]]
number = 1
title = "Knie heffen"
aim = "versterken"
instruction = "Kantel het bekken achterover en houd de knieën tegen elkaar."
dosage = { pattern = "reps", reps = 2, sets = 1, rest_s = 0, move_s = 1 }

[[exercises]]
number = 2
title = "Armen heffen"
aim = "versterken"
instruction = "Til de linkerarm naar het plafond, dan de rechterarm."
[exercises.dosage]
pattern = "parts"
reps = 2
sets = 1
rest_s = 0
move_s = 1
cues = ["links", "rechts"]
"""
"""Two phases (so two encoding workers, four MP3s), exercise 2 in phase 2 only, words of the
lexicon in the instructions, a count and a cued exercise; ``--reps`` changes every file."""


def tiny_program(folder: Path) -> Path:
    """``klein.toml``: :data:`TINY_PROGRAM`, quick to build."""
    path = folder / "klein.toml"
    path.write_text(TINY_PROGRAM, encoding="utf-8")
    return path


def two_phases(folder: Path) -> Path:
    """``twee.toml``: :data:`TWO_PHASES`, the small program of the process tests."""
    path = folder / "twee.toml"
    path.write_text(TWO_PHASES, encoding="utf-8")
    return path


PATIENT_JD = """label = "J.D."
practice = "Fysiotherapie De Brug"
[dosage]
reps = 1
sets = 1
rest_s = 0
"""
"""A patient file with initials and a practice, at the least dosage: a quick labelled bundle."""


def wait_for_parts(
    out: Path, build: subprocess.Popen[bytes], count: int = 1, timeout_s: float = 120
) -> list[Path]:
    """Wait until ``build`` has ``count`` temporary files open below ``out``: it is mid-write.

    Looked for every 50 ms: a long write keeps its part for seconds, so a machine under load
    finds it later but never misses it. When the build ends first or the time runs out, the
    test fails saying which (and the build is stopped)."""
    deadline = time.monotonic() + timeout_s
    while len(parts := sorted(out.rglob(f"{TEMP_PREFIX}*.part"))) < count:
        if build.poll() is not None:
            pytest.fail(f"the build ended before writing {count} at once: {build.communicate()}")
        if time.monotonic() > deadline:
            build.kill()
            build.communicate()
            pytest.fail(f"the build was not writing {count} files at once within {timeout_s} s")
        time.sleep(0.05)
    return parts


def audiocoach(*args: str) -> str:
    """Run the command as a practice does, in a process of its own; its stdout."""
    result = subprocess.run(
        [sys.executable, "-m", "audiocoach", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SOURCE_DATE_EPOCH = 1_764_547_200
"""2025-12-01 00:00 UTC: the time every build in the tests records as "now" (conftest)."""
