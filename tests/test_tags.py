"""The MP3s' ID3 tags and chapters: what a player shows, in time order, the audio untouched."""

from __future__ import annotations

import io

import pytest
from mutagen.id3 import ID3

from audiocoach.model.program import Program
from audiocoach.output.tags import id3_tag
from audiocoach.pipeline.build import BuiltFile
from helpers import decode, session_of


@pytest.mark.slow
def test_mp3s_carry_tags_and_one_chapter_per_exercise(
    default_build: list[BuiltFile], program: Program
) -> None:
    """Read back with mutagen: the tags, and chapters at the timeline's exercise starts."""
    for track, built in enumerate(default_build, 1):
        tags = ID3(built.path)
        phase = session_of(built).phase
        assert tags.version[:2] == (2, 3)
        kind = "kort" if session_of(built).variant == "kort" else "met uitleg"
        assert str(tags["TIT2"]) == f"Fase {phase.number}: {phase.title} ({kind}) – {program.title}"
        assert str(tags["TPE1"]) == "audiocoach"
        assert str(tags["TALB"]) == program.title
        assert str(tags["TRCK"]) == f"{track}/{len(default_build)}"
        assert str(tags["TCON"]) == "Speech"
        assert str(tags["TLAN"]) == "nld"
        comment = tags.getall("COMM")[0]
        assert comment.lang == "nld"
        assert "in overleg met uw behandelaar" in str(comment)
        chapters = session_of(built).timeline.chapters()
        assert [c.exercise for c in chapters] == list(phase.exercises)
        toc = tags.getall("CTOC")[0]
        assert toc.child_element_ids == [f"oefening{c.exercise}" for c in chapters]
        for chapter in chapters:
            frame = tags[f"CHAP:oefening{chapter.exercise}"]
            assert abs(frame.start_time - chapter.start_ms) <= 100
            assert frame.end_time == chapter.end_ms
            title = f"Oefening {chapter.exercise}: {program.exercise(chapter.exercise).name}"
            assert str(frame.sub_frames["TIT2"]) == title


def id3_frames(raw: bytes) -> list[tuple[str, bytes]]:
    """The frames of an ID3v2.3 tag in the order they are stored: (id, body).

    Read by hand, not by mutagen, because mutagen hands frames back sorted its own way."""
    assert raw[:4] == b"ID3\x03"
    size = raw[6:10]
    end = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
    frames, pos = [], 10
    while pos + 10 <= end and raw[pos : pos + 4] != b"\0\0\0\0":
        length = int.from_bytes(raw[pos + 4 : pos + 8], "big")
        frames.append((raw[pos : pos + 4].decode("ascii"), raw[pos + 10 : pos + 10 + length]))
        pos += 10 + length
    return frames


@pytest.mark.slow
def test_chapters_are_stored_in_time_order(default_build: list[BuiltFile]) -> None:
    """As a player that reads frames in file order sees them: the CHAP frames by start time,
    and the table of contents in the same order (phase 2 was stored 8, 2, 3, ..., 9, 10)."""
    for built in default_build:
        frames = id3_frames(built.path.read_bytes())
        chapters = [body for name, body in frames if name == "CHAP"]
        ids = [body.split(b"\0", 1)[0].decode() for body in chapters]
        starts = [
            int.from_bytes(body[len(i) + 1 : len(i) + 5], "big")
            for i, body in zip(ids, chapters, strict=True)
        ]
        assert len(ids) == len(session_of(built).phase.exercises) > 1
        assert starts == sorted(starts)
        assert ids == [f"oefening{c.exercise}" for c in session_of(built).timeline.chapters()]
        assert ID3(built.path).getall("CTOC")[0].child_element_ids == ids
        # mutagen reads every frame of the hand-assembled tag back.
        assert len(ID3(built.path).getall("CHAP")) == len(ids)


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
        assert abs(len(samples) / rate - session_of(built).timeline.duration_ms / 1000) < 0.1


def test_tags_name_the_practice_and_are_the_same_every_time(
    default_build: list[BuiltFile], program: Program
) -> None:
    session = session_of(default_build[0])
    first = id3_tag(program, session, 1, 2, "Fysiotherapie De Brug", label="J.D.")
    assert first == id3_tag(program, session, 1, 2, "Fysiotherapie De Brug", label="J.D.")
    tags = ID3(io.BytesIO(first))
    assert str(tags["TPE1"]) == "Fysiotherapie De Brug"
    assert str(tags["TALB"]) == f"{program.title} – voor J.D."
    assert str(ID3(io.BytesIO(id3_tag(program, session, 1, 2)))["TALB"]) == program.title
