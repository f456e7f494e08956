"""The speaker process: espeak-ng with the voice loaded, each text spoken from a fresh state.

libespeak-ng keeps state from one utterance to the next (the same text spoken twice in one
process gives other samples once anything was said between), while the first utterance of a
fresh process is the same in every process. So this process loads the library, sets the voice
and rate, speaks nothing itself, and for each text forks a child that speaks it and exits: each
child starts from the very state its parent was left in, and a text's sound is a function of
the text alone (some 4 ms a text). A child that crashes or hangs is ended and the text tried in
a new child; its parent, which never speaks, carries on.

Where there is no ``fork`` (Windows), the process speaks a single text and exits
(``--once``): the client keeps one such process started ahead (:mod:`.speaker_client`).

Frames both ways are a kind byte, a 4-byte little-endian length and the payload: ``T`` a text
(UTF-8) to the speaker; ``R`` ready (JSON: library version, sample rate, voices), ``S``
samples (16-bit little-endian) or ``E`` an error (JSON) back. Run as
``python -m audiocoach.speech.speaker VOICE RATE [--once]``; an empty ``VOICE`` only lists.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
from typing import IO  # audiocoach/__init__ has imported typing already

from audiocoach.speech.espeak_lib import EspeakLib, EspeakLibError

HEADER = struct.Struct("<cI")
TIMEOUT_S = 60.0
"""Longest one text may take; espeak-ng needs milliseconds, so this only ends a hang."""
ATTEMPTS = 3
"""Children tried per text before the text is refused."""


def send(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    stream.write(HEADER.pack(kind, len(payload)) + payload)
    stream.flush()


def receive(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    """One frame, or ``None`` at the end of the stream (or a cut-off frame)."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    kind, length = HEADER.unpack(header)
    payload = _read_exactly(stream, length)
    return None if payload is None else (kind, payload)


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _little_endian(samples: bytes) -> bytes:
    if sys.byteorder == "little":
        return samples
    import array

    swapped = array.array("h", samples)
    swapped.byteswap()
    return swapped.tobytes()


def _speak_in_child(lib: EspeakLib, text: str) -> tuple[bytes, bytes]:
    """Fork, let the child speak ``text`` into a pipe, and return what it said: ``S`` and the
    samples, or ``E`` and why not (crashed, hung, refused), after :data:`ATTEMPTS` tries."""
    reason = "it stopped"
    for _ in range(ATTEMPTS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: speak, hand over, leave without any clean-up of the parent's
            os.close(read_end)
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    send(pipe, b"S", _little_endian(lib.synthesize(text)))
            except BaseException as error:  # anything: the parent must hear of it, then exit
                with os.fdopen(os.dup(2), "w") as err:
                    err.write(f"speaker: {error}\n")
                os._exit(1)
            os._exit(0)
        os.close(write_end)
        frame = _collect(read_end, pid)
        _, status = os.waitpid(pid, 0)
        if frame is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return frame
        reason = _why(status, frame)
    return b"E", json.dumps({"error": f"espeak-ng could not say it: {reason}"}).encode()


def _collect(read_end: int, pid: int) -> tuple[bytes, bytes] | None:
    """Everything the child writes, or ``None`` when it hangs (it is then killed)."""
    import select
    import time

    deadline = time.monotonic() + TIMEOUT_S
    data = bytearray()
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            ready = select.select([pipe], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                return None
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            data += chunk
    if len(data) < HEADER.size:
        return None
    kind, length = HEADER.unpack_from(data)
    payload = bytes(data[HEADER.size :])
    return (kind, payload) if len(payload) == length else None


def _why(status: int, frame: tuple[bytes, bytes] | None) -> str:
    if os.WIFSIGNALED(status):
        return f"it ended by signal {os.WTERMSIG(status)}"
    if frame is None:
        return "it took too long or said nothing"
    return "it failed"


def _ready(lib: EspeakLib) -> bytes:
    return json.dumps({"version": lib.version, "rate": lib.rate, "voices": lib.voices()}).encode()


def serve(voice_id: str, rate: int, once: bool, requests: IO[bytes], replies: IO[bytes]) -> None:
    """Load the voice, say so, then speak each text sent until the requests end."""
    try:
        lib = EspeakLib()
        ready = _ready(lib)  # listed first: choosing a voice must come last before any text
        if voice_id:
            lib.choose(voice_id, rate)
    except EspeakLibError as error:
        send(replies, b"E", json.dumps({"error": str(error)}).encode())
        return
    send(replies, b"R", ready)
    while (frame := receive(requests)) is not None:
        text = frame[1].decode()
        if once:
            try:
                send(replies, b"S", _little_endian(lib.synthesize(text)))
            except EspeakLibError as error:
                send(replies, b"E", json.dumps({"error": str(error)}).encode())
            return
        send(replies, *_speak_in_child(lib, text))


def main(argv: list[str]) -> None:
    """Frames go over a copy of stdout; stdout itself is pointed at stderr, so nothing the
    library might print can break a frame. Ctrl-C is the main process's: this one ends when
    its requests end, as they do when the main process exits, however it exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with os.fdopen(os.dup(sys.stdout.fileno()), "wb") as replies:
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        voice_id, rate = argv[0], int(argv[1])
        serve(voice_id, rate, "--once" in argv[2:], sys.stdin.buffer, replies)


if __name__ == "__main__":
    main(sys.argv[1:])
