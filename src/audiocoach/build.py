"""Build the MP3 files of a program: the whole pipeline, from card to files on disk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiocoach import export
from audiocoach.files import prepare_folder
from audiocoach.loudness import Leveller
from audiocoach.mp3 import EncoderSettings, write_mp3
from audiocoach.program import Phase, Program
from audiocoach.render import render_chunks
from audiocoach.session import Progress, Session, distinct_texts, lay_out, speak, write_scripts
from audiocoach.speech import Clip, Voice
from audiocoach.tags import id3_tag


@dataclass(frozen=True)
class BuiltFile:
    """A file the build wrote, with the session it holds."""

    path: Path
    session: Session


def prepare(
    program: Program,
    voice: Voice,
    *,
    phases: Sequence[Phase] | None = None,
    progress: Progress | None = None,
) -> tuple[list[Session], dict[str, Clip]]:
    """Script, speak and lay out every phase; no files are written."""
    scripts = write_scripts(program, phases)
    clips = speak(voice, distinct_texts(scripts), progress)
    return lay_out(scripts, clips), clips


def build(
    program: Program,
    out_dir: Path,
    voice: Voice,
    *,
    phases: Sequence[Phase] | None = None,
    encoder: EncoderSettings | None = None,
    progress: Progress | None = None,
    practice: str | None = None,
    base_url: str | None = None,
) -> list[BuiltFile]:
    """Write one MP3 per phase into ``out_dir``, with transcripts, playlist and page beside them.

    Files already there are replaced whole. ``practice`` names the practice in the tags and on
    the page; with ``base_url`` a podcast feed is written too.
    """
    if base_url is not None:
        base_url = export.check_base_url(base_url)
    scripts = write_scripts(program, phases)  # every template checked before a file is touched
    prepare_folder(out_dir)
    clips = speak(voice, distinct_texts(scripts), progress)
    sessions = lay_out(scripts, clips)
    built = []
    leveller = Leveller(clips)
    for done, session in enumerate(sessions, 1):
        path = out_dir / session.file_name
        loud = leveller.normalise(session.timeline)
        tag = id3_tag(program, session, done, len(sessions), practice)
        write_mp3(render_chunks(session.timeline, loud), path, encoder, header=tag)
        built.append(BuiltFile(path, session))
        if progress:
            progress(done, len(sessions), "encoding")
    extras = [export.Phase(b.session, b.path) for b in built]
    export.write_extras(program, extras, out_dir, practice=practice, base_url=base_url)
    return built
