"""One patient's bundle as a practice hands it out: named, complete, current, and one zip.

Each test builds with the real engine and encoder at a small dosage (one set of one or two
repetitions, no rests), so both phases are a few minutes of audio.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import html5lib
import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from helpers import PATIENT_JD, run_cli

SMALL = ("--sets", "1", "--rest", "0", "--select", "5")
"""One set of everything; phase 2 with one chosen exercise (it is built only with a choice)."""
BASE = "https://www.praktijk.nl/oefeningen/jd/"
PHASE_1 = ["fase-1a-gehele-periode.mp3", "fase-1b-gehele-periode-kort.mp3"]
PHASE_2 = ["fase-2a-opbouw.mp3", "fase-2b-opbouw-kort.mp3"]
BOTH = PHASE_1 + PHASE_2
"""Both phases, each in full and short, in the page's order."""


def build(runner: CliRunner, out: Path, *args: str) -> None:
    result = run_cli(runner, "build", "--out", str(out), "--quiet", *SMALL, *args)
    assert result.exit_code == 0, result.output


def listed(out: Path) -> tuple[list[str], list[str]]:
    """The MP3s the page plays and the playlist lists, in order."""
    page = html5lib.parse((out / "index.html").read_bytes(), namespaceHTMLElements=False)
    videos = [a.get("src") for a in page.iterfind(".//audio")]
    lines = (out / "sessies.m3u8").read_text(encoding="utf-8").splitlines()
    return videos, [line for line in lines if line and not line.startswith("#")]


def episodes(out: Path) -> dict[str, tuple[str, int]]:
    """The feed's episodes: file name -> (guid, enclosure length)."""
    root = ET.fromstring((out / "feed.xml").read_bytes())
    found = {}
    for item in root.iterfind("channel/item"):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        name = enclosure.get("url", "").removeprefix(BASE)
        found[name] = (item.findtext("guid") or "", int(enclosure.get("length", "-1")))
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_later_build_of_one_phase_keeps_listing_both(tmp_path: Path, runner: CliRunner) -> None:
    """``build`` then ``build --phase 1`` with another dosage: page, playlist and feed still list
    both phases; only phase 1's guid changes; every enclosure is the file's size; guids are
    the files' SHA-256. Without ``--base-url`` the feed, which could go stale, is removed."""
    out = tmp_path / "uit"
    build(runner, out, "--reps", "1", "--base-url", BASE)
    assert listed(out) == (BOTH, BOTH)
    before = episodes(out)
    phase2 = [sha256(out / name) for name in PHASE_2]

    build(runner, out, "--reps", "2", "--phase", "1", "--base-url", BASE)
    assert listed(out) == (BOTH, BOTH)
    after = episodes(out)
    assert sorted(after) == sorted(BOTH)
    for name, (guid, length) in after.items():
        assert length == (out / name).stat().st_size
        assert guid == f"urn:sha256:{sha256(out / name)}"
    for name in PHASE_1:
        assert after[name][0] != before[name][0], "a new dosage is a new episode"
    for name in PHASE_2:
        assert after[name] == before[name]
    assert [sha256(out / name) for name in PHASE_2] == phase2, "phase 2 was not touched"

    build(runner, out, "--reps", "3", "--phase", "1")
    assert not (out / "feed.xml").exists(), "no feed describing other bytes than the files"
    for name in ("app.webmanifest", "sw.js"):
        assert not (out / name).exists(), "no offline copy of other bytes than the files"
    assert listed(out) == (BOTH, BOTH)


@pytest.mark.slow
def test_a_damaged_session_file_is_not_listed(tmp_path: Path, runner: CliRunner) -> None:
    """A file whose bytes are not the ones written (cut short on a USB stick, edited) is not
    promised by the page or the feed; the build of phase 1 leaves it alone."""
    out = tmp_path / "uit"
    build(runner, out, "--reps", "1")
    damaged = out / PHASE_2[0]
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    build(runner, out, "--reps", "1", "--phase", "1", "--base-url", BASE)
    intact = [name for name in BOTH if name != PHASE_2[0]]
    assert listed(out) == (intact, intact)
    assert sorted(episodes(out)) == sorted(intact)
    assert damaged.exists()


@pytest.mark.slow
def test_a_patient_bundle_is_named_and_zipped_the_same_every_time(
    tmp_path: Path, runner: CliRunner
) -> None:
    """The label on the page and in every MP3's tags; ``--zip`` writes one zip beside the
    folder with every MP3 and the page, byte-identical when everything is built again."""
    patient = tmp_path / "jd.toml"
    patient.write_text(PATIENT_JD, encoding="utf-8")
    out = tmp_path / "uit"
    build(runner, out, str(patient), "--zip", "--base-url", BASE)
    page = html5lib.parse((out / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert page.find(".//p[@class='patient']").text == "Voor: J.D."
    for name in BOTH:
        assert str(ID3(out / name)["TALB"]).endswith("– voor J.D.")
    archive = tmp_path / "uit.zip"
    first = archive.read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as opened:
        names = opened.namelist()
        assert opened.testzip() is None
        for name in BOTH:
            assert opened.read(f"uit/{name}") == (out / name).read_bytes()
        assert opened.read("uit/index.html") == (out / "index.html").read_bytes()
    assert names == sorted(names)
    assert {"uit/feed.xml", "uit/sessies.m3u8", "uit/fase-2a-opbouw-tekst.html"} <= set(names)
    assert not any(".audiocoach" in n for n in names), "no manifest or temporary files"

    build(runner, out, str(patient), "--zip", "--base-url", BASE, "--force")
    assert archive.read_bytes() == first


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_out_is_an_error(
    tmp_path: Path, runner: CliRunner, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out ""`` (an unset variable in a script) would build into the current folder."""
    monkeypatch.chdir(tmp_path)
    result = run_cli(runner, "build", "--out", value)
    assert list(tmp_path.iterdir()) == []
    assert result.exit_code == 2
    assert result.stderr.startswith("audiocoach: --out is empty; ")
    assert result.stderr.count("\n") == 1
