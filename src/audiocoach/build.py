"""Build the MP3 files of a program: the whole pipeline, from card to files on disk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiocoach.files import prepare_folder
from audiocoach.mp3 import EncoderSettings, write_mp3
from audiocoach.program import Phase, Program
from audiocoach.render import render_chunks
from audiocoach.session import Progress, Session, distinct_texts, lay_out, speak, write_scripts
from audiocoach.speech import Clip, Voice


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
) -> list[BuiltFile]:
    """Write one MP3 per phase into ``out_dir``; files already there are replaced whole."""
    scripts = write_scripts(program, phases)  # every template checked before a file is touched
    prepare_folder(out_dir)
    clips = speak(voice, distinct_texts(scripts), progress)
    sessions = lay_out(scripts, clips)
    built = []
    for done, session in enumerate(sessions, 1):
        path = out_dir / session.file_name
        write_mp3(render_chunks(session.timeline, clips), path, encoder)
        built.append(BuiltFile(path, session))
        if progress:
            progress(done, len(sessions), "encoding")
    return built
