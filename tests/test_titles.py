"""A session's title is the one the README gives, wherever it is shown: the MP3's tags, the
manifest that the playlist, feed and page read, and ``preview`` (issue 27: one home for a
session's title and variant). Expectations come from the README's table of files and its
tags line, not from the function that makes the title; no speech is needed for a title."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from audiocoach.audio.session import Session
from audiocoach.audio.timeline import Event, Timeline
from audiocoach.model.program import Program
from audiocoach.output.export import describe
from audiocoach.output.tags import id3_tag
from audiocoach.pipeline.preview import preview_text
from audiocoach.pipeline.session import write_scripts

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def readme_titles() -> dict[str, str]:
    """The README's table of what a build hands out: each phase-1 MP3 and its title."""
    rows = re.findall(r'^\| `(fase-1[ab]-[^`]+\.mp3)`, … \|[^\n]*title "([^"]+)" \|$', README, re.M)
    return dict(rows)


def test_the_readme_names_both_sessions_of_a_phase() -> None:
    assert readme_titles() == {
        "fase-1a-gehele-periode.mp3": "Fase 1: Gehele periode (met uitleg)",
        "fase-1b-gehele-periode-kort.mp3": "Fase 1: Gehele periode (kort)",
    }


@pytest.fixture(scope="module")
def sessions(program: Program) -> dict[str, Session]:
    """Phase 1's two sessions of the built-in card, by file name: a second of silence per
    exercise stands in for what is said (a title needs no speech)."""
    scripts = write_scripts(program, [program.phases[0]])
    silence = Timeline(
        tuple(
            Event(i * 1000, 1000, "pause", None, n)
            for i, n in enumerate(program.phases[0].exercises)
        )
    )
    made = [Session(script, silence) for script in scripts]
    return {s.file_name: s for s in made}


@pytest.mark.parametrize("name", ["fase-1a-gehele-periode.mp3", "fase-1b-gehele-periode-kort.mp3"])
def test_every_reader_shows_the_readmes_title(
    name: str, sessions: dict[str, Session], program: Program
) -> None:
    expected = readme_titles()[name]
    tags_line = re.search(r"^- \*\*Tags\*\*: title `([^`]+)`", README, re.M)
    assert tags_line, "the README's tags line"
    whole = tags_line[1].replace("Fase 1: Gehele periode (met uitleg)", expected)
    whole = whole.replace("<program>", program.title)
    session = sessions[name]
    tags = ID3(io.BytesIO(id3_tag(program, session, 1, 2)))
    assert str(tags["TIT2"]) == whole
    assert str(tags.getall("CTOC")[0].sub_frames["TIT2"]) == expected
    about = describe(program, session)  # what the playlist, the feed and the page read
    assert (about.title, about.short_title) == (whole, expected)
    assert re.search(
        rf"^{re.escape(expected)}, \d+:\d\d -> {name}$", preview_text(program, [session]), re.M
    )
