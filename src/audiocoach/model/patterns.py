"""The five ways an exercise is cued, each with everything that depends on it.

A :class:`~audiocoach.model.program.Dosage` names its pattern (``"parts"``); :func:`cueing`
gives the object of that pattern, which says for that dosage:

- which dosage numbers mean something for it (:attr:`Cueing.fields`; a patient's override of
  another is refused) and whether it needs cues;
- what one set is: repetitions, each counted and followed by the cues of :meth:`Cueing.cues`,
  or a hold (:attr:`Cueing.held`), or no set at all (advice);
- its part of the ``dosering`` phrase key (:meth:`Cueing.key`) and its words on the page
  (:meth:`Cueing.words`). They sit side by side but stay apart: a key names a recording, so
  it must not change when the wording does.

What the session says of the dosage is in ``scripts_nl/_dosering_<pattern>.j2``. A new pattern
is a class here, its entry in :data:`PATTERNS` and that template; the script writer changes
only for a set that is neither counted nor held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from audiocoach.dutch_words import number_word
from audiocoach.model.program import Dosage, Pattern, safe_slug

HOLD_COUNTDOWN = 3
"""Seconds counted down aloud at the end of a hold."""

COUNTED_FIELDS = frozenset({"reps", "sets", "rest_s"})
HELD_FIELDS = frozenset({"sets", "rest_s", "hold_s"})


@dataclass(frozen=True)
class Cueing:
    """How one dosage is cued. The defaults are those of counted repetitions, which three of
    the five patterns are; each pattern overrides what differs."""

    dosage: Dosage

    described: ClassVar[str] = "counted, not held"
    """What it is, in an error about a setting that does not apply ("Exercise 9 is …")."""
    fields: ClassVar[frozenset[str]] = COUNTED_FIELDS
    """The dosage numbers that mean something for it."""
    needs_cues: ClassVar[bool] = False
    """Whether a program file must give it at least two cues."""
    in_sets: ClassVar[bool] = True
    """Whether it is done in sets at all (all but advice): dosed aloud, counted or held."""
    held: ClassVar[bool] = False
    """Whether a set is a hold rather than counted repetitions."""

    def cues(self, rep: int) -> tuple[str, ...]:
        """The cues said after the count of repetition ``rep``, each followed by time to move;
        with none, the time to move follows the count."""
        return ()

    def counts_per_set(self) -> int:
        """Spoken numbers in one set: each repetition, or a hold's last seconds counted down."""
        return self.dosage.reps

    def least_set_ms(self) -> int:
        """The silence of one set: time to move after every cue, or after every count."""
        reps = range(1, self.dosage.reps + 1)
        moves = sum(max(1, len(self.cues(rep))) for rep in reps)
        return moves * round(self.dosage.move_s * 1000)

    def amount_key(self) -> str:
        """The key's part that names the amount; recordings are saved under it, so it keeps
        its form when the words change."""
        return f"{self.dosage.sets}x{self.dosage.reps}"

    def amount_words(self, name: str = "") -> str:
        """The amount in the page's words, before the rest and the number of sets; ``name``
        is the exercise's, which a hold says ("twaalf seconden lopen op de hakken")."""
        return f"{number_word(self.dosage.reps)} keer"

    def key(self) -> str:
        """The ``dosering`` phrase's key: every value its text says (``dosering-3x10-rust-15``)."""
        rest = f"-rust-{self.dosage.rest_s}" if self.dosage.rest_s > 0 else ""
        return f"dosering-{self.amount_key()}{rest}"

    def words(self, name: str = "") -> str:
        """The card's "uitvoering" in words: "Tien keer links en rechts, …; doe dit drie keer."."""
        amount = self.amount_words(name)
        if self.dosage.rest_s:
            amount += f", daarna {number_word(self.dosage.rest_s)} seconden rust"
        sets = self.dosage.sets
        times = "één keer" if sets == 1 else f"{number_word(sets)} keer"
        return f"{amount[0].upper()}{amount[1:]}; doe dit {times}."


class Advice(Cueing):
    """The instruction is spoken, nothing is counted (exercise 1: walk or cycle)."""

    described = "advice, with nothing to count"
    fields = frozenset()
    in_sets = False

    def counts_per_set(self) -> int:
        return 0

    def words(self, name: str = "") -> str:
        return "Niet van toepassing."  # the card: "n.v.t."


class Reps(Cueing):
    """Each repetition is counted aloud ("één ... twee ..."), with time to move after it."""


class Parts(Cueing):
    """Each repetition is counted, then every cue is spoken in its own movement slot
    ("één: links ... rechts", "één: bol ... hol")."""

    needs_cues = True

    def cues(self, rep: int) -> tuple[str, ...]:
        return self.dosage.cues

    def amount_key(self) -> str:
        return f"{super().amount_key()}-{safe_slug(' en '.join(self.dosage.cues))}"

    def amount_words(self, name: str = "") -> str:
        cues = self.dosage.cues
        if len(cues) == 2 and "link" in cues[0] and "recht" in cues[1]:
            # The card's "beide zijden 10x": the cues name a side ("naar links", "linkerknie").
            return f"beide zijden {super().amount_words()}"
        return f"{super().amount_words()} {' en '.join(cues)}"


class Alternate(Cueing):
    """Repetitions are counted in total and the cues take turns ("één, links", "twee,
    rechts"); the card's "beide zijden om en om; totaal 10x"."""

    needs_cues = True

    def cues(self, rep: int) -> tuple[str, ...]:
        return (self.dosage.cues[(rep - 1) % len(self.dosage.cues)],)

    def amount_key(self) -> str:
        return f"{super().amount_key()}-om-en-om"

    def amount_words(self, name: str = "") -> str:
        return f"beide zijden om en om, in totaal {number_word(self.dosage.reps)} keer"


class Hold(Cueing):
    """A timed duration with a spoken start, the last seconds counted down, and a stop."""

    described = "held, not counted"
    fields = HELD_FIELDS
    held = True

    def counts_per_set(self) -> int:
        return min(HOLD_COUNTDOWN, self.dosage.hold_s - 1)

    def least_set_ms(self) -> int:
        return self.dosage.hold_s * 1000

    def amount_key(self) -> str:
        return f"{self.dosage.sets}x{self.dosage.hold_s}s"

    def amount_words(self, name: str = "") -> str:
        # The card: "duur: 10-12 sec."; the exercise's name says what: "lopen op de hakken".
        doing = f" {name[:1].lower()}{name[1:]}" if name else ""
        return f"{number_word(self.dosage.hold_s)} seconden{doing}"


PATTERNS: Mapping[Pattern, type[Cueing]] = {
    "advice": Advice,
    "reps": Reps,
    "parts": Parts,
    "alternate": Alternate,
    "hold": Hold,
}
"""Every pattern a program file may name; a test checks these are :data:`Pattern`'s."""


def cueing(dosage: Dosage) -> Cueing:
    """How ``dosage`` is cued: the object of its pattern."""
    return PATTERNS[dosage.pattern](dosage)
