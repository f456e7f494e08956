"""ID3v2 tags and chapters for a session's MP3, made in memory with mutagen.

The tag is built as bytes before the audio is encoded and written in front of the MP3 frames,
into the same temporary file, so the file is still renamed into place whole and the frames are
exactly what the encoder produced. Nothing in the tag depends on the clock, and the padding is
fixed, so a rebuild gives the same bytes.
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
)

from audiocoach.program import Program
from audiocoach.session import Session

DEFAULT_ARTIST = "audiocoach"
"""The artist when no practice is named."""
LANGUAGE = "nld"
"""ISO 639-2 code for Dutch, as ID3 wants it."""
GENRE = "Speech"
ID3_VERSION = 3
"""ID3v2.3: read by every player that reads ID3 chapters, including older car and phone ones."""
PADDING = 0
"""No padding: the file is never tagged in place, so room to grow would only be noise."""
_NO_OFFSET = 0xFFFFFFFF
"""CHAP's "byte offsets unknown": players use the times."""


def session_title(program: Program, session: Session) -> str:
    """``Fase 1: Gehele periode – Herstelbevorderende oefeningen …``."""
    return f"{phase_title(session)} – {program.title}"


def phase_title(session: Session) -> str:
    """``Fase 1: Gehele periode``, and ``Fase 1: Gehele periode (kort)`` for the short one."""
    short = " (kort)" if session.variant == "kort" else ""
    return f"Fase {session.phase.number}: {session.phase.title}{short}"


def chapter_title(program: Program, exercise: int) -> str:
    """``Oefening 7: Knieën naar de schouder``: the exercise's own name, not the card's title
    (eight exercises share one)."""
    return f"Oefening {exercise}: {program.exercise(exercise).name}"


def disclaimer(program: Program) -> str:
    """The card's own notes (the advice and "in overleg met uw behandelaar"), as one text."""
    return " ".join(program.notes)


def id3_tag(
    program: Program, session: Session, track: int, total: int, practice: str | None = None
) -> bytes:
    """The complete ID3v2 tag for one session, as bytes to put in front of its MP3 frames."""
    tag = ID3()
    tag.add(TIT2(encoding=3, text=session_title(program, session)))
    tag.add(TPE1(encoding=3, text=practice or DEFAULT_ARTIST))
    tag.add(TALB(encoding=3, text=program.title))
    tag.add(TRCK(encoding=3, text=f"{track}/{total}"))
    tag.add(TCON(encoding=3, text=GENRE))
    tag.add(TLAN(encoding=3, text=LANGUAGE))
    if program.notes:
        tag.add(COMM(encoding=3, lang=LANGUAGE, desc="", text=disclaimer(program)))
    chapters = session.timeline.chapters()
    ids = [f"oefening{c.exercise}" for c in chapters]
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=phase_title(session))],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tag.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[TIT2(encoding=3, text=chapter_title(program, chapter.exercise))],
            )
        )
    buffer = io.BytesIO()
    tag.save(buffer, v2_version=ID3_VERSION, padding=_no_padding)
    return buffer.getvalue()


def _no_padding(_info: PaddingInfo) -> int:
    return PADDING
