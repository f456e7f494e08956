"""The page a practice puts on a USB stick or its website: ``index.html``, from a Jinja2 template.

A companion on the patient's phone, and it has to work opened straight from disk with no
network: one file, inline CSS and scripts, nothing from elsewhere, and every session playable
with scripts off. At the top, what to play today; the players are ``<audio>`` elements (phones
pause a ``<video>`` when the screen locks); while one plays, a now-view in large type shows the
exercise, the set, the count or cue and a rest's countdown, from the session's own timeline
embedded in the page (:mod:`audiocoach.output.nowview`), and the lock screen shows the same
through the Media Session. A log of the sessions done stays in the phone's local storage. With
the page's web address, a QR code (an inline SVG ``data:`` image, made by segno) opens the page
on a phone and the page is an installable app that works offline
(:mod:`audiocoach.output.webapp`); printed, it is one A4 sheet with the exercises, their dosage
and a week to tick.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from audiocoach.dutch_words import number_word
from audiocoach.model.patterns import cueing
from audiocoach.model.program import Dosage, Program
from audiocoach.output import nowview
from audiocoach.output.listing import SessionFile
from audiocoach.output.record import ExerciseText
from audiocoach.output.tags import DEFAULT_ARTIST, for_patient
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
    """One session file on the page: its title, MP3, transcripts, and what its now-view shows."""

    title: str
    variant: str
    """``volledig`` or ``kort``: the page says when to play which."""
    file: str
    transcript: str
    """The WebVTT file, for players that show captions (a browser's ``<audio>`` does not)."""
    links: tuple[tuple[str, str], ...]
    """The files beside the MP3 to link to, (name, words): the transcript to read, ..."""
    minutes: str
    per_day: str
    """What this session asks of a day at the card's frequency ("3 tot 5 keer per dag: …")."""
    anchor: str
    """The player's id on the page: what "what to play today" links to."""
    timeline: Markup
    """The now-view's steps and the chapters, as JSON for the page's script."""


@dataclass(frozen=True)
class Today:
    """One phase in "what to play today": the session for the first time, then the short one."""

    title: str
    first: Player | None
    after: Player | None
    agreed_only: str | None
    """For a phase after the first: start it only when agreed with the therapist."""


@dataclass(frozen=True)
class SheetRow:
    """One exercise on the printed sheet: its number, name and dosage in words."""

    phase: str
    number: int
    name: str
    execution: str


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


def qr_data_url(url: str) -> str:
    """A QR code that opens ``url``, as an SVG ``data:`` URL: inline, nothing to fetch.

    Error correction M (15 %) still reads from a crumpled or slightly dirty print-out."""
    import segno  # here, not above: 11 MB that a build without --base-url never needs

    return str(segno.make(url, error="m", micro=False).svg_data_uri(border=4))


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


@cache
def _environment() -> jinja2.Environment:
    """The page folder's templates, each compiled once per process (the transcript page is
    rendered for every session)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(page_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the package's own templates: they do not change while it runs
    )


def _render(template: str, **values: object) -> str:
    """``template`` from the page folder, filled in; every value it names must be given."""
    return _environment().get_template(template).render(**values)


def script_json(data: object) -> Markup:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def today(players: Sequence[Player], files: Sequence[SessionFile]) -> list[Today]:
    """Per phase whose files are there: which session to play the first time and which after."""
    phases: dict[int, dict[str, Player]] = {}
    titles: dict[int, str] = {}
    for player, file in zip(players, files, strict=True):
        phases.setdefault(file.phase.number, {}).setdefault(player.variant, player)
        titles.setdefault(file.phase.number, f"Fase {file.phase.number}: {file.phase.title}")
    first_phase = min(phases, default=0)
    return [
        Today(
            titles[number],
            found.get("volledig"),
            found.get("kort"),
            None
            if number == first_phase
            else f"Begin pas met fase {number_word(number)} als u dat met uw behandelaar hebt"
            " afgesproken.",
        )
        for number, found in sorted(phases.items())
    ]


def sheet(files: Sequence[SessionFile]) -> list[SheetRow]:
    """Each phase's exercises with name and dosage in words, for the printed sheet."""
    rows, seen = [], set()
    for file in files:
        if file.phase.number not in seen:
            seen.add(file.phase.number)
            rows += [
                SheetRow(file.phase.title, e.number, e.name, e.execution) for e in file.exercises
            ]
    return rows


def _player(
    program: Program, index: int, file: SessionFile, vtt: str, links: tuple[tuple[str, str], ...]
) -> Player:
    """The ``index``-th player on the page, with its now-view's steps and chapters."""
    minutes = round(file.duration_ms / 60_000)
    timeline = {
        "steps": [s.as_data() for s in nowview.steps(file)],
        "chapters": nowview.chapters(file),
        "title": file.short_title,
    }
    return Player(
        file.short_title,
        file.variant,
        file.name,
        vtt,
        links,
        f"{minutes} minuten",
        time_per_day(program, file.duration_ms),
        f"sessie-{index}",
        script_json(timeline),
    )


def render_page(
    program: Program,
    players: Sequence[tuple[SessionFile, str, tuple[tuple[str, str], ...]]],
    *,
    practice: str | None = None,
    label: str | None = None,
    url: str | None = None,
    web_app: bool = False,
) -> str:
    """The page for these session files: (file, WebVTT name, links beside it). ``label``
    names the patient; ``url``, the page's own address, adds its QR code; ``web_app`` links the
    web app manifest and registers the service worker that keep it for offline use."""
    files = [p[0] for p in players]
    shown = [_player(program, n, *p) for n, p in enumerate(players, 1)]
    fewest, most = program.times_per_day
    return _render(
        TEMPLATE,
        program=program,
        practice=practice,
        label=label,
        url=url,
        qr=None if url is None else qr_data_url(url),
        schedule=schedule(files),
        exercises=exercises_on_page(program, files),
        players=shown,
        today=today(shown, files),
        sheet=sheet(files),
        times=f"{fewest} keer per dag" if fewest == most else f"{fewest} tot {most} keer per dag",
        most_a_day=most,
        web_app=web_app,
        page_data=script_json(
            {
                "log": f"audiocoach-log:{program.title}:{label or ''}",
                "times": [fewest, most],
                "album": for_patient(program.title, label),
                "artist": practice or DEFAULT_ARTIST,
                "webApp": web_app,
            }
        ),
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
