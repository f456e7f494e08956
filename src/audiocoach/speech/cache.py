"""The speech cache: every distinct text is synthesised once per voice, then read from disk.

A practice regenerates sessions for every patient and every change in dosage; almost all of
what is said stays the same. :class:`CachedVoice` wraps any :class:`~audiocoach.speech.voice.Voice`
and is itself one, so nothing downstream knows whether a clip was spoken now or read back.

Entries live in the user's cache folder (``platformdirs``), or in ``AUDIOCOACH_CACHE_DIR``
when that is set. Each entry is one file named by :func:`entry_key` (everything that changes
the sound, plus this module's format version) holding the conformed, trimmed clip samples
with a SHA-256 checksum of its own key and the samples, so an entry renamed or copied over
another one fails its checksum. An entry that is truncated, fails its checksum, is not a
regular file or cannot be read is removed and made again, never played. Entries are written
under a temporary name and linked into place only where no intact entry is yet: the first
clip kept for a text stays, so builds sharing a cache (at once or one after the other) use
the same clip for it. A cache that cannot be written is no reason to fail a build: the clip
is then not kept, and the build says so once (:attr:`CachedVoice.unwritable`).

The bundled espeak-ng says a text with the same samples whenever and wherever it says it
(:mod:`audiocoach.speech.speaker`), so what the cache holds never changes a build's bytes;
the first-kept rule still matters for engines that do vary (Piper, the system's voices).
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

from audiocoach.errors import OutputError
from audiocoach.files import read_regular
from audiocoach.sound import SAMPLE_RATE, Samples, Sound
from audiocoach.speech.voice import Recordings, StoredClip, Voice, clip_key, clip_of

ENV_VAR = "AUDIOCOACH_CACHE_DIR"
FORMAT_VERSION = 2
"""Part of every key: raise it when the entry layout or the clip processing changes."""
MAGIC = b"audiocoach-clip\x00"
_HEADER = struct.Struct(f"<{len(MAGIC)}sQ32s")
"""Magic, number of 16-bit samples, SHA-256 of the entry's key and the samples."""
SUFFIX = ".clip"
MAX_ENTRY_BYTES = 64 << 20
"""Some 25 minutes of speech: far beyond any phrase; a larger file is not an entry."""


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


def _checksum(key: str, payload: bytes) -> bytes:
    return hashlib.sha256(key.encode() + b"\n" + payload).digest()


def encode_entry(samples: Samples, key: str) -> bytes:
    """An entry's bytes: header with length and checksum, then little-endian samples.

    The checksum covers ``key`` (the entry's file name): an entry holds its own text's sound.
    """
    payload = samples.astype("<i2", copy=False).tobytes()
    return _HEADER.pack(MAGIC, len(samples), _checksum(key, payload)) + payload


def decode_entry(data: bytes, key: str) -> tuple[Samples, bytes] | None:
    """The samples of an intact entry of ``key`` and its checksum; ``None`` for anything
    damaged or foreign."""
    if len(data) < _HEADER.size:
        return None
    magic, count, checksum = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != MAGIC or count == 0 or len(payload) != 2 * count:
        return None
    if _checksum(key, payload) != checksum:
        return None
    return np.frombuffer(payload, dtype="<i2").astype(np.int16), checksum


def _read_entry(path: Path) -> tuple[Samples, bytes] | None:
    """An intact regular entry file and its checksum; ``None`` for anything else, without
    waiting on a FIFO or reading a device."""
    try:
        data = read_regular(path, MAX_ENTRY_BYTES)
    except OSError:
        return None
    return decode_entry(data, path.stem)


class CachedVoice(Voice):
    """A :class:`Voice` that remembers every clip of the voice it wraps, on disk."""

    def __init__(self, voice: Voice, folder: Path | None = None) -> None:
        self.voice = voice
        self.folder = folder or cache_dir()
        self.unwritable: str | None = None
        """One sentence once a clip could not be kept: the next build speaks it again."""
        self._stored: dict[str, StoredClip] = {}

    @property
    def identity(self) -> str:
        return self.voice.identity

    @property
    def recordings(self) -> Recordings | None:
        return self.voice.recordings

    def rest(self) -> None:
        self.voice.rest()

    def path_for(self, text: str) -> Path:
        return self.folder / f"{entry_key(self.voice, text)}{SUFFIX}"

    def synthesize(self, text: str) -> Sound:
        """The clip from the cache when intact, else from the wrapped voice (and kept).

        When another process kept a clip for the text meanwhile, that one is returned: the
        first clip kept for a text is the one every build uses.
        """
        path = self.path_for(text)
        found = self._read(path)
        if found is None:
            made = clip_of(text, self.voice.synthesize(text)).samples
            found = self._keep(path, made)
            if found is None:
                return Sound(made, SAMPLE_RATE)
        self._stored[text] = StoredClip(path, found[1])
        return Sound(found[0], SAMPLE_RATE)

    def stored(self, text: str) -> StoredClip | None:
        """The entry holding exactly the clip last returned for ``text``, if it was kept.

        Encoding workers read clips from here instead of receiving them from this process,
        so no copy of a session's clips travels through a pipe; the checksum lets a worker
        check the entry still holds that clip.
        """
        return self._stored.get(text)

    def _read(self, path: Path) -> tuple[Samples, bytes] | None:
        if not os.path.lexists(path):
            return None
        found = _read_entry(path)
        if found is None:
            with contextlib.suppress(OSError):
                path.unlink()
        return found

    def _keep(self, path: Path, samples: Samples) -> tuple[Samples, bytes] | None:
        """Keep the clip unless an intact entry is there already; returns what the entry
        holds then. A cache that cannot be written is skipped, not fatal (``None``), and
        said once (:attr:`unwritable`)."""
        temp: Path | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = encode_entry(samples, path.stem)
            with tempfile.NamedTemporaryFile(
                dir=self.folder, prefix=".tmp-", suffix=SUFFIX, delete=False
            ) as handle:
                temp = Path(handle.name)
                handle.write(data)
            try:
                os.link(temp, path)  # never over an entry another build has just kept
            except FileExistsError:
                there = _read_entry(path)
                if there is not None:
                    return there
                temp.replace(path)  # what is there is damaged: ours replaces it
            except OSError:
                temp.replace(path)  # a file system without hard links
        except OSError as error:
            if self.unwritable is None:
                self.unwritable = (
                    f"The speech cache {self.folder} cannot be written "
                    f"({error.strerror or error}); the next build speaks every phrase again."
                )
            return None
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()
        return samples, data[_HEADER.size - 32 : _HEADER.size]


def load_entry(path: Path, checksum: bytes | None = None) -> Samples:
    """An entry that must be intact and, given its ``checksum``, hold the very clip the main
    process laid out (a worker reading what the main process just checked)."""
    found = _read_entry(path)
    if found is None or (checksum is not None and found[1] != checksum):
        raise OutputError(f"The speech cache entry {path} changed during the build; build again.")
    return found[0]


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
