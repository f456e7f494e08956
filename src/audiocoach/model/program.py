"""The exercise card as plain data: a :class:`Program` of exercises, their dosage and phases.

A program lives in a TOML file; the built-in one is the SI-joint card in ``programs/``.
:mod:`~audiocoach.model.program_file` reads one and checks every field once, so everything
downstream can trust the values it is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from audiocoach.errors import ProgramError
from audiocoach.model.settings import DOSAGE_SETTINGS

Pattern = Literal["advice", "reps", "parts", "alternate", "hold"]
"""How an exercise is cued: said only, counted, counted with cues, cues in turn, or held.
Each is explained, with all that depends on it, in :mod:`~audiocoach.model.patterns`."""

Position = Literal["rug", "buik", "zij", "zit", "staan"]
"""The starting position of an exercise, as the card describes it: the session says it before
the first set and when it announces the exercise that comes next, so the patient can turn over
during the rest. The spoken words for each are in the templates."""

BOUNDS: Mapping[str, tuple[int, int]] = {k: s.bounds for k, s in DOSAGE_SETTINGS.items()}
"""Bounds for every dosage number a user can set, from the one table of settings."""


@dataclass(frozen=True)
class Dosage:
    """How much of one exercise, and at what pace."""

    pattern: Pattern
    """How the exercise is cued; see :mod:`~audiocoach.model.patterns`."""
    reps: int = 10
    """Repetitions per set (per side for ``parts`` with side cues; in total for ``alternate``)."""
    sets: int = 3
    """Number of sets; each is followed by a timed rest."""
    rest_s: int = 15
    """Seconds of rest after each set (the card: "daarna ± 15 sec. rust")."""
    hold_s: int = 12
    """Seconds a ``hold`` lasts (the card: "duur: 10-12 sec.")."""
    move_s: float = 3.0
    """Seconds of silence after each cue (``parts``, ``alternate``) or count (``reps``): the
    time to make that movement before anything else is said, whatever the voice's speed.

    The card gives no pace; the program file sets it per exercise (larger movements get more)."""
    cues: tuple[str, ...] = ()
    """Words spoken within a repetition (``parts``) or in turn (``alternate``)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of the card."""

    number: int
    title: str
    """The card's own title, typos corrected; shown on the page beside the name."""
    name: str
    """A short spoken name of its own ("Knieën opzij"), distinct within the program: eight of
    the card's titles are the same, so the announcement, chapters and page use this."""
    instruction: str
    """The card's description rewritten as spoken Dutch."""
    dosage: Dosage
    position: Position | None = None
    """Where the exercise starts; said when the exercise is next, and before the first set
    when there is no :attr:`starting_position`."""
    starting_position: str | None = None
    """The starting position in the card's own words ("Op de rug, de benen gestrekt."), said
    before the first set in full and short sessions alike."""
    verb: str | None = None
    """What the patient does during a hold, said with "u" ("loopt": "U loopt drie keer twaalf
    seconden"); a held exercise without one "doet dit"."""


@dataclass(frozen=True)
class Phase:
    """One period of the schedule; each phase becomes one session (one MP3)."""

    number: int
    title: str
    exercises: tuple[int, ...]
    fixed: tuple[int, ...] = ()
    """Exercises that always stay in this phase, whatever the therapist selects; the others
    are the therapist's to choose (a program file without ``fixed`` fixes them all)."""
    selected: bool = False
    """Whether the therapist chose which of the open exercises are here (``--select``)."""
    about: str = ""
    """What the phase is, as the opening says it ("de oefeningen voor de hele
    herstelperiode"); its title in lower case when not given."""
    brief: tuple[int, ...] = ()
    """Advice exercises said in one line here, explained in full in an earlier phase."""
    closing: str = ""
    """What the card says at the end of this phase, said before the consultation line."""

    @property
    def open(self) -> bool:
        """Whether the therapist chooses some of this phase's exercises (the card's "vul in")."""
        return any(n not in self.fixed for n in self.exercises) or self.selected

    @property
    def awaits_choice(self) -> bool:
        """Whether the therapist still has to choose this phase's exercises: such a phase is
        never built, so no patient hears exercises nobody chose for them (the card: "(een
        selectie uit) oefening 5 t/m 11 ... in overleg met uw behandelaar/begeleider")."""
        return not self.selected and any(n not in self.fixed for n in self.exercises)


@dataclass(frozen=True)
class Program:
    """A whole card: its exercises and the phases that order them."""

    slug: str
    """Safe file-name stem; used for output names."""
    title: str
    subtitle: str
    source: str
    exercises: tuple[Exercise, ...]
    phases: tuple[Phase, ...]
    notes: tuple[str, ...] = field(default=())
    times_per_day: tuple[int, int] = (3, 5)
    """How often a day the card asks for the series ("drie tot vijf maal daags")."""
    tones: bool = True
    """Whether sets and sessions are marked by tones (``--no-tones``, ``tones = false``)."""

    @property
    def ready_phases(self) -> tuple[Phase, ...]:
        """The phases that can be built: every phase but those awaiting the therapist's choice."""
        return tuple(p for p in self.phases if not p.awaits_choice)

    @property
    def phases_awaiting_choice(self) -> tuple[Phase, ...]:
        """The phases left out until the therapist chooses their exercises."""
        return tuple(p for p in self.phases if p.awaits_choice)

    def exercise(self, number: int) -> Exercise:
        """The exercise with that number (the card's numbering)."""
        for exercise in self.exercises:
            if exercise.number == number:
                return exercise
        raise ProgramError(f"The program has no exercise {number}.")

    def phase(self, number: int) -> Phase:
        """The phase with that number."""
        for phase in self.phases:
            if phase.number == number:
                return phase
        known = ", ".join(str(p.number) for p in self.phases)
        raise ProgramError(f"The program has no phase {number}; it has phases {known}.")


_SLUG = re.compile(r"[^a-z0-9]+")


def safe_slug(text: str) -> str:
    """A file-name stem from any text: lower-case letters, digits and single dashes only.

    Program files come from users; whatever their titles say, the names built from them can
    hold no path separator and no ``..``.
    """
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", folded).strip("-")[:60].strip("-") or "programma"
