"""Builds and previews for the web app, one at a time, in one process of their own.

The speech engine (pyttsx3 with espeak-ng) is one engine per process and has crashed when
misused: it must never be driven from the web server's threads, nor from two requests at
once. So every task that speaks (a build, a preview, the list of voices) goes to a single
spawned process, the way ``audiocoach build`` runs in a process of its own. Tasks wait their
turn in a queue and run in order; two builds asked for at once are never mixed. The build in
that process starts its encoding workers exactly as the command line does. Should the process
die (a crash of the engine), the task fails with one sentence and the next task starts a new
process; the web server itself keeps running. The process is spawned and tied to the server
as :mod:`audiocoach.pipeline.processes` says (Ctrl-C is the server's; it never outlives it).
A task is a module-level function of its job and a progress callback (:data:`Task`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from audiocoach.errors import AudiocoachError, SpeechError
from audiocoach.model.base_url import BaseUrl
from audiocoach.pipeline.processes import become_child, spawn_context

if TYPE_CHECKING:
    from audiocoach.model.patient import Plan
    from audiocoach.speech.voice import Voice

PercentCallback = Callable[[int, str], None]
"""Called with (percent done, what is being done)."""
J = TypeVar("J")
R = TypeVar("R")
Task = Callable[[J, PercentCallback], R]
"""A task of the speech process: a module-level function (the process finds it by name) of
its job and a progress callback; :func:`run_build`, :func:`run_preview`, :func:`run_voices`."""


@dataclass(frozen=True)
class _Queued:
    call: Callable[[PercentCallback], object]
    """The task with its job: a ``functools.partial``, pickled whole to the process."""
    progress: PercentCallback | None
    future: Future[Any]


class SpeechWorker:
    """A queue of tasks and the one process that runs them."""

    def __init__(self) -> None:
        self._tasks: queue.Queue[_Queued | None] = queue.Queue()
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._running = False
        # The process is started from this thread, which lives as long as the worker: on
        # Linux the process is told to stop when the thread that started it ends.
        self._thread = threading.Thread(target=self._run, name="audiocoach-speech", daemon=True)
        self._thread.start()

    def submit(
        self, task: Task[J, R], job: J, progress: PercentCallback | None = None
    ) -> Future[R]:
        """Queue ``task(job, progress)``; its future holds the result."""
        future: Future[R] = Future()
        self._tasks.put(_Queued(functools.partial(task, job), progress, future))
        return future

    def busy(self) -> bool:
        """Whether a task runs or waits: a new one would wait for it."""
        return self._running or self._tasks.qsize() > 0

    def close(self, timeout_s: float = 10) -> None:
        """Cancel what waits, let the running task finish (within ``timeout_s``), stop."""
        with contextlib.suppress(queue.Empty):
            while True:
                task = self._tasks.get_nowait()
                if task is not None:
                    task.future.cancel()
        self._tasks.put(None)
        self._thread.join(timeout_s)
        self._stop_process()

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            if not task.future.set_running_or_notify_cancel():
                continue
            self._running = True
            try:
                result = self._do(task)
            except BaseException as error:
                self._running = False
                task.future.set_exception(error)
            else:
                # Idle before the result is out: a request that follows at once finds the
                # process free, not "busy" with the task it has just been answered.
                self._running = False
                task.future.set_result(result)
        self._stop_process()

    def _do(self, task: _Queued) -> object:
        connection = self._ensure_process()
        connection.send(task.call)
        while True:
            try:
                tag, value = connection.recv()
            except (EOFError, OSError):
                self._stop_process()
                raise SpeechError(
                    "The speech engine stopped unexpectedly; nothing was changed, try again."
                ) from None
            if tag == "progress":
                if task.progress is not None:
                    task.progress(*value)
            elif tag == "ok":
                return value
            elif tag == "error":
                raise AudiocoachError(value)
            else:
                print(value, file=sys.stderr)
                raise RuntimeError("The task failed: see the terminal for details.")

    def _ensure_process(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection:
            return self._connection
        self._stop_process()
        context = spawn_context()
        mine, theirs = context.Pipe()
        process = context.Process(
            target=serve_tasks, args=(theirs, os.getpid()), name="audiocoach-speech"
        )
        process.start()
        theirs.close()
        self._process, self._connection = process, mine
        return mine

    def _stop_process(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)
            self._process = None


def serve_tasks(connection: Connection, parent: int) -> None:
    """The speech process: run each task sent, send its progress and its result back."""
    become_child(parent)  # Ctrl-C is the server's to handle
    while True:
        try:
            call: Callable[[PercentCallback], object] = connection.recv()
        except (EOFError, OSError):
            return

        def progress(percent: int, what: str) -> None:
            connection.send(("progress", (percent, what)))

        try:
            result = call(progress)
        except AudiocoachError as error:
            connection.send(("error", str(error)))
        except Exception:
            connection.send(("crash", traceback.format_exc()))
        else:
            connection.send(("ok", result))


def _voice(plan: Plan) -> Voice:
    """The plan's voice behind the speech cache, as ``audiocoach build`` makes it."""
    from audiocoach.pipeline.voices import voice_for_plan

    return voice_for_plan(plan)


def run_voices(_job: None, _progress: PercentCallback) -> list[tuple[str, str]]:
    """The engine's Dutch voices: (id, name)."""
    from audiocoach.speech.engines import dutch_voices

    return [(info.id, info.name) for info in dutch_voices()]


def run_preview(plan: Plan, _progress: PercentCallback) -> dict[str, Any]:
    """``preview --json``'s data for the plan, each phase with its time per day, and the
    warnings ``preview`` prints when a session or a day is long (one wording, one place)."""
    from audiocoach.pipeline.build import prepare
    from audiocoach.pipeline.length import length_warnings
    from audiocoach.pipeline.preview import preview_data, script_lines
    from audiocoach.script.session import session_title, time_per_day

    sessions, _ = prepare(plan.program, _voice(plan))
    data = preview_data(plan.program, sessions)
    for phase, session in zip(data["phases"], sessions, strict=True):
        phase["per_day"] = time_per_day(plan.program, session.timeline.duration_ms)
        phase["heading"] = session_title(session.phase, session.variant)
        phase["script"] = "\n".join(script_lines(session.timeline))
    data["warnings"] = length_warnings(plan.program, sessions)
    return data


@dataclass(frozen=True)
class BuildRequest:
    """A checked form: what to build, where, and the patient file to save beside it."""

    plan: Plan
    folder: Path
    practice: str
    patient_toml: str
    """Put in place with the audio it describes, in the same all-or-nothing step."""
    label: str = ""
    """The patient's initials: on the page, in the tags, the playlist and the feed."""
    base_url: BaseUrl | None = None
    """Where the practice publishes this patient's folder (a feed and a QR code)."""


def run_build(request: BuildRequest, progress: PercentCallback) -> dict[str, Any]:
    """Build as ``audiocoach build --zip`` does (the zip inside the patient's folder, the only
    folder the app serves from), the patient file put in place with the audio, or not at all."""
    from audiocoach.folders import prepare_folder
    from audiocoach.pipeline.build import build
    from audiocoach.pipeline.session import percent_done
    from audiocoach.pipeline.voices import cache_warning
    from audiocoach.script.session import session_title, time_per_day
    from audiocoach.serve.patients import PATIENT_NAME

    folder = prepare_folder(request.folder)

    def advance(done: int, total: int, what: str) -> None:
        progress(percent_done(done, total, what), "spreken" if what == "speaking" else "coderen")

    program = request.plan.program
    zip_path = folder / f"{folder.name}.zip"
    voice = _voice(request.plan)
    built = build(
        program,
        folder,
        voice,
        practice=request.practice or None,
        label=request.label or None,
        zip_path=zip_path,
        base_url=request.base_url,
        files=((PATIENT_NAME, request.patient_toml),),
        progress=advance,
    )
    if warning := cache_warning(voice):
        print(f"audiocoach serve: {warning}", file=sys.stderr)
    return {
        "files": [
            {
                "name": b.path.name,
                "title": session_title(b.phase, b.variant),
                "duration_s": b.duration_ms / 1000,
                "per_day": time_per_day(program, b.duration_ms),
                "kept": b.kept,
            }
            for b in built
        ],
        "zip": zip_path.name,
        "patient": PATIENT_NAME,
        "qr": request.base_url is not None,
    }
