"""What ``build`` ends with: each session, the patient's page, the feed (with ``--base-url``)
and the zip (with ``--zip``) with their paths, each marked when unchanged, and one line that
says what changed, as the README's "What a build hands out" lists the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import run_cli, tiny_program

URL = "https://www.praktijk.nl/oefeningen/"


def build(runner: CliRunner, tmp_path: Path, *extra: str) -> list[str]:
    program = tiny_program(tmp_path)
    result = run_cli(
        runner, "build", "--program", str(program), "--out", str(tmp_path / "uit"), *extra
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def line_starting(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, lines
    return found[0]


@pytest.mark.slow
def test_build_names_page_feed_and_zip_and_what_changed(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "uit"
    first = build(runner, tmp_path, "--base-url", URL, "--zip")
    mp3s = [line.split("  ")[0] for line in first if ".mp3  (" in line]
    assert len(mp3s) == 2, first
    assert all(Path(mp3).is_file() for mp3 in mp3s)
    page = line_starting(first, "The patient's page: ")
    assert page == f"The patient's page: {out / 'index.html'}, online at {URL}index.html"
    feed = line_starting(first, "The podcast feed: ")
    assert feed == f"The podcast feed: {URL}feed.xml ({out / 'feed.xml'})"
    zipped = line_starting(first, "The zip to send: ")
    assert Path(zipped.removeprefix("The zip to send: ")) == (tmp_path / "uit.zip").resolve()
    assert (out / "feed.xml").is_file()
    assert (tmp_path / "uit.zip").is_file()
    assert first[-1] == (
        f"Changed in {out}: 2 MP3s, 4 transcripts, sessies.m3u8, index.html, feed.xml, "
        "app.webmanifest, sw.js, uit.zip."
    )
    assert "unchanged" not in "\n".join(first)

    again = build(runner, tmp_path, "--base-url", URL, "--zip")
    named = [line for line in again if not line.startswith("Changed") and "Nothing" not in line]
    assert len(named) == 5, again  # two sessions, the page, the feed, the zip
    assert all(line.endswith("  unchanged") for line in named), again
    assert again[-1] == f"Nothing changed in {out}: every file is as it was."

    without = build(runner, tmp_path)
    assert not (out / "feed.xml").exists()
    assert f"Removed {out / 'feed.xml'}: without --base-url there is no feed." in without
    assert line_starting(without, "The patient's page: ") == (
        f"The patient's page: {out / 'index.html'}"
    ), "the page changed: it has no QR code now"
    assert not [line for line in without if line.startswith(("The podcast", "The zip"))]
    assert without[-1] == (
        f"Changed in {out}: index.html, feed.xml removed, app.webmanifest removed, sw.js removed."
    ), "the feed goes, and so do the installable page's manifest and service worker"
