"""Which voice speaks a build: the engine's, a Piper model, and the therapist's recordings.

The CLI passes what the user typed; this module turns it into one :class:`Voice` and, after the
build, into the one line that says how many recordings were missing. The voice is put together
in one order: the engine, behind the speech cache, and the recordings (if any) in front, so
that whatever the recordings lack is spoken once and then read from the cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from audiocoach.errors import OutputError
from audiocoach.files import write_text
from audiocoach.model.patient import Plan
from audiocoach.model.program import Program
from audiocoach.pipeline.session import write_scripts
from audiocoach.script.phrases import Phrase, phrase_list, phrases_csv
from audiocoach.speech.cache import CachedVoice
from audiocoach.speech.engines import engine_for
from audiocoach.speech.espeak import DEFAULT_RATE
from audiocoach.speech.recorded import RecordedVoice
from audiocoach.speech.voice import Voice

MISSING_NAME = "ontbrekende-opnames.csv"


def engine_voice(voice: str | None, rate: int) -> Voice:
    """The voice of the engine that claims ``voice`` (:data:`~audiocoach.speech.engines.ENGINES`:
    a Piper model, a system voice on Windows and macOS), else the bundled espeak-ng's, the
    default on every platform."""
    return engine_for(voice).make(voice, rate)


def choose_voice(
    program: Program,
    voice: str | None = None,
    rate: int = DEFAULT_RATE,
    voice_dir: Path | None = None,
    *,
    no_cache: bool = False,
) -> Voice:
    """The voice for a build: the engine behind the speech cache (unless ``no_cache``) and,
    with ``voice_dir``, the recordings in front of it, the engine speaking the rest.

    Recordings are files already, so they are not cached; the engine's clips are, those of
    the phrases without a recording and the loudness references alike.
    """
    engine = engine_voice(voice, rate)
    if not no_cache:
        engine = CachedVoice(engine)
    if voice_dir is None:
        return engine
    phrases = phrase_list(write_scripts(program))
    return RecordedVoice(voice_dir, {p.text: p.key for p in phrases}, engine)


def voice_for_plan(plan: Plan, voice_dir: Path | None = None, *, no_cache: bool = False) -> Voice:
    """The voice for a checked plan, what ``build``, ``preview`` and ``serve`` speak with;
    ``--voice-dir`` wins over the patient file's ``voice_dir``."""
    if voice_dir is None and plan.patient is not None:
        voice_dir = plan.patient.voice_dir
    rate = plan.rate or DEFAULT_RATE
    return choose_voice(plan.program, plan.voice, rate, voice_dir, no_cache=no_cache)


def cache_warning(voice: Voice) -> str | None:
    """After a build: one line when the speech cache behind ``voice`` could not keep a clip
    (a full disk, a folder without write permission), instead of speaking everything again
    on every build without a word."""
    engine = voice.fallback if isinstance(voice, RecordedVoice) else voice
    return engine.unwritable if isinstance(engine, CachedVoice) else None


def report_missing(voice: Voice, program: Program, out_dir: Path) -> str | None:
    """After a build with recordings: write the list of phrases without one, say where.

    The list goes beside the recordings, where the therapist records the rest; when that
    folder cannot be written, into the output folder. ``None`` when no recordings were used.
    """
    recordings = voice.recordings
    if recordings is None:
        return None
    folder = recordings.folder
    missing_keys = {key for key, _ in recordings.missing}
    phrases = [p for p in phrase_list(write_scripts(program)) if p.key in missing_keys]
    if not phrases:
        with contextlib.suppress(OSError):
            (folder / MISSING_NAME).unlink(missing_ok=True)
        return f"Every phrase ({recordings.recorded}) was spoken from the recordings in {folder}."
    path = _write_missing(phrases, [folder, out_dir])
    return (
        f"{len(phrases)} of {len(phrases) + recordings.recorded} phrases have no recording in "
        f"{folder} and were spoken by the speech engine; the list is in {path}."
    )


def _write_missing(phrases: Sequence[Phrase], folders: Sequence[Path]) -> Path:
    error: OutputError | None = None
    for folder in folders:
        try:
            write_text(folder / MISSING_NAME, phrases_csv(phrases))
        except OutputError as failed:
            error = failed
        else:
            return folder / MISSING_NAME
    assert error is not None
    raise error
