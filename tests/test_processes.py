"""The one way audiocoach runs work in processes (``pipeline/processes.py``): a child obeys its
parent, and a parent that stops early stops its pool's workers and nothing else."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from audiocoach.pipeline.parallel import DEFAULT_WORKERS, worker_count
from audiocoach.pipeline.processes import pool_context, spawn_context, stop_workers


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_stopping_the_workers_stops_the_pools_processes_only() -> None:
    """A pool's workers end; another child of this process (serve's speech process, say) runs
    on."""
    other = spawn_context().Process(target=sleep, args=(60,))
    other.start()
    pool = ProcessPoolExecutor(2, mp_context=pool_context())
    try:
        running = [pool.submit(sleep, 60) for _ in range(2)]
        time.sleep(0.5)
        assert not any(job.done() for job in running)
        stop_workers()
        for job in running:
            assert job.exception(timeout=30) is not None  # the pool saw its workers die
        assert other.is_alive()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        other.terminate()
        other.join(10)


def test_a_child_whose_parent_is_gone_leaves_at_once() -> None:
    """Its parent died before it could ask for the parent-death signal: it must not work on."""
    probe = (
        "from audiocoach.pipeline.processes import become_child; "
        "become_child(parent=1); print('still here')"
    )
    done = run(probe)
    assert done.returncode == 1
    assert done.stdout == ""
    obeying = run(probe.replace("parent=1", "parent=__import__('os').getppid()"))
    assert (obeying.returncode, obeying.stdout) == (0, "still here\n")


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


MINUTE = 60_000


@pytest.mark.parametrize(
    ("asked", "lengths_ms", "expected"),
    [
        (None, [MINUTE, MINUTE], 1),  # two minutes: a worker costs more than it saves
        (None, [2 * MINUTE, 2 * MINUTE, 59_999], 1),  # just under five minutes
        (None, [3 * MINUTE, 2 * MINUTE], min(2, DEFAULT_WORKERS)),  # five minutes
        (None, [18 * MINUTE, 16 * MINUTE], min(2, DEFAULT_WORKERS)),  # the card's phase 1
        (None, [30 * MINUTE], 1),  # never more workers than files
        (2, [MINUTE, MINUTE], 2),  # --jobs 2 is two, whatever the length
        (8, [MINUTE, MINUTE, MINUTE], 3),
        (1, [60 * MINUTE, 60 * MINUTE], 1),
    ],
)
def test_the_workers_a_build_starts(
    asked: int | None, lengths_ms: list[int], expected: int
) -> None:
    """One per core, but not for less than five minutes of audio in all (README, --jobs)."""
    assert worker_count(asked, lengths_ms) == expected
