"""Worker processes never outlive a stopped build: earlier files stay as they were."""

from __future__ import annotations

import contextlib
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from audiocoach.files import TEMP_PREFIX
from audiocoach.pipeline import parallel
from audiocoach.speech.espeak import EspeakVoice
from helpers import tree_hashes, wait_for_parts
from two_bundles import Bundles, build_command, everything

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
    wait_for_parts(out, build, count=2)
    return build


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (on Linux, as ``/proc`` lists each one's parent)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_for_exit(pidfds: dict[int, int], timeout_s: float) -> None:
    """Wait until every process has ended (its pid file descriptor turns readable), or fail
    naming those still running after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    running = dict(pidfds)
    while running:
        left = deadline - time.monotonic()
        ended, _, _ = select.select(list(running.values()), [], [], max(left, 0))
        if not ended:
            pytest.fail(f"workers {sorted(running)} still run {timeout_s} s after their build")
        running = {pid: fd for pid, fd in running.items() if fd not in ended}


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
    # Held open before the kill: a pid file descriptor follows its process, even once the
    # orphan has a new parent and its id could be given to another.
    pidfds = {pid: os.pidfd_open(pid) for pid in children(build.pid)}
    try:
        assert len(pidfds) >= 2, "two workers were writing"
        with build:  # closes its pipes and waits: the orphans may hold them open for good
            build.kill()
        wait_for_exit(pidfds, timeout_s=30)
    finally:
        for fd in pidfds.values():
            with contextlib.suppress(ProcessLookupError):  # it has ended, as it should
                signal.pidfd_send_signal(fd, signal.SIGKILL)
            os.close(fd)
    # Every worker has ended: nothing can write any more.
    assert not list(earlier.rglob(PART)), "orphaned workers left their parts"
    after = tree_hashes(earlier)
    assert {k: v for k, v in after.items() if not k.startswith(TEMP_PREFIX)} == before


def workers_of(pid: int, count: int = 2, timeout_s: float = 60) -> list[int]:
    """The ``count`` spawned worker processes of the build ``pid``, once they all run (the
    resource tracker, also a child, is not one)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = []
        for child in children(pid):
            with contextlib.suppress(OSError):
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    pytest.fail(f"the build {pid} did not start {count} workers within {timeout_s} s")


KILL_ROUNDS = 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc")
@pytest.mark.parametrize("round_", range(KILL_ROUNDS))
def test_a_worker_killed_at_any_moment_ends_the_build_with_one_sentence(
    bundles: Bundles, tmp_path: Path, round_: int
) -> None:
    """SIGKILL (what the kernel's out-of-memory killer sends, and as sudden as the speech
    engine's segmentation fault) to one worker at a random moment while the main process
    speaks (no speech cache) or the workers encode. The build ends at once: one sentence and
    the old bundle, or, when the worker had done its part, the whole new bundle. On CPython
    before 3.12 this hung for good (gh-94777) while the pool handed out large orders."""
    work, old, new = bundles
    out = tmp_path / "uit"
    shutil.copytree(work / "reps-2", out)
    chance = random.Random(round_)
    command = build_command(work, out, 3, "--no-cache")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as build:
        victim = chance.choice(workers_of(build.pid))
        time.sleep(chance.uniform(0, 2.5))
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        try:
            _, stderr = build.communicate(timeout=30)  # a hang guard: it used to wait forever
        except subprocess.TimeoutExpired:
            build.kill()
            pytest.fail(f"the build still ran 30 s after its worker was killed (round {round_})")
    if build.returncode == 0:  # the worker had finished its part
        assert sorted(everything(out)) == sorted(new)
        assert all(everything(out)[name] != old[name] for name in old)
        return
    assert build.returncode == 2, stderr
    assert stderr.decode().splitlines() == [f"audiocoach: {parallel.WORKER_DIED}"]
    assert everything(out) == old


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


def test_the_process_that_speaks_may_give_its_heap_back(voice: EspeakVoice) -> None:
    """``malloc_trim`` between two syntheses crashed espeak-ng (SIGSEGV in Synth) when it ran
    in this process through pyttsx3; it now speaks in a process of its own, so a job run
    inline (one worker) trims the main process's heap too, and speech goes on unchanged."""
    first = voice.synthesize("Neem de beginhouding aan, op de rug.").samples
    parallel.release_memory()
    voice.synthesize("Laatste serie.")
    parallel.release_memory()
    again = voice.synthesize("Neem de beginhouding aan, op de rug.").samples
    assert np.array_equal(first, again)


def exhausted(_: None) -> None:
    raise MemoryError


def test_a_worker_out_of_memory_is_one_sentence() -> None:
    """Under a memory limit (``ulimit -v``) a job fails with MemoryError instead of being
    killed: it reaches the main process as the sentence, not a traceback."""
    with pytest.raises(parallel.WorkerError) as failed:
        parallel._in_worker(exhausted, None)
    assert str(failed.value) == parallel.WORKER_OUT_OF_MEMORY
