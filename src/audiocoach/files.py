"""Writing files so that nothing is lost: a temporary name in the same folder, then a rename.

A build that fails or is interrupted leaves every earlier file byte-for-byte as it was; the
rename is atomic on the same file system.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from audiocoach.errors import OutputError

TEMP_PREFIX = ".audiocoach-"


def output_folder(text: str, option: str) -> Path:
    """The output folder as typed; an empty one is an error, not the current folder.

    ``Path("")`` is ``.``: ``--out ""`` (an unset variable in a script) would have written the
    bundle among whatever the current folder holds. ``--out .`` still says so on purpose."""
    if not text.strip():
        raise OutputError(
            f"{option} is empty; give a folder such as {option} uitvoer "
            f"(or {option} . for the current folder)."
        )
    return Path(text)


def prepare_folder(folder: Path) -> Path:
    """Create the output folder if needed and prove it can be written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"The output folder {folder} is a file, not a folder.") from None
    except OSError as error:
        raise OutputError(
            f"The output folder {folder} cannot be created: {error.strerror}."
        ) from None
    if not folder.is_dir():
        raise OutputError(f"The output folder {folder} is not a folder.")
    # os.access() says yes to root for a read-only folder: only writing proves it.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=TEMP_PREFIX, suffix=".probe"):
            pass
    except OSError as error:
        raise OutputError(
            f"The output folder {folder} cannot be written to: {error.strerror}."
        ) from None
    remove_stale_parts(folder)
    return folder


def _temp_prefix() -> str:
    """``.audiocoach-PID-``: the process id tells a later build whether the writer is gone."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def remove_stale_parts(folder: Path, *, max_age_s: float = 3600) -> list[Path]:
    """Remove the temporary files of builds that were killed before they could clean up.

    A part whose writing process is gone is stale. Where that cannot be asked safely
    (Windows), a part untouched for ``max_age_s`` is. Returns what was removed.
    """
    removed = []
    for part in folder.glob(f"{TEMP_PREFIX}*.part"):
        match = re.fullmatch(re.escape(TEMP_PREFIX) + r"([0-9]+)-.*\.part", part.name)
        pid = int(match[1]) if match else None
        with contextlib.suppress(OSError):
            if _writer_is_gone(pid, part, max_age_s):
                part.unlink()
                removed.append(part)
    return removed


def _writer_is_gone(pid: int | None, part: Path, max_age_s: float) -> bool:
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
                handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed
                    dir=path.parent, prefix=_temp_prefix(), suffix=".part", delete=False
                )
        except OSError as error:
            raise OutputError(f"Cannot write in {path.parent}: {error.strerror}.") from None
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temp = Path(handle.name)
        temp.chmod(0o644)
        temp.replace(path)
    except BaseException:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))
