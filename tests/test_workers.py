"""Worker processes never outlive a stopped build: earlier files stay as they were."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audiocoach.files import TEMP_PREFIX
from audiocoach.pipeline import parallel
from helpers import tree_hashes

pytestmark = pytest.mark.slow

PART = f"{TEMP_PREFIX}*.part"
LONG_WRITE = ("--sets", "8", "--rest", "50", "--jobs", "2")
"""Hours of audio in both phases (under the three-hour cap): two workers encode for seconds,
so signals land mid-write."""


def start_and_wait_for_two_parts(out: Path) -> subprocess.Popen[bytes]:
    """A build with both phases being written by workers at once."""
    build = subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "build", "--out", str(out), "--quiet", *LONG_WRITE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while len(list(out.rglob(PART))) < 2:
        if build.poll() is not None or time.monotonic() > deadline:
            build.kill()
            pytest.fail(f"two workers never wrote at once: {build.communicate()}")
        time.sleep(0.005)
    return build


def wait_until_no_parts(out: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while list(out.rglob(PART)) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_ctrl_c_stops_the_workers_before_they_replace_files(earlier: Path) -> None:
    before = tree_hashes(earlier)
    build = start_and_wait_for_two_parts(earlier)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr
    assert stderr.decode().splitlines() == [
        "audiocoach: stopped; files that were there before are unchanged."
    ]
    assert tree_hashes(earlier) == before
    assert not list(earlier.rglob(PART))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_workers_of_a_killed_build_stop_and_clean_up(earlier: Path) -> None:
    before = tree_hashes(earlier)
    build = start_and_wait_for_two_parts(earlier)
    build.send_signal(signal.SIGKILL)
    build.communicate()
    wait_until_no_parts(earlier)
    assert not list(earlier.rglob(PART)), "orphaned workers kept writing"
    time.sleep(1)
    after = tree_hashes(earlier)
    assert {k: v for k, v in after.items() if not k.startswith(TEMP_PREFIX)} == before


@pytest.mark.parametrize("main_module", ["audiocoach.__main__", "audiocoach.pipeline.phase_file"])
def test_what_a_worker_imports_leaves_out_the_command_line_and_templates(main_module: str) -> None:
    """A spawned worker imports the main module again, then the job's module; every megabyte
    either pulls in is paid once per worker (jinja2 alone is about 7 MB, pydub 3)."""
    unwanted = ("typer", "jinja2", "pyttsx3", "mutagen", "pydub", "platformdirs")
    probe = f"import sys, {main_module}; print(*(m for m in {unwanted!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == []


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_one_worker_per_usable_core_by_default() -> None:
    """A container or taskset may allow fewer cores than the machine has; those count."""
    probe = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from audiocoach.pipeline.parallel import DEFAULT_WORKERS; print(DEFAULT_WORKERS)"
    )
    one_core = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert one_core.strip() == "1"


@pytest.mark.parametrize(("in_worker", "trims"), [(False, 0), (True, 1)])
def test_only_a_worker_gives_its_heap_back(
    monkeypatch: pytest.MonkeyPatch, in_worker: bool, trims: int
) -> None:
    """``malloc_trim`` in the process that speaks crashed espeak-ng (SIGSEGV in Synth): a job
    run inline (one worker) must not trim the main process's heap. The suite crashed so, a
    one-phase build in the test process followed by ``preview``."""
    calls: list[int] = []

    class Libc:
        def malloc_trim(self, pad: int) -> None:
            calls.append(pad)

    monkeypatch.setattr(ctypes, "CDLL", lambda *_args, **_kwargs: Libc())
    monkeypatch.setattr(parallel, "_IN_WORKER", [in_worker])
    parallel.release_memory()
    assert len(calls) == (trims if sys.platform.startswith("linux") else 0)
