"""The page a practice puts on a USB stick or its website: ``index.html``, from a Jinja2 template.

It has to work opened straight from disk with no network, on a phone: one file, inline CSS, no
scripts, no fonts or images from elsewhere. The players are plain ``<audio>`` elements with
the transcript as a captions track.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from audiocoach.dutch import number_word
from audiocoach.program import Dosage, Exercise, Program
from audiocoach.session import Session, time_per_day
from audiocoach.tags import phase_title

TEMPLATE = "index.html.j2"


@dataclass(frozen=True)
class ScheduleRow:
    """One row of the card's schedule: a period, one or more exercises, how to do them."""

    period: str
    exercises: str
    execution: str


@dataclass(frozen=True)
class Player:
    """One phase on the page: its title, MP3, and the transcript as captions."""

    title: str
    file: str
    transcript: str
    transcript_data: str
    """The transcript as a ``data:`` URL: Chromium refuses a captions track from another
    ``file:`` URL, so a page opened from a USB stick would show no captions with a file name."""
    minutes: str
    per_day: str
    """What this session asks of a day at the card's frequency ("3 tot 5 keer per dag: …")."""


def dosage_words(dosage: Dosage) -> str:
    """The card's "uitvoering" for this dosage, in words: "tien keer links en rechts, …"."""
    if dosage.pattern == "advice":
        return "Niet van toepassing."  # the card: "n.v.t."
    if dosage.pattern == "hold":
        amount = f"{number_word(dosage.hold_s)} seconden volhouden"
    elif dosage.pattern == "parts":
        amount = f"{number_word(dosage.reps)} keer {' en '.join(dosage.cues)}"
    elif dosage.pattern == "alternate":
        amount = f"beide zijden om en om, in totaal {number_word(dosage.reps)} keer"
    else:
        amount = f"{number_word(dosage.reps)} keer"
    if dosage.rest_s:
        amount += f", daarna {number_word(dosage.rest_s)} seconden rust"
    times = "één keer" if dosage.sets == 1 else f"{number_word(dosage.sets)} keer"
    return f"{amount[0].upper()}{amount[1:]}; doe dit {times}."


def exercise_span(numbers: Sequence[int]) -> str:
    """``1``, ``7 en 8``, ``2 tot en met 4``: how the card names a group of exercises."""
    if len(numbers) == 1:
        return str(numbers[0])
    if len(numbers) == 2:
        return f"{numbers[0]} en {numbers[1]}"
    return f"{numbers[0]} tot en met {numbers[-1]}"


def schedule(program: Program, sessions: Sequence[Session]) -> list[ScheduleRow]:
    """The schedule as on the card: per phase, consecutive exercises done alike share a row.

    Exercises fixed in a phase (the card's 2 to 4, done the whole period) are not grouped
    with those added later (5), even when they are done alike, as on the card.
    """
    rows = []
    for session in (s for s in sessions if s.variant == "volledig"):  # the short one: same rows
        groups: list[tuple[list[int], tuple[str, bool]]] = []
        for number in session.phase.exercises:
            key = (dosage_words(program.exercise(number).dosage), number in session.phase.fixed)
            if groups and groups[-1][0][-1] == number - 1 and groups[-1][1] == key:
                groups[-1][0].append(number)
            else:
                groups.append(([number], key))
        rows += [ScheduleRow(session.phase.title, exercise_span(n), k[0]) for n, k in groups]
    return rows


def exercises_on_page(program: Program, sessions: Sequence[Session]) -> list[Exercise]:
    """Each exercise of the sessions once, in the card's order."""
    numbers = {n for s in sessions for n in s.phase.exercises}
    return [e for e in program.exercises if e.number in numbers]


def vtt_data_url(text: str) -> str:
    """A transcript as a ``data:`` URL, base64 so no character needs escaping."""
    return "data:text/vtt;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def page_dir() -> Path:
    """The folder of the page template, inside the installed package."""
    return Path(str(resources.files("audiocoach"))) / "page"


def render_page(
    program: Program,
    phases: Sequence[tuple[Session, str, str, str]],
    practice: str | None = None,
) -> str:
    """The page for these phases: (session, MP3 name, transcript name, transcript text)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(page_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    sessions = [p[0] for p in phases]
    players = []
    for session, mp3, vtt, vtt_text in phases:
        minutes = round(session.timeline.duration_ms / 60_000)
        players.append(
            Player(
                phase_title(session),
                mp3,
                vtt,
                vtt_data_url(vtt_text),
                f"{minutes} minuten",
                time_per_day(program, session.timeline.duration_ms),
            )
        )
    return env.get_template(TEMPLATE).render(
        program=program,
        practice=practice,
        schedule=schedule(program, sessions),
        exercises=exercises_on_page(program, sessions),
        players=players,
        notes=program.notes,
    )
