"""The speech cache: every distinct text is synthesised once per voice, then read from disk.

A practice regenerates sessions for every patient and every change in dosage; almost all of
what is said stays the same. :class:`CachedVoice` wraps any :class:`~audiocoach.speech.Voice`
and is itself one, so nothing downstream knows whether a clip was spoken now or read back.

Entries live in the user's cache folder (``platformdirs``), or in ``AUDIOCOACH_CACHE_DIR``
when that is set. Each entry is one file named by :func:`entry_key` (everything that changes
the sound, plus this module's format version) holding the conformed, trimmed clip samples
with a SHA-256 checksum. An entry that is truncated, fails its checksum or cannot be read is
removed and made again, never played. Entries are written under a temporary name and renamed,
so a reader never sees half an entry. A cache that cannot be written is no reason to fail a
build: the clip is then simply not kept.

Reading clips back also makes a build and a preview in one process agree to the millisecond,
which espeak-ng alone does not (it varies a clip by a millisecond or two between runs).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiocoach.audio import SAMPLE_RATE, Samples, Sound
from audiocoach.errors import OutputError
from audiocoach.speech import Voice, clip_key, clip_of

ENV_VAR = "AUDIOCOACH_CACHE_DIR"
FORMAT_VERSION = 1
"""Part of every key: raise it when the entry layout or the clip processing changes."""
MAGIC = b"audiocoach-clip\x00"
_HEADER = struct.Struct(f"<{len(MAGIC)}sQ32s")
"""Magic, number of 16-bit samples, SHA-256 of the samples."""
SUFFIX = ".clip"


def cache_dir() -> Path:
    """Where clips are kept: ``AUDIOCOACH_CACHE_DIR``, else the platform's user cache folder."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        root = Path(configured)
    else:
        import platformdirs  # here, not above: workers read entries and never need it

        root = Path(platformdirs.user_cache_dir("audiocoach"))
    return root / "clips"


def entry_key(voice: Voice, text: str) -> str:
    """The file name of one text in one voice: :func:`clip_key` plus the format version."""
    return hashlib.sha256(f"{FORMAT_VERSION}\n{clip_key(voice, text)}".encode()).hexdigest()


def encode_entry(samples: Samples) -> bytes:
    """An entry's bytes: header with length and checksum, then little-endian samples."""
    payload = samples.astype("<i2", copy=False).tobytes()
    return _HEADER.pack(MAGIC, len(samples), hashlib.sha256(payload).digest()) + payload


def decode_entry(data: bytes) -> Samples | None:
    """The samples of an intact entry; ``None`` for anything damaged or foreign."""
    if len(data) < _HEADER.size:
        return None
    magic, count, checksum = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != MAGIC or count == 0 or len(payload) != 2 * count:
        return None
    if hashlib.sha256(payload).digest() != checksum:
        return None
    return np.frombuffer(payload, dtype="<i2").astype(np.int16)


@dataclass
class CacheStats:
    """What one :class:`CachedVoice` did: clips read back, made, and damaged entries replaced."""

    hits: int = 0
    made: int = 0
    repaired: int = 0


class CachedVoice:
    """A :class:`Voice` that remembers every clip of the voice it wraps, on disk."""

    def __init__(self, voice: Voice, folder: Path | None = None) -> None:
        self.voice = voice
        self.folder = folder or cache_dir()
        self.stats = CacheStats()
        self._stored: dict[str, Path] = {}

    @property
    def identity(self) -> str:
        return self.voice.identity

    def path_for(self, text: str) -> Path:
        return self.folder / f"{entry_key(self.voice, text)}{SUFFIX}"

    def synthesize(self, text: str) -> Sound:
        """The clip from the cache when intact, else from the wrapped voice (and kept)."""
        path = self.path_for(text)
        samples = self._read(path)
        if samples is None:
            samples = clip_of(text, self.voice.synthesize(text)).samples
            self.stats.made += 1
            if self._write(path, samples):
                self._stored[text] = path
        else:
            self.stats.hits += 1
            self._stored[text] = path
        return Sound(samples, SAMPLE_RATE)

    def stored(self, text: str) -> Path | None:
        """The entry holding exactly the clip last returned for ``text``, if it was kept.

        Encoding workers read clips from here instead of receiving them from this process,
        so no copy of a session's clips travels through a pipe.
        """
        return self._stored.get(text)

    def _read(self, path: Path) -> Samples | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            data = b""
        samples = decode_entry(data)
        if samples is None:
            self.stats.repaired += 1
            with contextlib.suppress(OSError):
                path.unlink()
        return samples

    def _write(self, path: Path, samples: Samples) -> bool:
        """Keep the clip, atomically; a cache that cannot be written is skipped, not fatal."""
        temp: Path | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                dir=self.folder, prefix=".tmp-", suffix=SUFFIX, delete=False
            ) as handle:
                temp = Path(handle.name)
                handle.write(encode_entry(samples))
            temp.replace(path)
        except OSError:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()
            return False
        return True


def load_entry(path: Path) -> Samples:
    """An entry that must be intact (a worker reading what the main process just checked)."""
    try:
        samples = decode_entry(path.read_bytes())
    except OSError:
        samples = None
    if samples is None:
        raise OutputError(f"The speech cache entry {path} changed during the build; build again.")
    return samples


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds."""

    folder: Path
    entries: int
    bytes: int


def cache_info(folder: Path | None = None) -> CacheInfo:
    """Count the entries and their size."""
    folder = folder or cache_dir()
    files = [p for p in folder.glob(f"*{SUFFIX}") if p.is_file()] if folder.is_dir() else []
    return CacheInfo(folder, len(files), sum(p.stat().st_size for p in files))


def clear_cache(folder: Path | None = None) -> CacheInfo:
    """Remove every cached clip (and nothing else); returns what was there."""
    folder = folder or cache_dir()
    before = cache_info(folder)
    if not folder.is_dir():
        return before
    try:
        for path in folder.glob(f"*{SUFFIX}"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: whatever else is there stays
    except OSError as error:
        message = f"The speech cache {folder} cannot be cleared: {error.strerror}."
        raise OutputError(message) from None
    return before
