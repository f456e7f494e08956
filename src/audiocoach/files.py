"""Writing files so that nothing is lost: a temporary name in the same folder, then a rename.

A build that fails or is interrupted leaves every earlier file byte-for-byte as it was; the
rename is atomic on the same file system. The files of one build are put in place together
by :mod:`audiocoach.folders`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from audiocoach.errors import AudiocoachError, OutputError

TEMP_PREFIX = ".audiocoach-"
STAGE_SUFFIX = ".stage"
"""A bundle being written: removed when its build is gone."""
COMMIT_SUFFIX = ".commit"
"""A bundle being put in place: finished by the next build when its build is gone."""
STOP_AT_VAR = "AUDIOCOACH_STOP_AT"
"""Fault injection, for tests only: ``MOMENT:SIGNAL`` (``committing-1:KILL``) makes
:func:`fault_point` send this process that signal at that moment of a build, so tests
interrupt it at well-defined points instead of racing a timer. Unset, it does nothing."""


def temp_prefix() -> str:
    """``.audiocoach-PID-``: the process id tells a later build whether the writer is gone."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def owner(path: Path) -> int | None:
    """The process id in ``.audiocoach-PID-...``, if the name has one."""
    match = re.match(re.escape(TEMP_PREFIX) + r"([0-9]+)-", path.name)
    return int(match[1]) if match else None


def writer_is_gone(pid: int | None, part: Path, max_age_s: float) -> bool:
    if pid is not None and os.name == "posix":
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return time.time() - part.stat().st_mtime > max_age_s


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a moment: they arrive as soon as the block ends."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` whole.

    One ``try`` from the moment the file exists: a stop (Ctrl-C, a worker's SIGTERM) that
    lands just after it was created still removes it. A stop during the creation itself is
    held back until the file has its name here (with two workers per phase, a stop landed
    there and left an empty temporary file)."""
    handle: IO[bytes] | None = None
    try:
        try:
            with _stops_held():
                handle = _open_temp(path.parent)
            with handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            temp = Path(handle.name)
            temp.chmod(0o644)
            temp.replace(path)
        except OSError as error:
            # A full disk, a quota, a file size limit: one sentence, never a traceback.
            raise OutputError(
                f"Cannot write {path.name} in {_shown_folder(path)}: {error.strerror}."
            ) from None
    except BaseException:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        raise


def _open_temp(folder: Path) -> IO[bytes]:
    """The temporary file :func:`atomic_writer` fills; tests replace it to fill the disk."""
    return tempfile.NamedTemporaryFile(
        dir=folder, prefix=temp_prefix(), suffix=".part", delete=False
    )


def _shown_folder(path: Path) -> Path:
    """The folder a user knows: the output folder, not the bundle's hidden stage inside it."""
    parent = path.parent
    return parent.parent if parent.name.endswith(STAGE_SUFFIX) else parent


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_new_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path``, which must not exist: ``FileExistsError`` if it does.

    The file is written whole under a temporary name and linked into place: a link never
    replaces a file, so not even one made meanwhile is overwritten. Where the file system has
    no links (FAT on a USB stick), the name is claimed first and the file renamed over it."""
    staged = path.with_name(f"{temp_prefix()}{path.name}.new")
    write_text(staged, text)
    try:
        try:
            os.link(staged, path)
        except FileExistsError:
            raise
        except OSError:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            staged.replace(path)
    finally:
        staged.unlink(missing_ok=True)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A FIFO would hang the build and ``/dev/zero`` would fill the memory, so anything that is
    not a regular file raises ``IsADirectoryError`` (a folder) or ``OSError`` (anything else)
    before it is read, and a larger file raises :class:`FileTooLarge`.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path)
    return data


def read_given(path: Path, limit: int, what: str, error: type[AudiocoachError]) -> bytes:
    """The bytes of a file someone named (the card, a program or patient file), read by
    :func:`read_regular`; any failure is ``error`` with one sentence naming it as ``what``
    ("The card k.pdf does not exist."), the one wording for every such file."""
    name = f"The {what} {path}"
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    try:
        return read_regular(path, limit)
    except FileNotFoundError:
        raise error(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise error(f"{name} is a folder, not a file.") from None
    except NotRegularFile:
        raise error(f"{name} is not a regular file.") from None
    except FileTooLarge:
        raise error(f"{name} is larger than {size}; it cannot be one.") from None
    except OSError as failure:
        raise error(f"{name} cannot be read: {failure.strerror}.") from None


class NotRegularFile(OSError):
    """A device, FIFO or socket where a file was expected."""


class FileTooLarge(OSError):
    """A file larger than its reader's limit."""


def fault_point(moment: str) -> None:
    """A fault-injection point, for tests only: where a test may stop a build by a signal
    (see :data:`STOP_AT_VAR`). Does nothing unless that variable names this ``moment``."""
    wanted = os.environ.get(STOP_AT_VAR)
    if wanted and wanted.rpartition(":")[0] == moment:
        os.kill(os.getpid(), getattr(signal, f"SIG{wanted.rpartition(':')[2]}"))
