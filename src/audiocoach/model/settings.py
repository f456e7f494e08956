"""Every number a user sets, once: its bounds, its command-line flag and its Dutch label.

One home per bound and its wording. The model checks against these bounds (the dosage's
``BOUNDS``, the speaking rate's ``RATE_BOUNDS``), the command line's help and messages name the
flag, the web form labels its field and says the Dutch sentence (:meth:`Setting.dutch`), and
the README's tables are checked against this table by a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One number a therapist can set: its key, bounds, flag and the form's label."""

    key: str
    """The key in a program file's or patient file's dosage (``rest_s``), or ``rate``."""
    low: int
    high: int
    flag: str
    """The command line's option (``--rest``)."""
    label: str
    """The web form's label for the field, in Dutch (``Rust (seconden)``)."""
    english: str
    """What the value is, in the command line's English sentences."""

    @property
    def span(self) -> str:
        """``1 to 50``: the bounds as the command line's help says them."""
        return f"{self.low} to {self.high}"

    @property
    def bounds(self) -> tuple[int, int]:
        return self.low, self.high

    def dutch(self, where: str = "") -> str:
        """The form's sentence for a wrong value: ``Herhalingen: kies een getal van 1 tot 50.``

        ``where`` names the exercise for a field of one exercise (``oefening 7``)."""
        label = f"{self.label} ({where})" if where else self.label
        return f"{label}: kies een getal van {self.low} tot {self.high}."


DOSAGE_SETTINGS: Mapping[str, Setting] = {
    s.key: s
    for s in (
        Setting("reps", 1, 50, "--reps", "Herhalingen", "the number of repetitions"),
        Setting("sets", 1, 10, "--sets", "Series", "the number of sets"),
        Setting("rest_s", 0, 300, "--rest", "Rust (seconden)", "the rest"),
        Setting("hold_s", 1, 120, "--hold", "Vasthouden (seconden)", "the hold"),
    )
}
"""The dosage a program file sets per exercise and a patient overrides, in the card's order."""

RATE = Setting(
    "rate", 80, 300, "--rate", "Spreeksnelheid (woorden per minuut)", "the speaking rate"
)
"""The speaking rate in words per minute."""

SETTINGS: Mapping[str, Setting] = {**DOSAGE_SETTINGS, RATE.key: RATE}
"""Every number a therapist sets, by its key."""
