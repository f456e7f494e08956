"""Run plain-data jobs on every core: worker processes, or inline when one worker will do.

Encoding is the expensive step and LAME runs on one core, so phases (and patients, in a batch)
are encoded side by side in worker processes, started, tied to the main process and stopped
as :mod:`audiocoach.pipeline.processes` says (spawned: jobs and results cross as pickles and
hold only plain data). The speech engine does not run here: it has a speaker process of its
own.

A job never crosses the pipe itself: it is pickled into a file and only that file's name is
sent (a few hundred bytes). On CPython before 3.12 (gh-94777; Debian 12's 3.11.2, every 3.10)
a worker that dies while the pool's feeder thread is writing a large job into the pipe hangs
the whole build for good: nobody reads the pipe any more and shutting down waits for the
feeder. Small orders always fit in the pipe's buffer, so the feeder never waits. Where no file can
be written (a full temporary folder, a file size limit), the job goes through the pipe as
before, and a failing write is then reported by the worker that makes the file.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from audiocoach.errors import AudiocoachError
from audiocoach.pipeline.processes import become_child, pool_context, stop_workers

J = TypeVar("J")
R = TypeVar("R")


def _usable_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


MAX_DEFAULT_WORKERS = 8
"""Each worker holds one phase's clips (some 60 MB in all), so a machine with many cores
still starts no more than eight unless asked (``--jobs``)."""
DEFAULT_WORKERS = max(1, min(_usable_cores(), MAX_DEFAULT_WORKERS))
"""One worker per core: two on a common laptop. More workers than phases to encode are
never started."""
INLINE_BELOW_MS = 5 * 60_000
"""Less audio than this to encode, all files together, is encoded in this process unless a
number of workers is asked for: a worker (a Python with NumPy and the encoder) costs about
0.4 s of processor time to start, and on five minutes of audio a second core saves no
wall time (measured in docs/benchmarks.md)."""


def worker_count(asked: int | None, lengths_ms: Sequence[int]) -> int:
    """How many workers encode files of these lengths: as many as ``asked`` (``--jobs``), or
    else one per core, or one (this process) for less than :data:`INLINE_BELOW_MS` of audio;
    never more than there are files."""
    if asked is None:
        asked = 1 if sum(lengths_ms) < INLINE_BELOW_MS else DEFAULT_WORKERS
    return max(1, min(asked, len(lengths_ms)))


def _start_worker(parent: int, preload: Sequence[str]) -> None:
    """A worker obeys its parent (:func:`~.processes.become_child`); SIGTERM unwinds the job,
    so the file being written is removed on the way out (``atomic_writer``) and no
    half-encoded file replaces a good one.

    The ``preload`` modules are imported now, while the main process is still speaking, not
    when the first job arrives.
    """
    become_child(parent, on_term=_exit_on_term)
    for module in preload:
        importlib.import_module(module)


class _Stopped(BaseException):
    """Raised in a worker by SIGTERM: unwinds the job (removing its temporary file), then
    :func:`_in_worker` ends the process."""


@dataclass
class _WorkerState:
    """What the SIGTERM handler of a worker process needs to know."""

    busy: bool = False
    """A job runs: SIGTERM unwinds it instead of ending the process at once."""
    stopping: bool = False
    """SIGTERM came once: a second one must not cut short the clean-up the first started."""


_STATE = _WorkerState()


def _exit_on_term(_signal: int, _frame: object) -> None:
    if _STATE.stopping:
        return
    if _STATE.busy:
        _STATE.stopping = True
        raise _Stopped
    os._exit(1)


@dataclass(frozen=True)
class _Order:
    """A job pickled into the file ``path`` (see the module's docstring)."""

    path: str


def _in_worker(work: Callable[[J], R], order: _Order | J) -> R:
    """Run one job in a worker, read from its file when it was sent as one; once stopped,
    leave at once instead of asking for more work."""
    _STATE.busy = True
    try:
        if isinstance(order, _Order):
            job: J = pickle.loads(Path(order.path).read_bytes())
            Path(order.path).unlink()
        else:
            job = order
        return work(job)
    except MemoryError:  # a limit (ulimit -v) rather than the kernel's killer
        raise WorkerError(WORKER_OUT_OF_MEMORY) from None
    except _Stopped:
        os._exit(1)
    finally:
        _STATE.busy = False


def _ready(_: None) -> None:
    """Nothing: submitted once per worker so that workers start while the main process speaks."""


class Workers:
    """A pool of ``count`` worker processes; with one, jobs run inline in this process.

    ``preload`` names the modules the jobs' functions live in, imported as each worker starts.
    """

    def __init__(self, count: int, preload: Sequence[str] = ()) -> None:
        self.count = max(1, count)
        self.preload = tuple(preload)
        self._executor: ProcessPoolExecutor | None = None
        self._orders: Path | None = None
        """The folder the jobs are pickled into, while the pool runs."""
        self._sent = 0

    def __enter__(self) -> Workers:
        if self.count > 1:
            with contextlib.suppress(OSError):  # then jobs go through the pipe
                self._orders = Path(tempfile.mkdtemp(prefix="audiocoach-orders-"))
            self._executor = ProcessPoolExecutor(
                self.count,
                mp_context=pool_context(),
                initializer=_start_worker,
                initargs=(os.getpid(), self.preload),
            )
            for _ in range(self.count):
                self._executor.submit(_ready, None)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            if error is not None:
                stop_workers()  # stopped or failed: running jobs must not replace files
            self._executor.shutdown(wait=True, cancel_futures=error is not None)
            self._executor = None
        if self._orders is not None:
            shutil.rmtree(self._orders, ignore_errors=True)
            self._orders = None

    def submit(self, work: Callable[[J], R], job: J) -> Future[R]:
        """Start ``work(job)``; ``work`` must be a module-level function so workers can find it."""
        if self._executor is not None:
            try:
                return _plain_breakage(self._executor.submit(_in_worker, work, self._order(job)))
            except BrokenProcessPool:  # a worker died while jobs were still being handed out
                raise WorkerError(WORKER_DIED) from None
        future: Future[R] = Future()
        try:
            future.set_result(work(job))
        except Exception as error:
            future.set_exception(error)
        return future

    def _order(self, job: J) -> _Order | J:
        """What is sent for ``job``: the name of a file holding it, else the job itself."""
        if self._orders is None:
            return job
        self._sent += 1
        path = self._orders / f"{self._sent}.pickle"
        try:
            path.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            path.unlink(missing_ok=True)
            return job
        return _Order(str(path))


MIN_OPEN_FILES = 64
"""File descriptors a build needs at most: the speech engine, the workers' pipes, a file per
worker and the folder's lock, with room to spare."""


def check_open_files() -> None:
    """Refuse to start with too few file descriptors (``ulimit -n 16``), before any work:
    otherwise starting a worker or the speech engine fails halfway."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < MIN_OPEN_FILES:
        raise WorkerError(
            f"This shell lets a program open only {soft} files at once and a build needs "
            f"{MIN_OPEN_FILES}; raise the limit (ulimit -n 1024) and build again."
        )


class WorkerError(AudiocoachError):
    """A worker process died (killed, out of memory) before it finished its job."""


WORKER_DIED = "An encoding process stopped unexpectedly; files already there stay as they were."
WORKER_OUT_OF_MEMORY = (
    "An encoding process ran out of memory; files already there stay as they were. Close other "
    "programs, or build with fewer workers (--jobs 1)."
)


def _plain_breakage(future: Future[R]) -> Future[R]:
    """The same future, but a dead worker surfaces as a :class:`WorkerError` sentence."""
    plain: Future[R] = Future()

    def relay(done: Future[R]) -> None:
        if done.cancelled():
            plain.cancel()
            return
        error = done.exception()
        if isinstance(error, BrokenProcessPool):
            plain.set_exception(WorkerError(WORKER_DIED))
        elif error is not None:
            plain.set_exception(error)
        else:
            plain.set_result(done.result())

    future.add_done_callback(relay)
    return plain


def release_memory() -> None:
    """Give freed heap memory back to the system (glibc); a no-op elsewhere.

    Any process may: the main process used not to (espeak-ng, then run in it through pyttsx3's
    threads, crashed in Synth when the heap was trimmed between two syntheses), but espeak-ng
    now speaks in a speaker process of its own."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)
