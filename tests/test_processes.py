"""The one way audiocoach runs work in processes (``pipeline/processes.py``): a child obeys its
parent, and a parent that stops early stops its pool's workers and nothing else."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

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
