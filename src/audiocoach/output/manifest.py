"""What the output folder already holds, so a build redoes only what changed.

Beside the MP3s, ``.audiocoach-manifest.json`` records for each file a fingerprint of
everything it was made from (the program and phase, the script the templates and dosage wrote,
the voice's identity, the encoder settings, the audiocoach version) and the file's size and
SHA-256. A phase whose fingerprint matches and whose file is intact is neither rendered nor
encoded again. A session file's entry also holds ``about``: what the page, playlist and feed say
about it (titles, exercises, timeline), so they can list a file a later build did not make
(``build`` then ``build --phase 1``) exactly as it is.

The fingerprint is computed from the script and the voice's identity, never from clips: the
identity stands for everything that changes the sound, so checking costs no synthesis and a
build with nothing changed finishes at once. An unreadable or foreign manifest counts as
empty: everything is rebuilt, nothing fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from audiocoach import __version__
from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.tones import TONES
from audiocoach.files import read_regular, write_text
from audiocoach.script.writer import SessionScript

MANIFEST_NAME = ".audiocoach-manifest.json"
MANIFEST_MAX_BYTES = 4 << 20
"""A manifest lists a few files; anything larger is not one of ours."""
FORMAT_VERSION = 2
"""Part of every fingerprint: raise it when what a file is made from changes meaning.

2: the tags name the patient and hold the chapters in time order; entries describe sessions."""


def fingerprint(script: SessionScript, voice_identity: str, encoder: EncoderSettings) -> str:
    """A digest of every input of one phase's MP3; equal digests make equal files.

    The program counts with its own fields (title, notes, ...) and the exercises of this
    phase only, so changing an exercise of another phase leaves this file alone.
    """
    program = script.program
    own = replace(
        program,
        exercises=tuple(e for e in program.exercises if e.number in script.phase.exercises),
        phases=(script.phase,),
    )
    inputs = {
        "format": FORMAT_VERSION,
        "audiocoach": __version__,
        "voice": voice_identity,
        "encoder": asdict(encoder),
        # Frozen dataclasses of strings, numbers and tuples: their repr is stable and complete.
        "program": repr(own),
        "steps": repr(script.steps),
        "tones": repr(TONES),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One file as the manifest knows it."""

    fingerprint: str
    size: int
    sha256: str
    duration_ms: int
    about: dict[str, Any] | None = None
    """For a session file: what the page, playlist and feed say about it (see ``listing``)."""
    written: int = 0
    """When these bytes were first written (Unix seconds): the feed's ``pubDate``. Kept while
    the SHA-256 stays, so a rebuild that writes the same bytes gives the same feed."""


def now() -> int:
    """The time to record, in Unix seconds: ``SOURCE_DATE_EPOCH`` where it is set (reproducible
    builds), else the clock."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(given) if given.isdigit() else int(time.time())


@dataclass
class Manifest:
    """The records of one output folder; :meth:`save` writes them atomically."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest; empty when there is none or it cannot be trusted."""
        manifest = cls(folder)
        try:
            data = json.loads(read_regular(folder / MANIFEST_NAME, MANIFEST_MAX_BYTES))
            if data.get("format") != FORMAT_VERSION:
                return manifest
            for name, record in data["files"].items():
                manifest.entries[name] = Entry(
                    str(record["fingerprint"]),
                    int(record["size"]),
                    str(record["sha256"]),
                    int(record["duration_ms"]),
                    dict(record["about"]) if record.get("about") is not None else None,
                    int(record.get("written", 0)),
                )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            manifest.entries.clear()
        return manifest

    def unchanged(self, name: str, print_: str, at: Path | None = None) -> Entry | None:
        """The entry when ``name`` was made from ``print_`` and is on disk as it was written
        (at ``at`` when that is not the folder)."""
        entry = self.entries.get(name)
        if entry is None or entry.fingerprint != print_:
            return None
        path = at or self.folder / name
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size != entry.size:
                return None
            if file_digest(path) != entry.sha256:
                return None
        except OSError:
            return None
        return entry

    def intact(self, name: str, at: Path | None = None) -> Entry | None:
        """The entry when the file ``name`` is on disk as it was written, whatever it was made
        from (at ``at`` when that is not the folder)."""
        entry = self.entries.get(name)
        return None if entry is None else self.unchanged(name, entry.fingerprint, at)

    def record(
        self,
        name: str,
        print_: str,
        duration_ms: int,
        *,
        about: dict[str, Any] | None = None,
        at: Path | None = None,
    ) -> None:
        """Remember the file ``name`` as just written from ``print_``; ``at`` is where it is
        now (staged in a bundle) when that is not yet the folder."""
        path = at or self.folder / name
        digest = file_digest(path)
        old = self.entries.get(name)
        written = old.written if old and old.sha256 == digest and old.written else now()
        self.entries[name] = Entry(print_, path.stat().st_size, digest, duration_ms, about, written)

    def forget(self, name: str) -> None:
        """The file ``name`` is no longer one of this folder's build."""
        self.entries.pop(name, None)

    def text(self) -> str:
        """The manifest as it is saved."""
        data: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "files": {name: _record(entry) for name, entry in sorted(self.entries.items())},
        }
        return json.dumps(data, indent=1) + "\n"

    def changed(self) -> bool:
        """Whether the folder's manifest file says something else than this one."""
        try:
            return (self.folder / MANIFEST_NAME).read_text(encoding="utf-8") != self.text()
        except (OSError, UnicodeDecodeError):
            return True

    def save(self, folder: Path | None = None) -> Path:
        """Write the manifest into ``folder`` (a bundle's stage; the folder itself by default)."""
        path = (folder or self.folder) / MANIFEST_NAME
        write_text(path, self.text())
        return path


def _record(entry: Entry) -> dict[str, Any]:
    """An entry as JSON; ``about`` only where there is one."""
    record = asdict(entry)
    if record["about"] is None:
        del record["about"]
    return record
