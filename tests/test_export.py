"""What is handed out beside the audio: transcripts, playlist, page, feed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from typer.testing import CliRunner

from audiocoach.model.base_url import check_base_url
from audiocoach.model.program import Program
from audiocoach.output.export import feed, write_bundle, write_extras
from audiocoach.output.extras import webvtt
from audiocoach.output.listing import SessionFile, present
from audiocoach.output.manifest import MANIFEST_NAME, Manifest
from audiocoach.output.webpage import clock, dosage_words, exercise_span, schedule
from audiocoach.pipeline.build import BuiltFile
from helpers import run_cli, session_of, tree_hashes


def described(default_build: list[BuiltFile]) -> list[SessionFile]:
    """The default build's session files as its folder's manifest describes them."""
    return present(Manifest.load(default_build[0].path.parent))


VTT_CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def vtt_ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


@pytest.mark.slow
def test_transcripts_hold_every_spoken_line_at_its_time(default_build: list[BuiltFile]) -> None:
    for built in default_build:
        text = built.path.with_suffix(".vtt").read_text(encoding="utf-8")
        assert text == webvtt(session_of(built).timeline)
        blocks = text.split("\n\n")
        assert blocks[0] == "WEBVTT"
        cues = [b.split("\n") for b in blocks[1:] if b.strip()]
        spoken = [e for e in session_of(built).timeline.events if e.spoken]
        assert len(cues) == len(spoken)
        for (_number, times, *lines), event in zip(cues, spoken, strict=True):
            match = VTT_CUE.match(times)
            assert match, times
            assert vtt_ms(*match.groups()[:4]) == event.start_ms
            assert vtt_ms(*match.groups()[4:]) == event.end_ms
            assert lines
            assert "[[" not in " ".join(lines), "captions show words, not espeak's phonemes"
        if session_of(built).variant == "volledig":  # the short one does not say the title
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
        assert int(seconds) == round(session_of(built).timeline.duration_ms / 1000)
        assert title.startswith(f"Fase {session_of(built).phase.number}: ")


def test_dosage_is_written_in_words() -> None:
    from audiocoach.model.program import Dosage

    parts = Dosage("parts", reps=10, sets=3, rest_s=15, cues=("bol", "hol"))
    assert dosage_words(parts) == (
        "Tien keer bol en hol, daarna vijftien seconden rust; doe dit drie keer."
    )
    hold = Dosage("hold", sets=1, rest_s=0, hold_s=12)
    assert dosage_words(hold, "Lopen op de hakken") == (
        "Twaalf seconden lopen op de hakken; doe dit één keer."
    )
    sides = Dosage("parts", reps=10, sets=3, rest_s=15, cues=("linkerknie", "rechterknie"))
    assert dosage_words(sides).startswith("Beide zijden tien keer, ")  # the card's row of 2-4
    assert not re.search(r"\d", dosage_words(Dosage("alternate", reps=7, cues=("a", "b"))))


@pytest.mark.parametrize(
    ("numbers", "label"), [([1], "1"), ([7, 8], "7 en 8"), ([2, 3, 4], "2 tot en met 4")]
)
def test_exercise_groups_are_named_as_on_the_card(numbers: list[int], label: str) -> None:
    assert exercise_span(numbers) == label


def test_schedule_groups_exercises_done_alike(
    default_build: list[BuiltFile], program: Program
) -> None:
    """As on the card: 2 to 4 together ("beide zijden 10x"), 7 and 8 together; 10 is counted
    with its sides taking turns (its description says "afwisselend"), so it no longer shares
    9's row. Exercise 1 is done the whole period: in phase 2 too."""
    rows = schedule(described(default_build))
    assert [(r.period, r.exercises) for r in rows] == [
        ("Gehele periode", "1"),
        ("Gehele periode", "2 tot en met 4"),
        ("Opbouw", "1"),
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
    scripts = document.findall(".//script")
    assert scripts, "the now-view and the log"
    assert all(s.get("src") is None for s in scripts), "scripts inline, none from a file"
    assert not re.search(r"\b(fetch|XMLHttpRequest|sendBeacon|WebSocket)\b", page), "nothing sent"
    assert document.find(".//link") is None, "no web app manifest from disk"


@pytest.mark.slow
def test_page_has_what_the_card_has(default_build: list[BuiltFile], program: Program) -> None:
    page = page_of(default_build)
    document = html5lib.parse(page, namespaceHTMLElements=False)
    text = " ".join(document.itertext())
    assert program.title in document.find("head/title").text
    for note in program.notes:
        assert note in text
    for number in {n for b in default_build for n in session_of(b).phase.exercises}:
        exercise = program.exercise(number)
        assert exercise.instruction in text
    headers = [th.text for th in document.iterfind(".//table[1]//th")]
    assert headers == ["Periode", "Oefening", "Uitvoering"]
    assert "Beide zijden tien keer, daarna vijftien seconden rust; doe dit drie keer." in text
    assert "Twaalf seconden lopen op de hakken, daarna vijftien seconden rust" in text
    assert "volhouden" not in text
    assert document.find(".//video") is None, "phones pause a <video> when the screen locks"
    players = document.findall(".//audio")
    assert [a.get("src") for a in players] == [b.path.name for b in default_build]
    for audio, built in zip(players, default_build, strict=True):
        assert audio.get("controls") is not None
        track = audio.find("track")
        assert track.get("kind") == "captions", "for players that show them"
        assert track.get("src") == f"{built.path.stem}.vtt"
        fallback = audio.find("a")
        assert fallback.get("href") == built.path.name, "without scripts or audio: a link"
    links = {a.text: a.get("href") for a in document.iterfind(".//a")}
    assert links["Uitgeschreven tekst"] == f"{default_build[-1].path.stem}-tekst.html"
    assert "Voor:" not in text, "no label, no patient line"


def test_extras_are_the_same_bytes_on_a_rebuild(
    default_build: list[BuiltFile], program: Program, tmp_path: Path
) -> None:
    """Nothing depends on the clock: writing the extras twice gives the same bytes."""
    files = described(default_build)
    outputs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        written = write_extras(
            program,
            files,
            folder,
            practice="De Brug",
            label="J.D.",
            base_url=check_base_url("https://x.nl/o"),
        )
        outputs.append({p.name: p.read_bytes() for p in written})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {
        "fase-1a-gehele-periode.vtt",
        "fase-1a-gehele-periode-tekst.html",
        "fase-1b-gehele-periode-kort.vtt",
        "fase-1b-gehele-periode-kort-tekst.html",
        "fase-2a-opbouw.vtt",
        "fase-2a-opbouw-tekst.html",
        "fase-2b-opbouw-kort.vtt",
        "fase-2b-opbouw-kort-tekst.html",
        "sessies.m3u8",
        "index.html",
        "feed.xml",
        "app.webmanifest",
        "sw.js",
    }


def test_the_label_names_the_patient_everywhere(
    default_build: list[BuiltFile], program: Program, tmp_path: Path
) -> None:
    """Page, transcripts, playlist and feed say whose sessions they are; initials only."""
    written = write_extras(
        program,
        described(default_build),
        tmp_path,
        label="J.D.",
        base_url=check_base_url("https://x.nl/o"),
    )
    strict = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    page = strict.parse((tmp_path / "index.html").read_bytes())
    assert page.find(".//p[@class='patient']").text == "Voor: J.D."
    qr = page.find(".//div[@class='qr']/img")
    assert qr.get("src").startswith("data:image/svg+xml"), "inline, nothing to fetch"
    for element in page.iter():
        for value in element.attrib.values():
            assert not re.match(r"\s*(https?:)?//", value, re.I), value
    assert "voor J.D." in page.find("head/title").text
    for path in written:
        if path.name.endswith("-tekst.html"):
            assert "Voor: J.D." in path.read_text(encoding="utf-8")
    playlist = (tmp_path / "sessies.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[1] == f"#PLAYLIST:{program.title} – voor J.D."
    root = ET.fromstring((tmp_path / "feed.xml").read_bytes())
    assert root.findtext("channel/title") == f"{program.title} – voor J.D."


@pytest.mark.slow
def test_the_transcript_is_a_page_to_read(default_build: list[BuiltFile], program: Program) -> None:
    """The script per exercise, in the chapters' order, every spoken line once, with times;
    counts run on one line instead of a cue each, and no WebVTT time stamps."""
    for built in default_build:
        page = built.path.with_name(f"{built.path.stem}-tekst.html").read_text(encoding="utf-8")
        document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
        assert "-->" not in page
        assert document.find(".//script") is None
        headings = [h.text for h in document.iterfind(".//h2")]
        chapters = [
            f"Oefening {c.exercise}: {program.exercise(c.exercise).name}"
            for c in session_of(built).timeline.chapters()
        ]
        assert headings == ["Begin", *chapters, "Afsluiting"]
        times = [dt.text for dt in document.iterfind(".//dt")]
        seconds = [sum(int(p) * 60**i for i, p in enumerate(reversed(t.split(":")))) for t in times]
        assert seconds == sorted(seconds)
        spoken = [e for e in session_of(built).timeline.events if e.text is not None]
        lines = [dd.text for dd in document.iterfind(".//dd")]
        assert len(lines) < len(spoken) / 2, "counts share a line"
        text = " ".join(lines).lower()
        for event in spoken:
            assert event.text is not None
            assert webvtt_text(event.text).lower() in text
        assert clock(spoken[-1].start_ms) in times


def webvtt_text(text: str) -> str:
    """A line as the transcripts write it (the card's spelling)."""
    from audiocoach.script.dutch import written_forms

    return written_forms(text)


def test_feed_has_one_episode_per_phase(default_build: list[BuiltFile], program: Program) -> None:
    files = described(default_build)
    root = ET.fromstring(
        feed(program, files, check_base_url("https://www.praktijk.nl/oefeningen"), "De Brug")
    )
    items = root.findall("channel/item")
    assert len(items) == len(default_build)
    for item, built in zip(items, default_build, strict=True):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        assert enclosure.get("url") == f"https://www.praktijk.nl/oefeningen/{built.path.name}"
        assert enclosure.get("length") == str(built.path.stat().st_size)
        assert enclosure.get("type") == "audio/mpeg"
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "false"
        assert guid.text == f"urn:sha256:{hashlib.sha256(built.path.read_bytes()).hexdigest()}"
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


def test_the_bundle_can_be_read_and_written_where_a_build_stages_it(
    default_build: list[BuiltFile], program: Program, tmp_path: Path
) -> None:
    """A build that stages its new files elsewhere first: a session file is read where it is
    now, the extras go into the stage, and the folder itself is left as it was."""
    folder = tmp_path / "uit"
    shutil.copytree(default_build[0].path.parent, folder)
    stage = tmp_path / "stage"
    stage.mkdir()
    moved = default_build[1].path.name
    (folder / moved).rename(stage / moved)
    before = tree_hashes(folder)
    names = write_bundle(
        program,
        Manifest.load(folder),
        locate=lambda name: stage / name if (stage / name).exists() else folder / name,
        into=stage,
    )
    assert names[:4] == [b.path.name for b in default_build], "every session listed"
    # Extras whose bytes the folder already holds are not written again.
    staged = {p.name for p in stage.iterdir()}
    assert moved in staged
    assert staged <= {moved, *names[4:]}
    assert tree_hashes(folder) == before
    assert "index.html" in names
    # Without the locator the moved file is not there, so it is not listed.
    alone = write_bundle(program, Manifest.load(folder), into=stage)
    assert [n for n in alone if n.endswith(".mp3")] == [n for n in names[:4] if n != moved]


@pytest.mark.slow
def test_page_shows_each_exercises_name_and_the_time_a_day(
    default_build: list[BuiltFile], program: Program
) -> None:
    page = page_of(default_build)
    for built in default_build:
        minutes = session_of(built).timeline.duration_ms / 60_000
        assert (
            f"3 tot 5 keer per dag: {round(3 * minutes)} tot {round(5 * minutes)} minuten" in page
        )
    for exercise in program.exercises:
        assert f"Oefening {exercise.number}: {exercise.name}</h3>" in page


@pytest.mark.parametrize(
    "change",
    [
        {"version": 99},
        {"exercises": [{"number": 2}]},
        {"events": "not a list of events"},
    ],
)
def test_a_description_that_cannot_be_read_lists_nothing(
    default_build: list[BuiltFile], tmp_path: Path, change: dict[str, object]
) -> None:
    """Another version's description, or a damaged one, is not guessed at: that file is not
    listed (the next build of its phase describes it again); the other file still is."""
    folder = tmp_path / "uit"
    shutil.copytree(default_build[0].path.parent, folder)
    name = default_build[1].path.name
    saved = folder / MANIFEST_NAME
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["files"][name]["about"].update(change)
    saved.write_text(json.dumps(data), encoding="utf-8")
    others = [b.path.name for b in default_build if b.path.name != name]
    assert [f.name for f in present(Manifest.load(folder))] == others
