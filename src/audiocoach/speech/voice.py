"""The voice interface: any engine that can speak a session, and the clips it hands over.

An engine is a :class:`Voice`: an ``identity`` and a ``synthesize`` method that hands over its
samples and their rate (:class:`~audiocoach.sound.Sound`). The rest of audiocoach sees only
:class:`~audiocoach.sound.Clip` values made by :func:`clip_of`, so the timeline and the mixer
never learn which engine spoke. Two more questions have answers on the interface, ``None``
for a plain engine, so that no caller needs to know which kind of voice it holds: where a clip
is kept on disk (:meth:`Voice.stored`: the speech cache) and which recordings the voice speaks
from (:attr:`Voice.recordings`: the therapist's own voice).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from audiocoach.errors import SpeechError
from audiocoach.sound import Clip, Sound, conform, trim_silence


@dataclass(frozen=True)
class StoredClip:
    """Where a clip is kept on disk, and the checksum of the entry holding exactly that clip.

    Encoding workers read the clip from there instead of receiving its samples through a pipe,
    and refuse an entry whose checksum changed meanwhile.
    """

    path: Path
    checksum: bytes


@dataclass(frozen=True)
class Recordings:
    """The therapist's recordings a voice speaks from, found when the voice was made."""

    folder: Path
    paths: Mapping[str, Path]
    """The recording of each text that has one."""
    missing: tuple[tuple[str, str], ...]
    """(key, text) of the phrases without a recording, in the order their keys were given."""

    @property
    def recorded(self) -> int:
        """How many phrases have a recording."""
        return len(self.paths)


class Voice(ABC):
    """A speech engine with one voice and speaking rate chosen.

    An engine subclasses this and writes ``identity`` and ``synthesize``; it inherits the
    answers of a plain engine to the other two questions (nothing stored, no recordings).
    """

    @property
    @abstractmethod
    def identity(self) -> str:
        """Everything besides the text that changes the sound: engine, version, voice, rate.

        Two voices with the same identity must say the same text the same way; the speech
        cache relies on it.
        """

    @abstractmethod
    def synthesize(self, text: str) -> Sound:
        """Say ``text``: mono samples at the engine's own rate; the caller conforms them."""

    def stored(self, text: str) -> StoredClip | None:
        """Where the clip last returned for ``text`` is kept on disk, if it is: a build then
        sends workers the place, not the samples. A voice that keeps nothing says ``None``."""
        return None

    @property
    def recordings(self) -> Recordings | None:
        """The recordings this voice speaks from, if any: after a build, the phrases they
        lack are listed for the therapist to record."""
        return None

    def rest(self) -> None:  # noqa: B027 - a plain engine holds nothing: nothing to let go
        """Said everything for now: let go of what speaking holds (a process, a model) until
        the next text. A build calls it before only encoding is left, so the encoding workers
        never share the memory with an engine that has nothing more to say."""


def clip_key(voice: Voice, text: str) -> str:
    """A stable key for one text in one voice: the speech cache's file name."""
    return hashlib.sha256(f"{voice.identity}\n{text}".encode()).hexdigest()


def clip_of(text: str, sound: Sound) -> Clip:
    """Conform and trim an engine's output; an engine that said nothing is an error."""
    samples = trim_silence(conform(sound))
    if samples.size == 0:
        raise SpeechError(f"The speech engine produced no sound for {text!r}.")
    return Clip(text, samples.copy())
