"""What the output folder already holds, so a build redoes only what changed.

Beside the MP3s, ``.audiocoach-manifest.json`` records for each file a fingerprint of
everything it was made from (:func:`sound_inputs`: the script the templates and dosage wrote,
the titles its tags show, the voice's identity, the tones, the encoder settings, the
audiocoach version and :data:`FINGERPRINT_VERSION`) and the file's size and SHA-256. A phase
whose fingerprint matches and whose file is intact is neither rendered nor encoded again.
"Intact" is checked much as git checks its index: a file of the recorded size that was last
written before the manifest was is as the manifest describes it, and is not read again (a
rebuild with nothing changed would otherwise read every MP3); any other file is hashed. The
manifest holds no times of its own, so the same build writes the same manifest.
A session file's entry also holds ``about``: what the page, playlist and feed say
about it (a :class:`~audiocoach.output.record.SessionRecord`), so they can list a file a later
build did not make (``build`` then ``build --phase 1``) exactly as it is.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audiocoach import __version__
from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.tones import TONES
from audiocoach.files import read_regular, write_text
from audiocoach.output.record import SessionRecord, typed
from audiocoach.script.writer import Line, SessionScript, Silence, Step

MANIFEST_NAME = ".audiocoach-manifest.json"
MANIFEST_MAX_BYTES = 4 << 20
"""A manifest lists a few files; anything larger is not one of ours."""
FORMAT_VERSION = 2
"""The manifest file's own layout; a manifest of another format counts as empty."""
FINGERPRINT_VERSION = 3
"""Part of every fingerprint: raise it when the same values make other bytes (a new way of
levelling, another tag layout), so every file is made again once.

3: the fingerprint is made of named values (:func:`sound_inputs`), no longer of ``repr()``;
2: the tags name the patient and hold the chapters in time order; entries describe sessions."""


def fingerprint(script: SessionScript, voice_identity: str, encoder: EncoderSettings) -> str:
    """A digest of every input of one session's MP3 (:func:`sound_inputs`); equal digests
    make equal files."""
    inputs = sound_inputs(script, voice_identity, encoder)
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def sound_inputs(
    script: SessionScript, voice_identity: str, encoder: EncoderSettings
) -> dict[str, object]:
    """The values an MP3 is made from, each by name: what is said and when (the script's
    steps), who says it (the voice's identity), the tones, the encoder, and what its tags
    show (the program's title and notes, the phase, the chapters' names).

    Nothing else of the program counts, so a field added to the model, a class renamed or an
    exercise of another phase changed leaves the file alone; a new value that changes the
    bytes must be named here. The audiocoach version counts: a new release may make other
    bytes from the same values, and then makes every file once.
    """
    program, phase = script.program, script.phase
    own = set(phase.exercises)
    return {
        "fingerprint": FINGERPRINT_VERSION,
        "audiocoach": __version__,
        "voice": voice_identity,
        "encoder": {"bit_rate_kbps": encoder.bit_rate_kbps, "quality": encoder.quality},
        "title": program.title,
        "notes": list(program.notes),
        "phase": {"number": phase.number, "title": phase.title, "variant": script.variant},
        "chapters": {str(e.number): e.name for e in program.exercises if e.number in own},
        "steps": [_step_values(step) for step in script.steps],
        "tones": {
            label: [list(tone.hz), tone.ms, tone.fade_in_ms, tone.fade_out_ms, tone.volume_db]
            for label, tone in TONES.items()
        },
    }


def _step_values(step: Step) -> list[object]:
    """A step of the script as the values that make its sound and its place."""
    if isinstance(step, Line):
        return ["line", step.kind, step.text, step.exercise, step.slot_ms]
    if isinstance(step, Silence):
        return ["silence", step.kind, step.ms, step.exercise]
    return ["tone", step.label, step.exercise]


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
    about: SessionRecord | None = None
    """For a session file: what the page, playlist and feed say about it (``None`` for the
    other files, and where the record cannot be read)."""
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
    saved: dict[str, Entry] | None = None
    """The entries as the folder's manifest file holds them (``None``: no readable file)."""
    saved_ns: int = 0
    """When that file was last written (``st_mtime_ns``). Every build checks each file it
    lists before writing it, so a file not written since is as it was then; one written in
    the same clock tick might have been changed unseen, and is hashed."""

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest; empty when there is none or it cannot be trusted."""
        manifest = cls(folder)
        try:
            data = typed(json.loads(read_regular(folder / MANIFEST_NAME, MANIFEST_MAX_BYTES)), dict)
            if data.get("format") != FORMAT_VERSION:
                return manifest
            records = typed(data["files"], dict)
            for name, record in records.items():
                manifest.entries[typed(name, str)] = _entry(typed(record, dict))
            manifest.saved_ns = (folder / MANIFEST_NAME).stat().st_mtime_ns
        except (OSError, ValueError, KeyError, TypeError, RecursionError):  # Garbage: ValueError
            manifest.entries.clear()
            return manifest
        read_whole = all(
            e.about is not None or "about" not in records[name]
            for name, e in manifest.entries.items()
        )
        manifest.saved = dict(manifest.entries) if read_whole else None
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
            if info.st_mtime_ns >= self.saved_ns and file_digest(path) != entry.sha256:
                if path == self.folder / name:
                    # Changed since it was written: forgotten, or the manifest this build
                    # saves would vouch for it by its time.
                    self.forget(name)
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
        about: SessionRecord | None = None,
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
        return self.saved is None or self.entries != self.saved

    def save(self, folder: Path | None = None) -> Path:
        """Write the manifest into ``folder`` (a bundle's stage; the folder itself by default)."""
        path = (folder or self.folder) / MANIFEST_NAME
        write_text(path, self.text())
        return path


def _record(entry: Entry) -> dict[str, Any]:
    """An entry as JSON; ``about`` only where there is one."""
    record: dict[str, Any] = {
        "fingerprint": entry.fingerprint,
        "size": entry.size,
        "sha256": entry.sha256,
        "duration_ms": entry.duration_ms,
    }
    if entry.about is not None:
        record["about"] = entry.about.to_json()
    record["written"] = entry.written
    return record


def _entry(record: dict[str, Any]) -> Entry:
    """An entry :func:`_record` wrote (:class:`Garbage` for anything else); a record that
    cannot be read leaves the entry without one (the file is kept but not listed)."""
    about = record.get("about")
    return Entry(
        typed(record["fingerprint"], str),
        typed(record["size"], int),
        typed(record["sha256"], str),
        typed(record["duration_ms"], int),
        None if about is None else SessionRecord.from_json(about),
        typed(record.get("written", 0), int),
    )
