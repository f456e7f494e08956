"""Sessions made for a build: every phase's scripts written, spoken and laid out.

This is where the data flow meets the speech engine: program -> script -> clips -> timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from audiocoach.audio.session import Session
from audiocoach.audio.timeline import build_timeline
from audiocoach.errors import ProgramError
from audiocoach.model.dosage import choice_needed
from audiocoach.model.program import Phase, Program
from audiocoach.script.writer import VARIANTS, SessionScript, Templates, session_script
from audiocoach.sound import Clip
from audiocoach.speech.voice import Voice, clip_of

ProgressCallback = Callable[[int, int, str], None]
"""Called with (done, total, what) as work advances: ``what`` is ``speaking`` or
``encoding``."""


def percent_done(done: int, total: int, what: str) -> int:
    """A build's progress in percent: speaking is the first half of the work, encoding the
    second (the command line's bar and the web app's alike)."""
    return int((done / total) * 50 + (50 if what == "encoding" else 0))


def write_scripts(
    program: Program, phases: Sequence[Phase] | None = None, templates: Templates | None = None
) -> list[SessionScript]:
    """The scripts of each phase (by default every phase but those awaiting the therapist's
    choice): in full, then short. A phase awaiting a choice is never scripted."""
    templates = templates or Templates()
    return [
        session_script(program, phase, templates, variant)
        for phase in phases_to_build(program, phases)
        for variant in VARIANTS
    ]


def phases_to_build(program: Program, phases: Sequence[Phase] | None = None) -> list[Phase]:
    """``phases`` (by default the program's ready ones), refused when one awaits a choice or
    none is left: exercises the therapist did not choose are never handed out."""
    chosen = list(phases or program.ready_phases)
    waiting = [p for p in (chosen or program.phases) if p.awaits_choice]
    if waiting:
        raise ProgramError(choice_needed(waiting[0]))
    return chosen


def distinct_texts(scripts: Iterable[SessionScript]) -> list[str]:
    """Every text the scripts say, once, in order of first use."""
    return list(dict.fromkeys(text for script in scripts for text in script.texts))


def speak(
    voice: Voice, texts: Sequence[str], progress: ProgressCallback | None = None
) -> dict[str, Clip]:
    """A clip for every text."""
    clips: dict[str, Clip] = {}
    for done, text in enumerate(texts, 1):
        clips[text] = clip_of(text, voice.synthesize(text))
        if progress:
            progress(done, len(texts), "speaking")
    return clips


def lay_out(scripts: Iterable[SessionScript], clips: dict[str, Clip]) -> list[Session]:
    """Put each script on its timeline, given the clips' lengths."""
    lengths = {text: clip.ms for text, clip in clips.items()}
    return [Session(script, build_timeline(script.steps, lengths)) for script in scripts]
