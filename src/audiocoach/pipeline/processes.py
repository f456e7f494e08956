"""Processes of audiocoach's own: how each is started, tied to its parent, and stopped.

Two kinds of work run in processes of their own: a build's encoding workers
(:mod:`audiocoach.pipeline.parallel`) and the web app's speech process
(:mod:`audiocoach.serve.worker`). Both are *spawned*, never forked (the parent runs threads,
and forking a process with running threads can deadlock the child; Windows and macOS spawn
anyway), and both obey the same rules, kept here once:

- Ctrl-C is the parent's to handle: a child ignores SIGINT, and its parent stops it;
- a child never outlives its parent: on Linux the kernel sends it SIGTERM when the parent (or
  rather the parent's thread that started it) dies, even by SIGKILL, and a child whose parent
  died before it could ask for that leaves at once;
- a parent that stops early (Ctrl-C, a failure) terminates the workers it started, so a job
  that is running cannot finish and replace a file (:func:`stop_workers`).

Only public names of :mod:`multiprocessing` are used: the pool's processes are of a class of
this module (:class:`WorkerProcess`), so the parent finds them among its children.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.context import BaseContext, SpawnContext, SpawnProcess
from types import FrameType

_PR_SET_PDEATHSIG = 1
"""``prctl``'s option: the signal this process gets when its parent dies (linux/prctl.h)."""

SignalHandler = Callable[[int, FrameType | None], object]


def spawn_context() -> SpawnContext:
    """The context every process of audiocoach's own is started from: spawn."""
    return multiprocessing.get_context("spawn")


class WorkerProcess(SpawnProcess):
    """A spawned worker of a pool (:func:`pool_context`): :func:`stop_workers` finds it."""


class _PoolContext(SpawnContext):
    """The spawn context, its processes :class:`WorkerProcess` es."""

    Process = WorkerProcess


def pool_context() -> BaseContext:
    """A spawn context for a process pool (``ProcessPoolExecutor(mp_context=...)``) whose
    processes :func:`stop_workers` can stop."""
    return _PoolContext()


def stop_workers() -> None:
    """Terminate every pool worker this process started that still runs (SIGTERM: each one
    unwinds its job and removes the file it was writing)."""
    for process in multiprocessing.active_children():
        if isinstance(process, WorkerProcess):
            with contextlib.suppress(OSError):
                process.terminate()


def become_child(parent: int, on_term: SignalHandler | None = None) -> None:
    """Make this process the obedient child of ``parent`` (its process id): see the module.

    ``on_term`` handles SIGTERM (by default it ends the process at once). Called first thing
    in the child, before any work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if on_term is not None:
        signal.signal(signal.SIGTERM, on_term)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
