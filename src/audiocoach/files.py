"""Writing files so that nothing is lost: a temporary name in the same folder, then a rename.

A build that fails or is interrupted leaves every earlier file byte-for-byte as it was; the
rename is atomic on the same file system.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from audiocoach.errors import OutputError

TEMP_PREFIX = ".audiocoach-"


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
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"The output folder {folder} cannot be written to.")
    return folder


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` whole."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            dir=path.parent, prefix=TEMP_PREFIX, suffix=".part", delete=False
        )
    except OSError as error:
        raise OutputError(f"Cannot write in {path.parent}: {error.strerror}.") from None
    temp = Path(handle.name)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))
