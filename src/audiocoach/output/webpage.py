"""The page a practice puts on a USB stick or its website: ``index.html``, from a Jinja2 template.

It has to work opened straight from disk with no network, on a phone: one file, inline CSS, no
scripts, no fonts or images from elsewhere. The players are ``<video>`` elements playing the
MP3s, because browsers draw captions only for video: the line being said is on screen, from
the transcript as a captions track that is on by default. With the page's web address, a QR
code (an inline SVG ``data:`` image, made by segno) opens the page on a phone, and the print
stylesheet puts patient, practice, schedule and QR code on one A4 sheet to hand over.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from audiocoach.model.patterns import cueing
from audiocoach.model.program import Dosage, Program
from audiocoach.output.listing import ExerciseText, SessionFile
from audiocoach.script.dutch import written_forms
from audiocoach.script.session import time_per_day

TEMPLATE = "index.html.j2"
TRANSCRIPT_TEMPLATE = "transcript.html.j2"


@dataclass(frozen=True)
class ScheduleRow:
    """One row of the card's schedule: a period, one or more exercises, how to do them."""

    period: str
    exercises: str
    execution: str


@dataclass(frozen=True)
class Player:
    """One session file on the page: its title, MP3, and transcripts (captions and to read)."""

    title: str
    variant: str
    """``volledig`` or ``kort``: the page says when to play which."""
    file: str
    transcript: str
    """The WebVTT file, for players and people who want it."""
    transcript_page: str
    """The transcript to read: the script per exercise, with times."""
    transcript_data: str
    """The transcript as a ``data:`` URL: Chromium refuses a captions track from another
    ``file:`` URL, so a page opened from a USB stick would show no captions with a file name."""
    minutes: str
    per_day: str
    """What this session asks of a day at the card's frequency ("3 tot 5 keer per dag: …")."""


@dataclass(frozen=True)
class Line:
    """One line of the transcript to read: when, and what is said."""

    time: str
    text: str


@dataclass(frozen=True)
class Part:
    """A stretch of the transcript: the opening, one exercise, or the closing."""

    title: str
    lines: list[Line]


def dosage_words(dosage: Dosage, name: str = "") -> str:
    """The card's "uitvoering" for this dosage, in words: "tien keer links en rechts, …";
    ``name`` is the exercise's, which a hold says ("twaalf seconden lopen op de hakken")."""
    return cueing(dosage).words(name)


def exercise_span(numbers: Sequence[int]) -> str:
    """``1``, ``7 en 8``, ``2 tot en met 4``: how the card names a group of exercises."""
    if len(numbers) == 1:
        return str(numbers[0])
    if len(numbers) == 2:
        return f"{numbers[0]} en {numbers[1]}"
    return f"{numbers[0]} tot en met {numbers[-1]}"


def schedule(files: Sequence[SessionFile]) -> list[ScheduleRow]:
    """The schedule as on the card: per phase, consecutive exercises done alike share a row.

    Each phase is described by its first file (the full session), with the dosage that file
    was made with. Exercises fixed in a phase (the card's 2 to 4, done the whole period) are
    not grouped with those added later (5), even when they are done alike, as on the card.
    """
    rows = []
    seen: set[int] = set()
    for file in files:
        if file.phase.number in seen:
            continue
        seen.add(file.phase.number)
        groups: list[tuple[list[int], tuple[str, bool]]] = []
        for number in file.phase.exercises:
            key = (file.exercise(number).execution, number in file.phase.fixed)
            if groups and groups[-1][0][-1] == number - 1 and groups[-1][1] == key:
                groups[-1][0].append(number)
            else:
                groups.append(([number], key))
        rows += [ScheduleRow(file.phase.title, exercise_span(n), k[0]) for n, k in groups]
    return rows


def exercises_on_page(program: Program, files: Sequence[SessionFile]) -> list[ExerciseText]:
    """Each exercise of the session files once, in the card's order."""
    found = {e.number: e for f in files for e in f.exercises}
    order = [e.number for e in program.exercises if e.number in found]
    order += sorted(n for n in found if n not in order)
    return [found[n] for n in order]


def vtt_data_url(text: str) -> str:
    """A transcript as a ``data:`` URL, base64 so no character needs escaping."""
    return "data:text/vtt;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def qr_data_url(url: str) -> str:
    """A QR code that opens ``url``, as an SVG ``data:`` URL: inline, nothing to fetch.

    Error correction M (15 %) still reads from a crumpled or slightly dirty print-out."""
    import segno  # here, not above: 11 MB that a build without --base-url never needs

    return str(segno.make(url, error="m", micro=False).svg_data_uri(border=4))


POSTER_TEXT = "Gesproken tekst"


def poster_data_url() -> str:
    """A quiet picture behind each player: a soft panel named for what appears on it, so the
    video area reads as a place for the captions, not as a broken video. An MP3 has no
    pictures, so it stays while the session plays; its label sits at the top, clear of the
    captions, which browsers draw from the bottom."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="240" viewBox="0 0 800 240">'
        '<rect width="800" height="240" fill="#e8f1f6"/>'
        '<text x="400" y="36" font-family="sans-serif" font-size="20" fill="#5a7485" '
        f'text-anchor="middle">{POSTER_TEXT}</text></svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg, safe="")


def clock(ms: int) -> str:
    """``2:05`` or ``1:02:05``: a time in the session, as a player shows it."""
    hours, rest = divmod(ms // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def transcript_parts(file: SessionFile) -> list[Part]:
    """The script of a session file per exercise, with times, to read.

    Counts and cues that follow each other ("één", "links", "rechts", "twee") make one line:
    the WebVTT has a cue per word said, which is right for captions but not for reading. Rests
    and pauses are silent; the voice announces each rest, and that line is there.
    """
    parts: list[Part] = []
    current: int | str | None = "none yet"
    merging = False
    for event in file.timeline.events:
        if event.exercise != current:
            current = event.exercise
            if event.exercise is not None:
                title = file.chapter_title(event.exercise)
            else:
                title = "Afsluiting" if parts else "Begin"
            parts.append(Part(title, []))
            merging = False
        lines = parts[-1].lines
        if event.text is not None:
            text = written_forms(event.text)
            short = event.kind in ("count", "cue")
            if short and merging:
                last = lines[-1]
                lines[-1] = Line(last.time, f"{last.text}, {text}")
            else:
                lines.append(Line(clock(event.start_ms), text[:1].upper() + text[1:]))
            merging = short
    return [p for p in parts if p.lines]


def page_dir() -> Path:
    """The folder of the page template, inside the installed package."""
    return Path(str(resources.files("audiocoach"))) / "page"


def _render(template: str, **values: object) -> str:
    """``template`` from the page folder, filled in; every value it names must be given."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(page_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(template).render(**values)


def render_page(
    program: Program,
    players: Sequence[tuple[SessionFile, str, str, str]],
    *,
    practice: str | None = None,
    label: str | None = None,
    url: str | None = None,
) -> str:
    """The page for these session files: (file, WebVTT name, transcript page name, WebVTT
    text). ``label`` names the patient; ``url``, the page's own address, adds its QR code."""
    files = [p[0] for p in players]
    shown = []
    for file, vtt, page, vtt_text in players:
        minutes = round(file.duration_ms / 60_000)
        shown.append(
            Player(
                file.short_title,
                file.variant,
                file.name,
                vtt,
                page,
                vtt_data_url(vtt_text),
                f"{minutes} minuten",
                time_per_day(program, file.duration_ms),
            )
        )
    return _render(
        TEMPLATE,
        program=program,
        practice=practice,
        label=label,
        url=url,
        qr=None if url is None else qr_data_url(url),
        poster=poster_data_url(),
        schedule=schedule(files),
        exercises=exercises_on_page(program, files),
        players=shown,
        notes=program.notes,
    )


def render_transcript(
    program: Program,
    file: SessionFile,
    vtt: str,
    label: str | None = None,
    practice: str | None = None,
) -> str:
    """The transcript page of one session file: its script per exercise, with times."""
    return _render(
        TRANSCRIPT_TEMPLATE,
        program=program,
        file=file,
        vtt=vtt,
        label=label,
        practice=practice,
        parts=transcript_parts(file),
        minutes=round(file.duration_ms / 60_000),
    )
