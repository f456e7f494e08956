"""What is handed out beside the audio: tags and chapters, transcripts, playlist, page, feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audiocoach.build import BuiltFile
from audiocoach.export import Phase, check_base_url, feed, webvtt, write_extras
from audiocoach.program import Program
from audiocoach.tags import id3_tag
from audiocoach.webpage import dosage_words, exercise_span, schedule
from helpers import decode, run_cli

VTT_CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def vtt_ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


@pytest.mark.slow
def test_mp3s_carry_tags_and_one_chapter_per_exercise(
    default_build: list[BuiltFile], program: Program
) -> None:
    """Read back with mutagen: the tags, and chapters at the timeline's exercise starts."""
    for track, built in enumerate(default_build, 1):
        tags = ID3(built.path)
        phase = built.session.phase
        assert tags.version[:2] == (2, 3)
        short = " (kort)" if built.session.variant == "kort" else ""
        assert str(tags["TIT2"]) == f"Fase {phase.number}: {phase.title}{short} – {program.title}"
        assert str(tags["TPE1"]) == "audiocoach"
        assert str(tags["TALB"]) == program.title
        assert str(tags["TRCK"]) == f"{track}/{len(default_build)}"
        assert str(tags["TCON"]) == "Speech"
        assert str(tags["TLAN"]) == "nld"
        comment = tags.getall("COMM")[0]
        assert comment.lang == "nld"
        assert "in overleg met uw behandelaar" in str(comment)
        chapters = built.session.timeline.chapters()
        assert [c.exercise for c in chapters] == list(phase.exercises)
        toc = tags.getall("CTOC")[0]
        assert toc.child_element_ids == [f"oefening{c.exercise}" for c in chapters]
        for chapter in chapters:
            frame = tags[f"CHAP:oefening{chapter.exercise}"]
            assert abs(frame.start_time - chapter.start_ms) <= 100
            assert frame.end_time == chapter.end_ms
            title = f"Oefening {chapter.exercise}: {program.exercise(chapter.exercise).name}"
            assert str(frame.sub_frames["TIT2"]) == title


@pytest.mark.slow
def test_the_tag_leaves_the_audio_as_encoded(default_build: list[BuiltFile]) -> None:
    """The tag sits in front of the frames: the decoded length is still the timeline's."""
    for built in default_build:
        raw = built.path.read_bytes()
        assert raw[:3] == b"ID3"
        size = raw[6:10]
        tag_size = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
        assert raw[tag_size] == 0xFF, "an MPEG frame follows the tag"
        assert raw[tag_size + 1] & 0xE0 == 0xE0, "an MPEG frame follows the tag"
        samples, rate = decode(built.path)
        assert abs(len(samples) / rate - built.session.timeline.duration_ms / 1000) < 0.1


def test_tags_name_the_practice_and_are_the_same_every_time(
    default_build: list[BuiltFile], program: Program
) -> None:
    session = default_build[0].session
    first = id3_tag(program, session, 1, 2, "Fysiotherapie De Brug")
    assert first == id3_tag(program, session, 1, 2, "Fysiotherapie De Brug")
    assert b"Fysiotherapie De Brug".decode() in first.decode("utf-16-le", errors="ignore")


@pytest.mark.slow
def test_transcripts_hold_every_spoken_line_at_its_time(default_build: list[BuiltFile]) -> None:
    for built in default_build:
        text = built.path.with_suffix(".vtt").read_text(encoding="utf-8")
        assert text == webvtt(built.session.timeline)
        blocks = text.split("\n\n")
        assert blocks[0] == "WEBVTT"
        cues = [b.split("\n") for b in blocks[1:] if b.strip()]
        spoken = [e for e in built.session.timeline.events if e.spoken]
        assert len(cues) == len(spoken)
        for (_number, times, *lines), event in zip(cues, spoken, strict=True):
            match = VTT_CUE.match(times)
            assert match, times
            assert vtt_ms(*match.groups()[:4]) == event.start_ms
            assert vtt_ms(*match.groups()[4:]) == event.end_ms
            assert lines
            assert "es-ie" not in " ".join(lines)
            assert "-bevorderende" not in " ".join(lines)
        if built.session.variant == "volledig":  # the short one does not say the title
            assert any("Herstelbevorderende" in c[2] for c in cues), "written as on the card"


@pytest.mark.slow
def test_playlist_lists_the_phases_in_order(default_build: list[BuiltFile]) -> None:
    folder = default_build[0].path.parent
    lines = (folder / "sessies.m3u8").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    entries = [line for line in lines if not line.startswith("#")]
    assert entries == [b.path.name for b in default_build]
    infos = [line for line in lines if line.startswith("#EXTINF:")]
    for info, built in zip(infos, default_build, strict=True):
        seconds, title = info.removeprefix("#EXTINF:").split(",", 1)
        assert int(seconds) == round(built.session.timeline.duration_ms / 1000)
        assert title.startswith(f"Fase {built.session.phase.number}: ")


def test_dosage_is_written_in_words() -> None:
    from audiocoach.program import Dosage

    parts = Dosage("parts", reps=10, sets=3, rest_s=15, cues=("links", "rechts"))
    assert dosage_words(parts) == (
        "Tien keer links en rechts, daarna vijftien seconden rust; doe dit drie keer."
    )
    hold = Dosage("hold", sets=1, rest_s=0, hold_s=12)
    assert dosage_words(hold) == "Twaalf seconden volhouden; doe dit één keer."
    assert not re.search(r"\d", dosage_words(Dosage("alternate", reps=7, cues=("a", "b"))))


@pytest.mark.parametrize(
    ("numbers", "label"), [([1], "1"), ([7, 8], "7 en 8"), ([2, 3, 4], "2 tot en met 4")]
)
def test_exercise_groups_are_named_as_on_the_card(numbers: list[int], label: str) -> None:
    assert exercise_span(numbers) == label


def test_schedule_groups_exercises_done_alike(
    default_build: list[BuiltFile], program: Program
) -> None:
    """As on the card: 2 to 4 together, 7 and 8 together; 10 is counted with its sides taking
    turns (its description says "afwisselend"), so it no longer shares 9's row."""
    rows = schedule(program, [b.session for b in default_build])
    assert [(r.period, r.exercises) for r in rows] == [
        ("Gehele periode", "1"),
        ("Gehele periode", "2 tot en met 4"),
        ("Opbouw", "2 tot en met 4"),
        ("Opbouw", "5"),
        ("Opbouw", "6"),
        ("Opbouw", "7 en 8"),
        ("Opbouw", "9"),
        ("Opbouw", "10"),
        ("Opbouw", "11"),
    ]


def page_of(default_build: list[BuiltFile]) -> str:
    return (default_build[0].path.parent / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_page_is_valid_html_without_external_resources(default_build: list[BuiltFile]) -> None:
    page = page_of(default_build)
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    assert document.get("lang") == "nl"
    assert document.find("head/meta[@name='viewport']") is not None
    for element in document.iter():
        for name, value in element.attrib.items():
            assert not re.match(r"\s*(https?:)?//", value, re.I), (element.tag, name, value)
    assert not re.search(r"@import|url\(", page), "no CSS from elsewhere"
    assert document.find(".//script") is None
    assert document.find(".//link") is None


@pytest.mark.slow
def test_page_has_what_the_card_has(default_build: list[BuiltFile], program: Program) -> None:
    page = page_of(default_build)
    document = html5lib.parse(page, namespaceHTMLElements=False)
    text = " ".join(document.itertext())
    assert program.title in document.find("head/title").text
    for note in program.notes:
        assert note in text
    for number in {n for b in default_build for n in b.session.phase.exercises}:
        exercise = program.exercise(number)
        assert exercise.instruction in text
    headers = [th.text for th in document.iterfind(".//table//th")]
    assert headers == ["Periode", "Oefening", "Uitvoering"]
    assert "Tien keer links en rechts, daarna vijftien seconden rust; doe dit drie keer." in text
    audios = document.findall(".//audio")
    assert [a.get("src") for a in audios] == [b.path.name for b in default_build]
    for audio in audios:
        track = audio.find("track")
        assert track.get("kind") == "captions"
        assert track.get("srclang") == "nl"
        assert track.get("src").startswith("data:text/vtt;base64,")


def test_extras_are_the_same_bytes_on_a_rebuild(
    default_build: list[BuiltFile], program: Program, tmp_path: Path
) -> None:
    """Nothing depends on the clock: writing the extras twice gives the same bytes."""
    phases = [Phase(b.session, b.path) for b in default_build]
    outputs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        written = write_extras(
            program, phases, folder, practice="De Brug", base_url="https://x.nl/o"
        )
        outputs.append({p.name: p.read_bytes() for p in written})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {
        "fase-1-gehele-periode.vtt",
        "fase-1-gehele-periode-kort.vtt",
        "fase-2-opbouw.vtt",
        "fase-2-opbouw-kort.vtt",
        "sessies.m3u8",
        "index.html",
        "feed.xml",
    }


def test_feed_has_one_episode_per_phase(default_build: list[BuiltFile], program: Program) -> None:
    phases = [Phase(b.session, b.path) for b in default_build]
    root = ET.fromstring(feed(program, phases, "https://www.praktijk.nl/oefeningen", "De Brug"))
    items = root.findall("channel/item")
    assert len(items) == len(default_build)
    for item, built in zip(items, default_build, strict=True):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        assert enclosure.get("url") == f"https://www.praktijk.nl/oefeningen/{built.path.name}"
        assert enclosure.get("length") == str(built.path.stat().st_size)
        assert enclosure.get("type") == "audio/mpeg"
    assert root.findtext("channel/language") == "nl"


@pytest.mark.parametrize(
    "url", ["praktijk.nl", "ftp://praktijk.nl/", "https://", "https://x.nl/a b", "http://[::1"]
)
def test_a_bad_base_url_is_one_line_and_exit_2(runner: CliRunner, url: str) -> None:
    result = run_cli(runner, "build", "--base-url", url, "--out", "/nonexistent/never")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "base URL" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://praktijk.nl", "https://praktijk.nl/"),
        ("http://praktijk.nl/oefeningen", "http://praktijk.nl/oefeningen/"),
        (" https://praktijk.nl/a/ ", "https://praktijk.nl/a/"),
    ],
)
def test_good_base_urls_end_with_a_slash(url: str, base: str) -> None:
    assert check_base_url(url) == base


@pytest.mark.slow
def test_page_shows_each_exercises_name_and_the_time_a_day(
    default_build: list[BuiltFile], program: Program
) -> None:
    page = page_of(default_build)
    for built in default_build:
        minutes = built.session.timeline.duration_ms / 60_000
        assert (
            f"3 tot 5 keer per dag: {round(3 * minutes)} tot {round(5 * minutes)} minuten" in page
        )
    for exercise in program.exercises:
        assert f"Oefening {exercise.number}: {exercise.name}</h3>" in page
