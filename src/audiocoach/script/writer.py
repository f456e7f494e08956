"""The session script: what is said, and when, for one phase of a program.

Every sentence comes from a Jinja2 template in ``scripts_nl/``; this module decides only the
order and the pacing. Its output is a flat tuple of :class:`Line` (something said) and
:class:`Silence` (a timed rest or pause). Clip lengths are not known here: the timeline adds
them later, so the script stays the same whichever voice speaks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2

from audiocoach.dutch_words import number_word
from audiocoach.errors import ScriptError
from audiocoach.model.patterns import cueing
from audiocoach.model.program import Dosage, Exercise, Phase, Program
from audiocoach.script.cues import SESSION_END, SET_END, SET_START
from audiocoach.script.dutch import enumeration, speakable, unspeakable
from audiocoach.script.keys import phrase_key

SpokenKind = Literal["speech", "count", "cue"]
SilentKind = Literal["rest", "pause"]
Variant = Literal["volledig", "kort"]
"""A phase's session in full (the first time: every explanation) or short (daily: the name,
the dosage, counts, cues, rests and tones)."""
VARIANTS: tuple[Variant, ...] = ("volledig", "kort")

# Pacing, in milliseconds. The card gives none of these; they are chosen for a calm session.
SENTENCE_GAP_MS = 700
"""Silence after an announcement or instruction."""
COUNT_TO_CUE_MS = 300
"""Silence between a count and its cue, so "één" and "links" do not run together."""
AFTER_START_TONE_MS = 400
"""Silence between a set's start tone and its first count."""
HALFWAY_FROM_S = 20
"""Holds this long or longer say "halverwege" halfway."""
GET_READY_MS = 4000
"""Time to take the starting position after it is said, in the position of the exercise before."""
TURN_OVER_MS = 8000
"""Time to take the starting position after it is said when it is another position than the
exercise before (on the back, then on the belly; lying, then standing), and for the first
exercise of a session: the patient lies down, turns over or stands up."""
REST_WARNING_MS = 5000
"""The rest's last seconds, announced ("nog vijf seconden") when the rest is long enough."""
MIN_REST_FOR_WARNING_MS = 10_000


@dataclass(frozen=True)
class Line:
    """Something said. With ``slot_ms`` the line and the silence after it last that long."""

    kind: SpokenKind
    text: str
    exercise: int | None
    slot_ms: int = 0
    key: str = field(kw_only=True)
    """The phrase's stable name (``tel-07``): its recording is ``<key>.wav`` (see keys.py)."""


@dataclass(frozen=True)
class Silence:
    """A timed silence: a ``rest`` between sets, or a ``pause`` for pacing or movement."""

    kind: SilentKind
    ms: int
    exercise: int | None


@dataclass(frozen=True)
class Tone:
    """A sound cue (see tones.py): ``label`` names it, and is the event's text."""

    label: str
    exercise: int | None


Step = Line | Silence | Tone


def templates_dir() -> Path:
    """``scripts_nl``: inside the installed package, or at the root of a source checkout."""
    packaged = Path(str(resources.files("audiocoach"))) / "scripts_nl"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "scripts_nl"


class Templates:
    """The spoken-Dutch templates, rendered strictly and checked for speakability."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or templates_dir()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.folder),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # a script renders ~2,000 lines: no file check for each
        )
        self.env.filters["woord"] = number_word
        self.env.filters["opsomming"] = enumeration
        self.used: set[str] = set()
        """Names of the templates rendered so far."""

    def say(self, name: str, **context: Any) -> str:
        """Render ``name`` (without ``.j2``) into one speakable line of text."""
        filename = f"{name}.j2"
        self.used.add(name)
        try:
            raw = self.env.get_template(filename).render(**context)
        except jinja2.TemplateSyntaxError as error:
            raise ScriptError(
                f"The template {Path(error.filename or filename).name} has an error on line "
                f"{error.lineno}: {(error.message or 'syntax error').rstrip('.')}."
            ) from None
        except jinja2.TemplateNotFound as error:
            # The missing one may be a template this one includes (dosering's per pattern).
            raise ScriptError(f"The template {error.name} is missing from {self.folder}.") from None
        except jinja2.UndefinedError as error:
            raise ScriptError(f"The template {filename} failed: {error.message}.") from None
        text = speakable(raw)
        problems = unspeakable(text)
        if problems:
            raise ScriptError(
                f"The template {filename} produced text a voice would misread "
                f"({problems[0]}): {text!r}."
            )
        if not text:
            raise ScriptError(f"The template {filename} produced no text.")
        return text


@dataclass(frozen=True)
class SessionScript:
    """One phase's script, with what the timeline and the files need to know about it."""

    program: Program
    phase: Phase
    steps: tuple[Step, ...]
    variant: Variant = "volledig"

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """Every distinct spoken text, in order of first use."""
        return tuple(dict.fromkeys(s.text for s in self.steps if isinstance(s, Line)))

    @cached_property
    def tones(self) -> tuple[str, ...]:
        """The labels of the tones it plays, in order of first use."""
        return tuple(dict.fromkeys(s.label for s in self.steps if isinstance(s, Tone)))


def session_script(
    program: Program, phase: Phase, templates: Templates, variant: Variant = "volledig"
) -> SessionScript:
    """Write the script for one phase: opening, every exercise, closing."""
    exercises = [program.exercise(n) for n in phase.exercises]
    writer = _Writer(templates, program, phase, variant)
    following: list[Exercise | None] = [*exercises[1:], None]
    in_sets = [e for e in exercises if cueing(e.dosage).in_sets]
    before: dict[int, Exercise | None] = dict(
        zip((e.number for e in in_sets), [None, *in_sets[:-1]], strict=True)
    )
    steps = [
        *writer.opening(exercises),
        *(
            step
            for exercise, after in zip(exercises, following, strict=True)
            for step in writer.exercise(exercise, after, before.get(exercise.number))
        ),
        *writer.closing(),
    ]
    return SessionScript(program=program, phase=phase, steps=tuple(steps), variant=variant)


@dataclass
class _Writer:
    templates: Templates
    program: Program
    phase: Phase
    variant: Variant

    @property
    def short(self) -> bool:
        return self.variant == "kort"

    def tone(self, label: str, number: int | None, after_ms: int) -> Iterator[Step]:
        """A sound cue and the silence after it; nothing when the tones are off."""
        if self.program.tones:
            yield Tone(label, number)
            yield Silence("pause", after_ms, number)

    def speech(self, template: str, number: int | None = None, **context: Any) -> Iterator[Step]:
        yield self._line("speech", template, number, **context)
        yield Silence("pause", SENTENCE_GAP_MS, number)

    def _line(
        self, kind: SpokenKind, template: str, number: int | None, slot_ms: int = 0, **context: Any
    ) -> Line:
        """The line ``template`` renders, with the key naming its recording."""
        context = {"program": self.program, "phase": self.phase, **context}
        text = self.templates.say(template, **context)
        return Line(kind, text, number, slot_ms, key=phrase_key(template, context, text))

    def opening(self, exercises: list[Exercise]) -> Iterator[Step]:
        if self.short:
            yield from self.speech("sessie_begin_kort")
            return
        advice = sum(not cueing(e.dosage).in_sets for e in exercises)
        yield from self.speech("sessie_begin", counted=len(exercises) - advice, advice=advice)

    def closing(self) -> Iterator[Step]:
        yield from self.speech("sessie_einde_kort" if self.short else "sessie_einde")
        yield from self.tone(SESSION_END, None, SENTENCE_GAP_MS)

    def exercise(
        self, exercise: Exercise, after: Exercise | None, before: Exercise | None = None
    ) -> Iterator[Step]:
        """One exercise; ``after`` is the exercise that follows it (``None`` for the last),
        ``before`` the exercise done in sets before it (``None`` for the first)."""
        number, dosage = exercise.number, exercise.dosage
        yield from self.speech("oefening_begin", number, exercise=exercise)
        if not self.short and number not in self.phase.brief:
            yield from self.speech("oefening_uitleg", number, exercise=exercise)
        if not cueing(dosage).in_sets:
            return
        amount = "dosering_kort" if self.short else "dosering"
        yield from self.speech(amount, number, exercise=exercise, dosage=dosage)
        yield self._line("speech", "klaarmaken", number, exercise=exercise)
        turn = before is None or before.position is None or before.position != exercise.position
        yield Silence("pause", TURN_OVER_MS if turn else GET_READY_MS, number)
        for set_number in range(1, dosage.sets + 1):
            yield from self.speech(
                "serie_begin", number, exercise=exercise, set=set_number, sets=dosage.sets
            )
            yield from self.tone(SET_START, number, AFTER_START_TONE_MS)
            yield from self.movements(number, dosage)
            yield from self.tone(SET_END, number, SENTENCE_GAP_MS)
            if set_number < dosage.sets:
                yield from self.rest(number, dosage)
            elif after is not None:
                yield from self.rest(number, dosage, then=after)

    def movements(self, number: int, dosage: Dosage) -> Iterator[Step]:
        """Every repetition of one set: the count, then each cue with time to move after it."""
        how = cueing(dosage)
        if how.held:
            yield from self.hold(number, dosage)
            return
        move = Silence("pause", round(dosage.move_s * 1000), number)
        for rep in range(1, dosage.reps + 1):
            if rep == dosage.reps > 1:
                yield self._line("speech", "laatste_herhaling", number)
                yield Silence("pause", COUNT_TO_CUE_MS, number)
            yield self._line("count", "tel", number, n=rep)
            cues = how.cues(rep)
            if not cues:
                yield move
                continue
            yield Silence("pause", COUNT_TO_CUE_MS, number)
            for cue in cues:
                yield self._line("cue", "aanwijzing", number, cue=cue)
                yield move

    def hold(self, number: int, dosage: Dosage) -> Iterator[Step]:
        """Start, the hold in silence ("halverwege" halfway in a long one), the last seconds
        counted down, stop."""
        countdown = cueing(dosage).counts_per_set()
        silent_ms = (dosage.hold_s - countdown) * 1000
        yield self._line("speech", "houden_start", number, dosage=dosage)
        if dosage.hold_s >= HALFWAY_FROM_S:
            half_ms = dosage.hold_s * 1000 // 2
            yield Silence("pause", half_ms, number)
            yield self._line("speech", "halverwege", number, silent_ms - half_ms)
        else:
            yield Silence("pause", silent_ms, number)
        for second in range(countdown, 0, -1):
            yield self._line("count", "tel", number, 1000, n=second)
        yield self._line("speech", "houden_stop", number, dosage=dosage)
        yield Silence("pause", SENTENCE_GAP_MS, number)

    def rest(self, number: int, dosage: Dosage, then: Exercise | None = None) -> Iterator[Step]:
        """The rest after a set. Before another set, its last seconds are announced; before
        another exercise, that exercise and its position are, so the patient can turn over."""
        rest_ms = dosage.rest_s * 1000
        if rest_ms == 0:
            return
        yield self._line("speech", "rust_kort" if self.short else "rust", number, dosage=dosage)
        if then is not None:
            yield Silence("pause", SENTENCE_GAP_MS, number)
            yield self._line("speech", "volgende", number, exercise=then)
            yield Silence("rest", rest_ms, number)
            return
        warn = rest_ms >= MIN_REST_FOR_WARNING_MS
        yield Silence("rest", rest_ms - (REST_WARNING_MS if warn else 0), number)
        if warn:
            seconds = REST_WARNING_MS // 1000
            yield self._line("speech", "rust_bijna_klaar", number, REST_WARNING_MS, seconds=seconds)
