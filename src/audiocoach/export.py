"""What goes beside the MP3s for a practice to hand out: transcripts, a playlist, a page, a feed.

Everything here is read from the sessions' timelines (the single source of what is said and
when) and the program; nothing is measured from the audio. Files are written atomically, and
nothing depends on the clock, so a rebuild writes the same bytes.
"""

from __future__ import annotations

import html
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiocoach.dutch import written_forms
from audiocoach.errors import UrlError, shown
from audiocoach.files import write_bytes, write_text
from audiocoach.program import Program
from audiocoach.session import Session
from audiocoach.tags import DEFAULT_ARTIST, phase_title, session_title
from audiocoach.timeline import Timeline
from audiocoach.webpage import render_page

PAGE_NAME = "index.html"
PLAYLIST_NAME = "sessies.m3u8"
FEED_NAME = "feed.xml"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@dataclass(frozen=True)
class Phase:
    """One built MP3 as the extras see it: the session, its file, its transcript."""

    session: Session
    path: Path

    @property
    def transcript_name(self) -> str:
        return transcript_name(self.path.name)


def transcript_name(mp3_name: str) -> str:
    """``fase-1-gehele-periode.vtt`` beside ``fase-1-gehele-periode.mp3``."""
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


def playlist(program: Program, phases: Sequence[Phase]) -> str:
    """An extended M3U (UTF-8) listing the phases in order, with titles and whole seconds."""
    lines = ["#EXTM3U", f"#PLAYLIST:{program.title}"]
    for phase in phases:
        seconds = round(phase.session.timeline.duration_ms / 1000)
        lines += [f"#EXTINF:{seconds},{session_title(program, phase.session)}", phase.path.name]
    return "\n".join(lines) + "\n"


def check_base_url(url: str) -> str:
    """The feed's base address, checked; ends with ``/`` so file names can follow it."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        parts = urllib.parse.urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in url.strip())
        or not url.strip().isprintable()  # a control character would break the feed's XML
        or parts.query
        or parts.fragment
    ):
        raise UrlError(
            f"The base URL {shown(url, 80)} is not a web address; give one like "
            "https://www.praktijk.nl/oefeningen/ (http or https, a host, no query)."
        )
    base = urllib.parse.urlunsplit(parts._replace(path=parts.path or "/"))
    return base if base.endswith("/") else base + "/"


def feed(
    program: Program, phases: Sequence[Phase], base_url: str, practice: str | None = None
) -> bytes:
    """A podcast RSS 2.0 feed with one episode per phase, its MP3 under ``base_url``."""
    base = check_base_url(base_url)
    ET.register_namespace("itunes", ITUNES)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    author = practice or DEFAULT_ARTIST
    for name, text in (
        ("title", program.title),
        ("link", base + PAGE_NAME),
        ("description", program.subtitle or program.title),
        ("language", "nl"),
        (f"{{{ITUNES}}}author", author),
    ):
        ET.SubElement(channel, name).text = text
    for phase in phases:
        url = base + urllib.parse.quote(phase.path.name)
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = session_title(program, phase.session)
        ET.SubElement(item, "description").text = phase_title(phase.session)
        ET.SubElement(
            item,
            "enclosure",
            {"url": url, "length": str(phase.path.stat().st_size), "type": "audio/mpeg"},
        )
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = url
        seconds = round(phase.session.timeline.duration_ms / 1000)
        ET.SubElement(item, f"{{{ITUNES}}}duration").text = str(seconds)
        ET.SubElement(item, f"{{{ITUNES}}}episode").text = str(phase.session.phase.number)
    ET.indent(rss)
    document: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def write_extras(
    program: Program,
    phases: Sequence[Phase],
    out_dir: Path,
    *,
    practice: str | None = None,
    base_url: str | None = None,
) -> list[Path]:
    """Write the transcripts, the playlist, the page and (with ``base_url``) the feed."""
    written = []
    transcripts = []
    for phase in phases:
        path = out_dir / phase.transcript_name
        transcripts.append(webvtt(phase.session.timeline))
        write_text(path, transcripts[-1])
        written.append(path)
    write_text(out_dir / PLAYLIST_NAME, playlist(program, phases))
    written.append(out_dir / PLAYLIST_NAME)
    pages = [
        (p.session, p.path.name, p.transcript_name, text)
        for p, text in zip(phases, transcripts, strict=True)
    ]
    write_text(out_dir / PAGE_NAME, render_page(program, pages, practice))
    written.append(out_dir / PAGE_NAME)
    if base_url is not None:
        write_bytes(out_dir / FEED_NAME, feed(program, phases, base_url, practice))
        written.append(out_dir / FEED_NAME)
    return written
