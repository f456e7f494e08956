"""The manifest's reader, without a build: garbage of every kind reads as nothing (a full
rebuild, nothing listed), what a build wrote reads back as it was, and the fingerprint counts
the values that make an MP3 and nothing else."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.timeline import Event, Timeline
from audiocoach.model.program import Phase, Program
from audiocoach.output.manifest import MANIFEST_NAME, Entry, Manifest, fingerprint
from audiocoach.output.record import RECORD_VERSION, ExerciseText, SessionRecord
from audiocoach.script.writer import Templates, session_script

RECORD = SessionRecord(
    phase=Phase(1, "Begin", (1, 2), fixed=(1,), selected=True),
    title="Fase 1: Begin (met uitleg) – Twee oefeningen",
    short_title="Fase 1: Begin (met uitleg)",
    exercises=(
        ExerciseText(1, "Knie heffen", "Knie", "Til de knie op.", "Twee keer."),
        ExerciseText(2, "Bruggetje", "Brug", "Til het bekken op.", "Drie keer."),
    ),
    timeline=Timeline(
        (
            Event(0, 1200, "speech", "Neem de beginhouding aan.", None),
            Event(1200, 150, "tone", "♪ start", 1),
            Event(1350, 400, "count", "één", 1),
            Event(1750, 2000, "rest", None, 2),
        )
    ),
    chapter_titles={1: "Oefening 1: Knie heffen", 2: "Oefening 2: Bruggetje"},
    variant="kort",
)
ENTRY = Entry("f" * 64, 12_345, "a" * 64, 3_750, RECORD, written=1_764_000_000)
EXTRA = Entry("extra", 99, "b" * 64, 0)


def saved(folder: Path, text: str) -> Manifest:
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return Manifest.load(folder)


def written(folder: Path) -> dict[str, Any]:
    """What a build writes for one session file and one page."""
    manifest = Manifest(folder, {"fase-1b-begin-kort.mp3": ENTRY, "index.html": EXTRA})
    data: dict[str, Any] = json.loads(manifest.text())
    return data


def test_what_was_written_reads_back_as_it_was(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path, {"fase-1b-begin-kort.mp3": ENTRY, "index.html": EXTRA})
    manifest.save()
    assert Manifest.load(tmp_path).entries == manifest.entries
    assert SessionRecord.from_json(RECORD.to_json()) == RECORD
    assert RECORD.to_json()["version"] == RECORD_VERSION


MANIFESTS_THAT_ARE_NOT_ONE = {
    "empty": "",
    "cut short": "{",
    "a list": "[]",
    "an older format": '{"format": 1, "files": {"x": 3}}',
    "a NUL byte": "\x00",
    "files a list": '{"format": 2, "files": []}',
    "an entry a number": '{"format": 2, "files": {"x.mp3": 3}}',
    "no fingerprint": '{"format": 2, "files": {"x.mp3": {"size": 1, "sha256": "a", '
    '"duration_ms": 1}}}',
    "a size in words": '{"format": 2, "files": {"x.mp3": {"fingerprint": "f", "size": "12", '
    '"sha256": "a", "duration_ms": 1}}}',
    "a size true": '{"format": 2, "files": {"x.mp3": {"fingerprint": "f", "size": true, '
    '"sha256": "a", "duration_ms": 1}}}',
    "nested thousands deep": '{"format": 2, "files": ' + "[" * 50_000 + "]" * 50_000 + "}",
}


@pytest.mark.parametrize(
    "text", MANIFESTS_THAT_ARE_NOT_ONE.values(), ids=MANIFESTS_THAT_ARE_NOT_ONE.keys()
)
def test_a_manifest_that_is_not_one_is_empty(text: str, tmp_path: Path) -> None:
    """Empty means every file is made again, and the page lists only what this build makes."""
    assert saved(tmp_path, text).entries == {}


def test_a_damaged_entry_empties_the_whole_manifest(tmp_path: Path) -> None:
    data = written(tmp_path)
    data["files"]["index.html"]["duration_ms"] = None
    assert saved(tmp_path, json.dumps(data)).entries == {}


def _set(path: str, value: object) -> Any:
    """A change to the record at ``path`` (keys and list positions, by dots)."""

    def change(about: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = about
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _drop(key: str) -> Any:
    return lambda about: about.pop(key)


RECORDS_THAT_ARE_NOT_ONE = {
    "another version": _set("version", RECORD_VERSION + 1),
    "no version": _drop("version"),
    "an exercise without its texts": _set("exercises", [{"number": 2}]),
    "events not a list": _set("events", "not a list of events"),
    "an event of four values": _set("events.0", [0, 1200, "speech", "Hallo"]),
    "an event of no kind": _set("events.0.2", "dans"),
    "a start in words": _set("events.0.0", "0"),
    "a fraction of a millisecond": _set("events.0.1", 12.5),
    "a text that is a number": _set("events.0.3", 3),
    "no phase": _drop("phase"),
    "a phase number in words": _set("phase.number", "1"),
    "exercises of the phase in words": _set("phase.exercises", ["1"]),
    "a chapter not numbered": _set("chapters", {"een": "Oefening 1"}),
    "a chapter title a number": _set("chapters", {"1": 1}),
    "a variant a number": _set("variant", 3),
    "no title": _drop("title"),
}


@pytest.mark.parametrize(
    "change", RECORDS_THAT_ARE_NOT_ONE.values(), ids=RECORDS_THAT_ARE_NOT_ONE.keys()
)
def test_a_record_that_is_not_one_is_no_record(change: Any, tmp_path: Path) -> None:
    """The file stays known (it is kept when it is up to date) but is not described from a
    guess: the page does not list it."""
    data = written(tmp_path)
    change(data["files"]["fase-1b-begin-kort.mp3"]["about"])
    entries = saved(tmp_path, json.dumps(data)).entries
    assert entries["fase-1b-begin-kort.mp3"] == replace(ENTRY, about=None)
    assert entries["index.html"] == EXTRA


@pytest.mark.parametrize("about", [3, "about", [], None], ids=repr)
def test_a_record_that_is_not_an_object_is_no_record(about: object, tmp_path: Path) -> None:
    data = written(tmp_path)
    data["files"]["fase-1b-begin-kort.mp3"]["about"] = about
    entries = saved(tmp_path, json.dumps(data)).entries
    assert entries["fase-1b-begin-kort.mp3"].about is None
    assert SessionRecord.from_json(about) is None


def test_a_record_without_a_variant_is_a_full_session(tmp_path: Path) -> None:
    """Records written before the variant was kept."""
    about = RECORD.to_json()
    del about["variant"]
    read = SessionRecord.from_json(about)
    assert read == replace(RECORD, variant="volledig")


def test_the_fingerprint_leaves_out_what_does_not_make_the_mp3(program: Program) -> None:
    """The card's source and subtitle are on the page, not in the MP3: changing them (as a
    new field of the model would not either) keeps every file; the title is in its tags."""
    templates = Templates()
    phase = program.phases[0]
    script = session_script(program, phase, templates)
    base = fingerprint(script, "stem", EncoderSettings())
    other = replace(program, source="Een andere bron", subtitle="Een andere ondertitel")
    same_words = session_script(other, phase, templates)
    assert same_words.steps == script.steps
    assert fingerprint(same_words, "stem", EncoderSettings()) == base
    retitled = replace(program, title="Een ander programma")
    assert fingerprint(session_script(retitled, phase, templates), "stem", EncoderSettings()) != (
        base
    )
    assert fingerprint(script, "een andere stem", EncoderSettings()) != base
    assert fingerprint(script, "stem", EncoderSettings(quality=2)) != base
