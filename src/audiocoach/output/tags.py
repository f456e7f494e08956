"""ID3v2 tags and chapters for a session's MP3, made in memory with mutagen.

The tag is built as bytes before the audio is encoded and written in front of the MP3 frames,
into the same temporary file, so the file is still renamed into place whole and the frames are
exactly what the encoder produced. Nothing in the tag depends on the clock, and the padding is
fixed, so a rebuild gives the same bytes.

mutagen writes a tag's frames sorted by their size, which put the chapters of phase 2 in the
order 8, 2, 3, ..., 11, 9, 10: players and tools that list CHAP frames as they find them in
the file showed them shuffled. So each frame is serialised by mutagen on its own and the tag is
put together here, in a fixed order: the text frames, the table of contents, then the chapters
by time.
"""

from __future__ import annotations

import io

from mutagen import PaddingInfo
from mutagen.id3 import (
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    CTOCFlags,
    Frame,
)

from audiocoach.audio.session import Session
from audiocoach.model.program import Program
from audiocoach.script.session import session_title

DEFAULT_ARTIST = "audiocoach"
"""The artist when no practice is named."""
LANGUAGE = "nld"
"""ISO 639-2 code for Dutch, as ID3 wants it."""
GENRE = "Speech"
ID3_VERSION = 3
"""ID3v2.3: read by every player that reads ID3 chapters, including older car and phone ones."""
PADDING = 0
"""No padding: the file is never tagged in place, so room to grow would only be noise."""
_HEADER_SIZE = 10
"""An ID3v2 tag header: "ID3", version, flags, size."""
_NO_OFFSET = 0xFFFFFFFF
"""CHAP's "byte offsets unknown": players use the times."""


def track_title(program: Program, session: Session) -> str:
    """``Fase 1: Gehele periode (met uitleg) – Herstelbevorderende oefeningen …``: the
    session's title (:func:`~audiocoach.script.session.session_title`) and the program's."""
    return f"{session_title(session.phase, session.variant)} – {program.title}"


def chapter_title(program: Program, exercise: int) -> str:
    """``Oefening 7: Knieën naar de schouder``: the exercise's own name, not the card's title
    (eight exercises share one)."""
    return f"Oefening {exercise}: {program.exercise(exercise).name}"


def patient_album(program: Program, label: str | None) -> str:
    """The album: the program, for this patient (``… – voor J.D.``) when a label is given.

    One album per patient, so a phone that holds two patients' sessions keeps them apart."""
    return for_patient(program.title, label)


def for_patient(text: str, label: str | None) -> str:
    """``text – voor J.D.``; ``text`` alone without a label. Initials only, as the file has."""
    return f"{text} – voor {label}" if label else text


def disclaimer(program: Program) -> str:
    """The card's own notes (the advice and "in overleg met uw behandelaar"), as one text."""
    return " ".join(program.notes)


def id3_tag(
    program: Program,
    session: Session,
    track: int,
    total: int,
    practice: str | None = None,
    *,
    label: str | None = None,
) -> bytes:
    """The complete ID3v2 tag for one session, as bytes to put in front of its MP3 frames.

    ``label`` (the patient's initials) is part of the album, so the file says whose it is.
    """
    frames: list[Frame] = [
        TIT2(encoding=3, text=track_title(program, session)),
        TPE1(encoding=3, text=practice or DEFAULT_ARTIST),
        TALB(encoding=3, text=patient_album(program, label)),
        TRCK(encoding=3, text=f"{track}/{total}"),
        TCON(encoding=3, text=GENRE),
        TLAN(encoding=3, text=LANGUAGE),
    ]
    if program.notes:
        frames.append(COMM(encoding=3, lang=LANGUAGE, desc="", text=disclaimer(program)))
    chapters = sorted(session.timeline.chapters(), key=lambda c: (c.start_ms, c.exercise))
    ids = [f"oefening{c.exercise}" for c in chapters]
    frames.append(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=session_title(session.phase, session.variant))],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        frames.append(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[TIT2(encoding=3, text=chapter_title(program, chapter.exercise))],
            )
        )
    body = b"".join(_frame_bytes(frame) for frame in frames) + bytes(PADDING)
    return b"ID3" + bytes([ID3_VERSION, 0, 0]) + _syncsafe(len(body)) + body


def _frame_bytes(frame: Frame) -> bytes:
    """One frame as mutagen writes it in an ID3v2.3 tag: its header and body, nothing else."""
    tag = ID3()
    tag.add(frame)
    buffer = io.BytesIO()
    tag.save(buffer, v2_version=ID3_VERSION, padding=_no_padding)
    data = buffer.getvalue()
    return data[_HEADER_SIZE:]


def _syncsafe(size: int) -> bytes:
    """A tag size as ID3 stores it: four bytes of seven bits each."""
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def _no_padding(_info: PaddingInfo) -> int:
    return 0
