"""The files beside each MP3, one row each in :data:`SESSION_EXTRAS`: the transcript to read
and the WebVTT captions.

A row names the file (from the MP3's, by a suffix), makes its bytes from the session file, says
what a build's last line counts it as, and gives the page's link to it. The writer
(:func:`audiocoach.output.export.write_extras`), the list of a build's files before it starts
(``pipeline.staging``), the build's report and the page's links all go through the table, so a
new file beside the MP3s is its row and the function that makes it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audiocoach.audio.timeline import Timeline
from audiocoach.model.program import Program
from audiocoach.output.listing import SessionFile
from audiocoach.output.webpage import render_transcript
from audiocoach.script.dutch import written_forms

Make = Callable[[Program, SessionFile, str | None, str | None], bytes]
"""Bytes of one file from the program, the session file, the patient's label and the practice."""


@dataclass(frozen=True)
class SessionExtra:
    """One file beside each MP3."""

    suffix: str
    """What follows the MP3's stem: ``-tekst.html``. Only this kind of file ends so (never a
    bare ``.html``, which ``index.html`` has)."""
    make: Make
    kind: str
    """What the build's last line counts it as: ``4 transcripts``."""
    link: str | None
    """The page's link to it, below the player (``None``: no link)."""

    def name(self, mp3_name: str) -> str:
        """``fase-1a-gehele-periode-tekst.html`` beside ``fase-1a-gehele-periode.mp3``."""
        return f"{Path(mp3_name).stem}{self.suffix}"


def transcript_name(mp3_name: str) -> str:
    """``fase-1a-gehele-periode.vtt``: the captions beside the MP3, which the page's player
    and the transcript page name too."""
    return f"{Path(mp3_name).stem}.vtt"


def vtt_time(ms: int) -> str:
    """``00:01:02.345``: WebVTT's time stamp, hours always written."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(timeline: Timeline) -> str:
    """Every spoken line of the session as a WebVTT cue at its time in the timeline.

    The text is what the voice says, with the spellings that were changed only for the voice
    ("es-ie-gewricht") written as on the card again.
    """
    cues = ["WEBVTT", ""]
    for number, event in enumerate((e for e in timeline.events if e.spoken), 1):
        text = html.escape(written_forms(event.text or ""), quote=False)
        cues += [str(number), f"{vtt_time(event.start_ms)} --> {vtt_time(event.end_ms)}", text, ""]
    return "\n".join(cues)


def _captions(
    _program: Program, file: SessionFile, _label: str | None, _practice: str | None
) -> bytes:
    return webvtt(file.timeline).encode("utf-8")


def _transcript_page(
    program: Program, file: SessionFile, label: str | None, practice: str | None
) -> bytes:
    text = render_transcript(program, file, transcript_name(file.name), label, practice)
    return text.encode("utf-8")


SESSION_EXTRAS: tuple[SessionExtra, ...] = (
    SessionExtra("-tekst.html", _transcript_page, "transcript", "Uitgeschreven tekst"),
    SessionExtra(".vtt", _captions, "transcript", "Ondertiteling (WebVTT)"),
)
"""In the order of the page's links."""


def extra_kinds() -> list[str]:
    """What the build's last line counts, in the table's order: ``["transcript"]``."""
    return list(dict.fromkeys(extra.kind for extra in SESSION_EXTRAS))


def session_extra_names(mp3_name: str) -> list[str]:
    """The names of the files beside one MP3."""
    return [extra.name(mp3_name) for extra in SESSION_EXTRAS]


def kind_of(name: str) -> str | None:
    """What a file of the folder is counted as, when it is one beside an MP3."""
    for extra in SESSION_EXTRAS:
        if name.endswith(extra.suffix):
            return extra.kind
    return None


def page_links(mp3_name: str) -> tuple[tuple[str, str], ...]:
    """The page's links below one player: (file name, words)."""
    return tuple((extra.name(mp3_name), extra.link) for extra in SESSION_EXTRAS if extra.link)
