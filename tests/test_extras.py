"""A new file beside the MP3s is one row of the table of session extras (docs/design.md, "Four
changes, walked"): with the row alone, every build writes it beside each MP3, the list of a
build's files knows it before the build starts, the build's last line counts it, and the
patient's page links to it below the player."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest

from audiocoach.cli_report import changed_line
from audiocoach.model.program import Program
from audiocoach.output import extras
from audiocoach.output.export import write_extras
from audiocoach.output.listing import SessionFile, present
from audiocoach.output.manifest import Manifest
from audiocoach.pipeline.build import BuiltFile
from audiocoach.pipeline.session import write_scripts
from audiocoach.pipeline.staging import bundle_names
from audiocoach.pipeline.target import Handout


def plain_text(_program: Program, file: SessionFile, _label: str | None, _p: str | None) -> bytes:
    """The new file: the session's spoken lines as plain text."""
    return "".join(f"{e.text}\n" for e in file.timeline.events if e.spoken).encode("utf-8")


NEW = extras.SessionExtra(".txt", plain_text, "transcript", "Tekst zonder opmaak")
NOTE = extras.SessionExtra("-notitie.md", plain_text, "note", None)


@pytest.fixture
def new_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras, "SESSION_EXTRAS", (*extras.SESSION_EXTRAS, NEW, NOTE))


@pytest.mark.usefixtures("new_rows")
def test_it_is_written_beside_each_mp3_and_linked_from_the_page(
    default_build: list[BuiltFile], program: Program, tmp_path: Path
) -> None:
    files = present(Manifest.load(default_build[0].path.parent))
    written = {path.name for path in write_extras(program, files, tmp_path)}
    page = html5lib.parse((tmp_path / "index.html").read_bytes(), namespaceHTMLElements=False)
    links = [a for a in page.iterfind(".//a") if a.text == "Tekst zonder opmaak"]
    assert [a.get("href") for a in links] == [f"{f.path.stem}.txt" for f in default_build]
    for file in files:
        stem = file.name.removesuffix(".mp3")
        assert (tmp_path / f"{stem}.txt").read_bytes() == plain_text(program, file, None, None)
        assert f"{stem}-notitie.md" in written
    assert not [a for a in page.iterfind(".//a") if a.get("href", "").endswith(".md")], "no link"


@pytest.mark.usefixtures("new_rows")
def test_the_build_knows_it_before_it_starts(program: Program) -> None:
    names = bundle_names(write_scripts(program))
    mp3s = [name for name in names if name.endswith(".mp3")]
    assert mp3s
    for mp3 in mp3s:
        stem = mp3.removesuffix(".mp3")
        assert {f"{stem}.txt", f"{stem}-notitie.md", f"{stem}.vtt", f"{stem}-tekst.html"} <= set(
            names
        )


@pytest.mark.usefixtures("new_rows")
def test_the_last_line_counts_it_by_its_kind(tmp_path: Path) -> None:
    """As the README's example line counts the transcripts: "2 MP3s, 4 transcripts, ..."."""
    changed = ("a.mp3", "a.vtt", "a-tekst.html", "a.txt", "a-notitie.md", "index.html")
    handout = Handout(tmp_path, (), tmp_path / "index.html", None, None, None, None, changed)
    assert (
        changed_line(handout) == f"Changed in {tmp_path}: 1 MP3, 3 transcripts, 1 note, index.html."
    )
