"""Every number a user sets, once: its bounds, its command-line flag and its Dutch label.

One home per bound and its wording. The model checks against these bounds with one checker
(:meth:`Setting.check`: the dosage, the speaking rate, the time to move, how often a day,
``--jobs`` and ``--port``), the command line's help and messages name the flag, the web form
labels its field and says the Dutch sentence (:meth:`Setting.dutch`), and a test checks that
each document that states a bound says it as this table does, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from audiocoach.errors import DosageError, shown

N = TypeVar("N", int, float)


def _said(number: float) -> str:
    """``50``, ``0.5``: a bound as the English sentences write it."""
    return f"{number:g}" if isinstance(number, float) else str(number)


@dataclass(frozen=True)
class Setting(Generic[N]):
    """One number someone can set: its key, bounds, flag, the form's label and its unit."""

    key: str
    """The key in a program file's or patient file's dosage (``rest_s``), or ``rate``."""
    low: N
    high: N
    flag: str
    """The command line's option (``--rest``); empty where none sets it."""
    label: str
    """The web form's label for the field, in Dutch (``Rust (seconden)``)."""
    english: str
    """What the value is, in the command line's English sentences."""
    unit: str = ""
    """What the number counts, after the bounds in an English sentence (`` seconds``)."""

    @property
    def name(self) -> str:
        """What the command line's parameter and the web form's field are called: the flag
        without its dashes (``rest`` for ``--rest``), else the key (a setting without a flag
        of its own is set with ``--set rest_s=20``)."""
        return self.flag.removeprefix("--") or self.key

    @property
    def span(self) -> str:
        """``1 to 50``: the bounds as the command line's help says them."""
        return f"{_said(self.low)} to {_said(self.high)}"

    @property
    def bounds(self) -> tuple[N, N]:
        return self.low, self.high

    @property
    def dutch_span(self) -> str:
        """``1 tot 50``, ``0,5 tot 30``: the bounds as the screens say them."""
        low, high = (_said(n).replace(".", ",") for n in self.bounds)
        return f"{low} tot {high}"

    @property
    def choose(self) -> str:
        """``kies een getal van 1 tot 50.``: what a screen asks for a wrong value."""
        return f"kies een getal van {self.dutch_span}."

    def dutch(self, where: str = "") -> str:
        """The form's sentence for a wrong value: ``Herhalingen: kies een getal van 1 tot 50.``

        ``where`` names the exercise for a field of one exercise (``oefening 7``)."""
        label = f"{self.label} ({where})" if where else self.label
        return f"{label}: {self.choose}"

    def check(self, value: Any, what: str) -> N:
        """``value`` within the bounds, or a :class:`~audiocoach.errors.DosageError` naming
        ``what`` ("--reps", "exercise 7's 'reps'") and the bounds: the one check of a number
        someone set, wherever it was typed."""
        whole = isinstance(self.low, int)
        number = isinstance(value, int if whole else (int, float))
        if isinstance(value, bool) or not number:
            kind = "a whole number" if whole else "a number"
            raise DosageError(
                f"{what} must be {kind} from {self.span}{self.unit}, not {shown(value)}."
            )
        if not self.low <= value <= self.high:
            raise DosageError(f"{what} must be from {self.span}{self.unit}, not {shown(value)}.")
        return cast("N", value)


DOSAGE_SETTINGS: Mapping[str, Setting[int]] = {
    s.key: s
    for s in (
        Setting("reps", 1, 50, "--reps", "Herhalingen", "the number of repetitions"),
        Setting("sets", 1, 10, "--sets", "Series", "the number of sets"),
        Setting("rest_s", 0, 300, "--rest", "Rust (seconden)", "the rest", " seconds"),
        Setting("hold_s", 1, 120, "--hold", "Vasthouden (seconden)", "the hold", " seconds"),
    )
}
"""The dosage a program file sets per exercise and a patient overrides, in the card's order.

Every reader takes a setting from here: the program file, the patient file's ``[dosage]`` and
``[exercises.N]``, ``--set`` (and its help), the overrides and the web form's fields. A new
setting needs its row, its :class:`~audiocoach.model.program.Dosage` field, what it applies
to (:mod:`~audiocoach.model.patterns`) and what it does (:mod:`audiocoach.script.writer`); it
gets no flag of its own (``flag=""``): ``--set pause_s=2`` sets it for every exercise."""

RATE = Setting(
    "rate",
    80,
    300,
    "--rate",
    "Spreeksnelheid (woorden per minuut)",
    "the speaking rate",
    " words per minute",
)
"""The speaking rate in words per minute."""

MOVE_S: Setting[float] = Setting(
    "move_s", 0.5, 30.0, "", "Tijd om te bewegen (seconden)", "the time to move", " seconds"
)
"""The seconds of silence to move after each cue or count, set in a program file."""

TIMES_PER_DAY = Setting("times_per_day", 1, 12, "", "Keer per dag", "how often a day")
"""The fewest and the most times a day a program file says a session is done (each)."""

JOBS = Setting("jobs", 1, 64, "--jobs", "", "the files encoded at the same time")
"""``--jobs``: how many files are encoded at the same time."""

PORT = Setting("port", 1, 65535, "--port", "", "the port")
"""``serve --port``: a TCP port on 127.0.0.1 (and the port of a ``--base-url``)."""

SETTINGS: Mapping[str, Setting[int]] = {**DOSAGE_SETTINGS, RATE.key: RATE}
"""Every number a therapist sets for a patient, by its key."""

ALL_SETTINGS: tuple[Setting[Any], ...] = (*SETTINGS.values(), MOVE_S, TIMES_PER_DAY, JOBS, PORT)
"""Every bound of the table, for the docs test."""
