"""A session ready to play: one phase's script laid out on a timeline with its clips.

This is where the data flow meets the speech engine: program -> script -> clips -> timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from audiocoach.audio.timeline import Timeline, build_timeline
from audiocoach.model.program import Phase, Program, safe_slug
from audiocoach.script.writer import VARIANTS, SessionScript, Templates, Variant, session_script
from audiocoach.speech.voice import Clip, Voice, clip_of

ProgressCallback = Callable[[int, int, str], None]
"""Called with (done, total, what) as work advances."""


class OfScript:
    """What anything made from one session script knows through it: phase, variant, file."""

    script: SessionScript

    @property
    def phase(self) -> Phase:
        return self.script.phase

    @property
    def variant(self) -> Variant:
        return self.script.variant

    @property
    def file_name(self) -> str:
        return session_file_name(self.phase, self.variant)


@dataclass(frozen=True)
class Session(OfScript):
    """One phase as it will be heard."""

    script: SessionScript
    timeline: Timeline


def session_file_name(phase: Phase, variant: Variant) -> str:
    """``fase-1-gehele-periode.mp3``, ``fase-1-gehele-periode-kort.mp3``: sorts by phase, the
    short one after the full one, and safe whatever the program file says."""
    short = "-kort" if variant == "kort" else ""
    return f"fase-{phase.number}-{safe_slug(phase.title)}{short}.mp3"


def time_per_day(program: Program, duration_ms: int) -> str:
    """What one session's length asks of a day at the card's frequency, for the therapist to
    see before handing it out: "3 tot 5 keer per dag: 51 tot 85 minuten"."""
    fewest, most = program.times_per_day
    low, high = (round(duration_ms * times / 60_000) for times in (fewest, most))
    if fewest == most:
        return f"{fewest} keer per dag: {low} minuten"
    return f"{fewest} tot {most} keer per dag: {low} tot {high} minuten"


def write_scripts(
    program: Program, phases: Sequence[Phase] | None = None, templates: Templates | None = None
) -> list[SessionScript]:
    """The scripts of each phase (all phases by default): in full, then short."""
    templates = templates or Templates()
    return [
        session_script(program, phase, templates, variant)
        for phase in phases or program.phases
        for variant in VARIANTS
    ]


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
