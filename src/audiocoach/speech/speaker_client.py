"""The main process's side of the speaker process (:mod:`.speaker`): start it, send texts.

The process that builds never loads espeak-ng itself: no engine threads, no engine state, no
crash of the engine's that can take a build down. One speaker process runs per voice and rate;
it is started when the voice is made (so a voice that does not exist is an error before any
work starts) and ends when this process does (its requests end). Where there is no ``fork``
(Windows), each text is spoken by a process of its own, one always started ahead.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import IO, Any

from audiocoach.speech.espeak_lib import DATA_VAR, LIBRARY_VAR, EspeakLibError, library_paths
from audiocoach.speech.speaker import receive, send

FORKS = hasattr(os, "fork")
"""Whether each text can have a fresh state by fork (Linux, macOS) rather than by a process
of its own (Windows)."""
IDLE_S = 2.0
"""A speaker process with no text to say for this long ends; the next text starts a new one."""
RESTARTS = 1
"""A speaker process that died (it never speaks itself, so this is rare) is started again once."""


class SpeakerError(Exception):
    """The speaker could not start, does not know the voice, or could not say a text."""


@dataclass(frozen=True)
class Ready:
    """What a speaker reports when it has loaded its voice."""

    version: str
    rate: int
    voices: tuple[dict[str, Any], ...]


class _Process:
    """One speaker process and its pipes."""

    def __init__(self, voice_id: str, rate: int, once: bool) -> None:
        command = [sys.executable, "-m", "audiocoach.speech.speaker", voice_id, str(rate)]
        try:
            library, data = library_paths()
            self.popen = subprocess.Popen(
                [*command, "--once"] if once else command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, LIBRARY_VAR: library, DATA_VAR: data},
            )
        except EspeakLibError as error:
            raise SpeakerError(str(error)) from None
        except OSError as error:
            raise SpeakerError(f"the speech process did not start ({error})") from None
        self._ready: Ready | None = None

    @property
    def streams(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self.popen.stdin is not None
        assert self.popen.stdout is not None
        return self.popen.stdin, self.popen.stdout

    def ready(self) -> Ready:
        """Wait until the voice is loaded; an error when it is not."""
        if self._ready is None:
            kind, payload = self._reply()
            if kind != b"R":
                raise SpeakerError(json.loads(payload)["error"])
            info = json.loads(payload)
            self._ready = Ready(info["version"], info["rate"], tuple(info["voices"]))
        return self._ready

    def say(self, text: str) -> bytes:
        try:
            send(self.streams[0], b"T", text.encode())
        except OSError:
            raise SpeakerError("the speech process stopped") from None
        kind, payload = self._reply()
        if kind != b"S":
            raise SpeakerError(json.loads(payload)["error"])
        return payload

    def _reply(self) -> tuple[bytes, bytes]:
        frame = receive(self.streams[1])
        if frame is None:
            self.close()
            raise SpeakerError(f"the speech process stopped (exit status {self.popen.returncode})")
        return frame

    def close(self) -> None:
        """End the process: its requests end, so it leaves; killed if it does not."""
        with contextlib.suppress(OSError):
            self.streams[0].close()
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        with contextlib.suppress(OSError):
            self.streams[1].close()


class Speaker:
    """Speaks texts in one voice and rate, each from a fresh state of the library.

    The process ends when no text came for :data:`IDLE_S` seconds and starts again (in some
    70 ms) for the next one: a build speaks everything first and then only encodes, and the
    speaker's 18 MB are not held beside the encoding workers, nor between two builds."""

    def __init__(self, voice_id: str, rate: int, *, forks: bool = FORKS) -> None:
        self.voice_id, self.rate, self.forks = voice_id, rate, forks
        self._lock = threading.Lock()
        self._idle: threading.Timer | None = None
        self._process: _Process | None = self._start()
        self.info = self._process.ready()
        _OPEN.append(self)
        self._rest_later()

    def _start(self) -> _Process:
        process = _Process(self.voice_id, self.rate, once=not self.forks)
        try:
            process.ready()
        except SpeakerError:
            process.close()
            raise
        return process

    def say(self, text: str) -> bytes:
        """The samples of ``text``: 16-bit little-endian mono at ``info.rate``."""
        with self._lock:
            try:
                return self._say(text)
            finally:
                self._rest_later()

    def _say(self, text: str) -> bytes:
        for attempt in range(RESTARTS + 1):
            process = self._process or self._start()
            # Where each text has a process of its own, the next one starts now, ahead.
            self._process = process if self.forks else _Process(self.voice_id, self.rate, True)
            try:
                process.ready()
                return process.say(text)
            except SpeakerError:
                dead = process.popen.poll() is not None
                if dead:
                    process.close()
                    if self.forks:
                        self._process = None
                if attempt == RESTARTS or not dead:
                    raise  # the text itself failed, not the process
            finally:
                if not self.forks:
                    process.close()
        raise AssertionError("unreachable")

    def _rest_later(self) -> None:
        """End the process once no text came for a while (see the class)."""
        if self._idle is not None:
            self._idle.cancel()
        self._idle = threading.Timer(IDLE_S, self._rest)
        self._idle.daemon = True
        self._idle.start()

    def _rest(self) -> None:
        with self._lock:
            if self._idle is threading.current_thread():  # not asked to wait longer since
                self._end_process()

    def rest(self) -> None:
        """End the process now; the next text starts a new one."""
        with self._lock:
            self._end_process()

    def _end_process(self) -> None:
        if self._process is not None:
            self._process.close()
            self._process = None

    def close(self) -> None:
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            self._end_process()


_OPEN: list[Speaker] = []


@atexit.register
def _close_all() -> None:
    while _OPEN:
        _OPEN.pop().close()


def list_voices() -> tuple[dict[str, Any], ...]:
    """The voices of the bundled espeak-ng, from a speaker that loads none."""
    process = _Process("", 0, once=True)
    try:
        return process.ready().voices
    finally:
        process.close()
