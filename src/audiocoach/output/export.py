"""What goes beside the MP3s for a practice to hand out: transcripts, a playlist, a page, a feed,
and the whole bundle as one zip.

Everything here is read from the session files the folder holds, as :mod:`audiocoach.output.listing`
describes them (their timelines are the single source of what is said and when); nothing is
measured from the audio. Files are written atomically, only when their bytes change, and
nothing depends on the clock, so a rebuild writes the same bytes.
"""

from __future__ import annotations

import datetime
import email.utils
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

from audiocoach.audio.session import Session
from audiocoach.files import atomic_writer, write_bytes
from audiocoach.model.base_url import BaseUrl
from audiocoach.model.program import Program
from audiocoach.output import extras as extra_files
from audiocoach.output import webapp
from audiocoach.output.listing import Locate, SessionFile, present
from audiocoach.output.manifest import Manifest
from audiocoach.output.record import ExerciseText, SessionRecord, kept_phase
from audiocoach.output.tags import (
    DEFAULT_ARTIST,
    chapter_title,
    for_patient,
    track_title,
)
from audiocoach.output.webpage import dosage_words, render_page
from audiocoach.script.session import session_title

PAGE_NAME = "index.html"
PLAYLIST_NAME = "sessies.m3u8"
FEED_NAME = "feed.xml"
ONLINE_NAMES = (FEED_NAME, webapp.MANIFEST_NAME, webapp.WORKER_NAME)
"""The files only a page served from a web site has (``--base-url``); a build without it
removes those an earlier build wrote."""
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
EXTRA = "extra"
"""The manifest's fingerprint for the files made from the session files (page, feed, ...)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's time: the earliest a zip can hold, so a rebuild gives the same bytes."""


def describe(program: Program, session: Session) -> SessionRecord:
    """What the manifest keeps about a session file just written, for the page, playlist and
    feed of later builds (see :mod:`audiocoach.output.record`): words and numbers only."""
    numbers = set(session.phase.exercises)
    return SessionRecord(
        phase=kept_phase(session.phase),
        title=track_title(program, session),
        short_title=session_title(session.phase, session.variant),
        exercises=tuple(
            ExerciseText(e.number, e.name, e.title, e.instruction, dosage_words(e.dosage, e.name))
            for e in program.exercises
            if e.number in numbers
        ),
        timeline=session.timeline,
        chapter_titles={
            c.exercise: chapter_title(program, c.exercise) for c in session.timeline.chapters()
        },
        variant=session.variant,
    )


def playlist(program: Program, files: Sequence[SessionFile], label: str | None = None) -> str:
    """An extended M3U (UTF-8) listing the session files in order, with titles and whole
    seconds; its name says whose sessions they are."""
    lines = ["#EXTM3U", f"#PLAYLIST:{for_patient(program.title, label)}"]
    for file in files:
        seconds = round(file.duration_ms / 1000)
        lines += [f"#EXTINF:{seconds},{file.title}", file.name]
    return "\n".join(lines) + "\n"


def guid(file: SessionFile) -> str:
    """An episode's identity: its content's SHA-256, so a new dosage is a new episode.

    Podcast apps fetch an episode once per ``guid``; with the URL as ``guid`` (the file name
    stays when the dosage changes) they kept playing the old file."""
    return f"urn:sha256:{file.sha256}"


def page_url(base_url: BaseUrl) -> str:
    """The page's own address under ``base_url``: what its QR code opens."""
    return base_url + PAGE_NAME


def publication_times(files: Sequence[SessionFile]) -> list[int]:
    """Each episode's ``pubDate`` in Unix seconds: when its bytes were first written, and at
    least a second after the episode before it, so apps that sort by date keep the playlist's
    order."""
    times: list[int] = []
    for file in files:
        times.append(max(file.written, times[-1] + 1) if times else file.written)
    return times


def rfc822(seconds: int) -> str:
    """``Tue, 01 Dec 2026 21:00:00 GMT``: RSS's date."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return email.utils.format_datetime(moment, usegmt=True)


def feed(
    program: Program,
    files: Sequence[SessionFile],
    base_url: BaseUrl,
    practice: str | None = None,
    label: str | None = None,
) -> bytes:
    """A podcast RSS 2.0 feed with one episode per session file, its MP3 under ``base_url``.

    Each enclosure's length is the size the manifest recorded for bytes that are there, and
    each ``guid`` is made from those bytes.
    """
    base = base_url
    ET.register_namespace("itunes", ITUNES)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    author = practice or DEFAULT_ARTIST
    for name, text in (
        ("title", for_patient(program.title, label)),
        ("link", base + PAGE_NAME),
        ("description", program.subtitle or program.title),
        ("language", "nl"),
        (f"{{{ITUNES}}}author", author),
        (f"{{{ITUNES}}}type", "serial"),  # played in order, first episode first
    ):
        ET.SubElement(channel, name).text = text
    times = publication_times(files)
    for number, (file, published) in enumerate(zip(files, times, strict=True), 1):
        url = base + urllib.parse.quote(file.name)
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = file.title
        ET.SubElement(item, "description").text = file.short_title
        ET.SubElement(
            item, "enclosure", {"url": url, "length": str(file.size), "type": "audio/mpeg"}
        )
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = guid(file)
        ET.SubElement(item, "pubDate").text = rfc822(published)
        seconds = round(file.duration_ms / 1000)
        ET.SubElement(item, f"{{{ITUNES}}}duration").text = str(seconds)
        ET.SubElement(item, f"{{{ITUNES}}}episode").text = str(number)
    ET.indent(rss)
    document: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def write_extras(
    program: Program,
    files: Sequence[SessionFile],
    out_dir: Path,
    *,
    practice: str | None = None,
    label: str | None = None,
    base_url: BaseUrl | None = None,
    unchanged_in: Path | None = None,
) -> list[Path]:
    """Write the files beside each MP3 (:data:`~audiocoach.output.extras.SESSION_EXTRAS`: the
    transcripts), the playlist, the page and (with ``base_url``) the feed for these session
    files; returns where each one is.

    A file whose bytes would not change is left as it is, in ``out_dir`` or in
    ``unchanged_in`` (the folder, where ``out_dir`` is a build's stage), so a build that
    changed nothing touches nothing."""
    written = []

    def put(name: str, data: bytes) -> None:
        written.append(_put(out_dir / name, data, unchanged_in and unchanged_in / name))

    for file in files:
        for extra in extra_files.SESSION_EXTRAS:
            put(extra.name(file.name), extra.make(program, file, label, practice))
    put(PLAYLIST_NAME, playlist(program, files, label).encode("utf-8"))
    players = [
        (file, extra_files.transcript_name(file.name), extra_files.page_links(file.name))
        for file in files
    ]
    url = None if base_url is None else page_url(base_url)
    page = render_page(
        program, players, practice=practice, label=label, url=url, web_app=url is not None
    ).encode("utf-8")
    put(PAGE_NAME, page)
    if base_url is not None:
        put(FEED_NAME, feed(program, files, base_url, practice, label))
        title = for_patient(program.title, label)
        put(webapp.MANIFEST_NAME, webapp.manifest(title, label or "Oefeningen", PAGE_NAME))
        put(webapp.WORKER_NAME, webapp.worker(PAGE_NAME, page, files))
    return written


def write_bundle(
    program: Program,
    manifest: Manifest,
    *,
    practice: str | None = None,
    label: str | None = None,
    base_url: BaseUrl | None = None,
    locate: Locate | None = None,
    into: Path | None = None,
) -> list[str]:
    """Bring the folder's extras up to date with every session file in it, present and intact
    (not just the ones this build made), and record them in ``manifest`` (the caller saves it).

    Session files are read where ``locate`` says and the extras written into ``into`` (both
    the manifest's folder by default), so a build that stages its files elsewhere first can
    use this as it is. Without ``base_url`` a feed an earlier build wrote is removed: it would
    describe files that may have changed since. Returns the names of the bundle's files: the
    session files, then the extras (see :func:`write_zip`).
    """
    folder = manifest.folder
    out = into or folder
    files = present(manifest, locate)
    extras = write_extras(
        program,
        files,
        out,
        practice=practice,
        label=label,
        base_url=base_url,
        unchanged_in=None if out == folder else folder,
    )
    for path in extras:
        manifest.record(path.name, EXTRA, 0, at=path)
    for name in ONLINE_NAMES if base_url is None else ():
        if name in manifest.entries:
            manifest.forget(name)
            if out == folder:  # else the build removes it once its files are in place
                (folder / name).unlink(missing_ok=True)
    return [file.name for file in files] + [path.name for path in extras]


def zip_beside(folder: Path) -> Path:
    """``uit.zip`` beside the folder ``uit``: where ``--zip`` writes the bundle."""
    folder = folder.resolve()
    return folder.parent / f"{folder.name or 'audiocoach'}.zip"


ZIP_MAIL_LIMIT = 20_000_000
"""Bytes: what common e-mail services accept (20 to 25 MB, before encoding); a bigger zip is
said so in one line."""


def zip_notice(path: Path) -> str | None:
    """One line when the zip at ``path`` is too big to send by e-mail, else ``None``."""
    size = path.stat().st_size
    if size <= ZIP_MAIL_LIMIT:
        return None
    return (
        f"{path} is {size / 1_000_000:.1f} MB, more than the 20 MB many e-mail services accept;"
        " hand it over on a USB stick or from a web site (--base-url)."
    )


def write_zip(
    path: Path,
    folder: Path,
    names: Sequence[str],
    *,
    locate: Locate | None = None,
) -> Path:
    """The files ``names`` of ``folder`` as one zip at ``path``, in a folder named like
    ``folder``, byte-identical for the same files.

    Fixed times, permissions and order; MP3s are stored (they do not compress), the rest is
    deflated. Written to a temporary name and renamed into place, as every file. Call it once
    the files are in place in ``folder``, or give ``locate``: where each name is now (staged,
    for a zip that is part of the bundle)."""
    top = folder.resolve().name or "audiocoach"
    where = locate or (lambda name: folder / name)
    with atomic_writer(path) as handle, zipfile.ZipFile(handle, "w") as archive:
        for name in sorted(names):
            file = where(name)
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=ZIP_TIME)
            info.create_system = 3  # Unix, whatever the platform: the permissions below apply
            info.external_attr = 0o100644 << 16
            stored = name.endswith(".mp3")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes(), compresslevel=None if stored else 9)
    return path


def _put(path: Path, data: bytes, unchanged: Path | None = None) -> Path:
    """Write ``data`` to ``path`` atomically, unless ``unchanged`` or ``path`` already holds
    exactly that; returns where the bytes are."""
    for there in (unchanged, path):
        try:
            if (
                there is not None
                and there.stat().st_size == len(data)
                and there.read_bytes() == data
            ):
                return there
        except OSError:
            pass
    write_bytes(path, data)
    return path
