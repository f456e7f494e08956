"""Spoken Dutch: numbers as words, written forms as said, and a check for what cannot be spoken.

espeak-ng reads what it is given literally: "10x" becomes "tien iks", "± 15 sec." switches to
English, and "een" is read as the article "un". So every text is made speakable here, by small
pure ``str -> str`` steps, and :func:`unspeakable` finds what slipped through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_UNITS = ["nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TEENS = [
    "tien", "elf", "twaalf", "dertien", "veertien",
    "vijftien", "zestien", "zeventien", "achttien", "negentien",
]  # fmt: skip
_TENS = [
    "",
    "",
    "twintig",
    "dertig",
    "veertig",
    "vijftig",
    "zestig",
    "zeventig",
    "tachtig",
    "negentig",
]


def number_word(n: int) -> str:
    """A whole number from 0 to 9999 as it is said; one is "één" (stressed), as in counting."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is outside 0..9999")
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    if n < 100:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _TENS[tens]
        unit_word = "een" if unit == 1 else _UNITS[unit]
        joint = "ën" if unit_word.endswith("e") else "en"
        return f"{unit_word}{joint}{_TENS[tens]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "honderd" if hundreds == 1 else f"{_UNITS[hundreds]}honderd"
        return head + (_compound(rest) if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "duizend" if thousands == 1 else f"{number_word(thousands)}duizend"
    return head + (_compound(rest) if rest else "")


def _compound(n: int) -> str:
    """A number as the tail of a longer one: "honderdeen", not "honderdéén"."""
    return "een" if n == 1 else number_word(n)


# Written forms that espeak-ng would misread, with how they are said.
_SPOKEN_FORMS: tuple[tuple[str, str], ...] = (
    ("SI-gewricht", "es-ie-gewricht"),
    ("SI-blokkade", "es-ie-blokkade"),
    ("S1-gewricht", "es-ie-gewricht"),
)


def spoken_forms(text: str) -> str:
    """Replace written forms (abbreviations, codes) by the words that are said."""
    for written, said in _SPOKEN_FORMS:
        text = text.replace(written, said)
    return text


def written_forms(text: str) -> str:
    """Undo :func:`spoken_forms` for reading: a transcript says "SI-gewricht", as the card does."""
    for written, said in _SPOKEN_FORMS:
        if said in text and not written.startswith("S1"):
            text = text.replace(said, written)
    return text


def numbers_as_words(text: str) -> str:
    """Write out every whole number; a decimal comma is said "komma"."""

    def word(match: re.Match[str]) -> str:
        return number_word(int(match.group()))

    text = re.sub(r"(\d+),(\d+)", lambda m: f"{m.group(1)} komma {m.group(2)}", text)
    return re.sub(r"\d+", word, text)


def tidy_whitespace(text: str) -> str:
    """One space between words, none at the ends."""
    return " ".join(text.split())


STEPS: tuple[Callable[[str], str], ...] = (spoken_forms, numbers_as_words, tidy_whitespace)


def speakable(text: str) -> str:
    """Run every normalisation step, in order."""
    for step in STEPS:
        text = step(text)
    return text


_ABBREVIATIONS = (
    "sec.", "min.", "t/m", "m.a.w.", "n.v.t.", "oef.", "afb.", "bijv.", "o.a.", "enz.", "evt.",
    "ca.", "max.", "nr.",
)  # fmt: skip
_FORBIDDEN = re.compile(r"[0-9±+×*/&%=<>#@\\\[\]{}|~^_]|\b\d*x\b")


def unspeakable(text: str) -> list[str]:
    """What in ``text`` a speech engine would misread: digits, symbols, abbreviations.

    An empty list means the text is fit to be spoken.
    """
    problems = [f"symbol or digit {m.group()!r}" for m in _FORBIDDEN.finditer(text)]
    lowered = text.lower()
    problems += [
        f"abbreviation {a!r}"
        for a in _ABBREVIATIONS
        if re.search(rf"(?<!\w){re.escape(a)}", lowered)
    ]
    problems += [f"capitals {w!r}" for w in re.findall(r"\b[A-Z]{2,}\b", text)]
    return problems
