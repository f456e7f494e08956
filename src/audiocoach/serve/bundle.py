"""A zip of one build's files, for "Download alles".

Kept small and on its own so that it can give way to the library's own zip of a bundle
(``audiocoach build --zip``) when that exists: :func:`write_zip` is the one call the app makes.
The zip is deterministic (sorted names, a fixed date, fixed permissions), like the MP3s: the
same files give the same bytes, so a practice can tell whether it changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from audiocoach.export import FEED_NAME, PAGE_NAME, PLAYLIST_NAME
from audiocoach.files import write_bytes

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The earliest date a zip can hold: no time stamp that changes from build to build."""


def bundle_files(folder: Path, mp3s: Sequence[Path]) -> list[Path]:
    """What a patient gets from a build: the MP3s, their transcripts, playlist, page, feed."""
    names = [p.name for p in mp3s]
    names += [p.with_suffix(".vtt").name for p in mp3s]
    names += [PLAYLIST_NAME, PAGE_NAME, FEED_NAME]
    return sorted(folder / n for n in set(names) if (folder / n).is_file())


def zip_bytes(files: Sequence[Path]) -> bytes:
    """The files as a zip, in name order, each under its own name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(path.name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            # MP3s do not shrink; the text files do.
            info.compress_type = (
                zipfile.ZIP_STORED if path.suffix == ".mp3" else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write_zip(folder: Path, mp3s: Sequence[Path]) -> Path:
    """Write ``<folder>/<folder name>.zip`` with the build's files; returns its path."""
    path = folder / f"{folder.name}.zip"
    write_bytes(path, zip_bytes(bundle_files(folder, mp3s)))
    return path
