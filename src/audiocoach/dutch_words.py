"""Dutch as it is said, for what a card writes in figures and abbreviations: numbers as words,
"sec." as "seconden".

The model needs these words too (a dosage pattern's words on the page, a card's text read as
the sessions say it, "drie" read back as 3), so they live here, below every step; the rest of
spoken Dutch (the lexicon, the check for what cannot be spoken) is ``script/dutch.py``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

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


def numbers_as_words(text: str) -> str:
    """Write out every whole number; a decimal comma is said "komma"."""

    def word(match: re.Match[str]) -> str:
        return number_word(int(match.group()))

    text = re.sub(r"(\d+),(\d+)", lambda m: f"{m.group(1)} komma {m.group(2)}", text)
    return re.sub(r"\d+", word, text)


def tidy_whitespace(text: str) -> str:
    """One space between words, none at the ends."""
    return " ".join(text.split())


SAID_IN_FULL: Mapping[str, str] = {
    "sec.": "seconden", "min.": "minuten", "t/m": "tot en met", "m.a.w.": "met andere woorden,",
    "n.v.t.": "niet van toepassing", "oef.": "oefening", "afb.": "afbeelding",
    "bijv.": "bijvoorbeeld", "o.a.": "onder andere", "enz.": "enzovoort", "evt.": "eventueel",
    "ca.": "ongeveer", "max.": "maximaal", "nr.": "nummer",
}  # fmt: skip
"""Every abbreviation a card writes, as it is said: :func:`~audiocoach.script.dutch.unspeakable`
refuses each in a spoken text, and :func:`said_in_full` writes each out when a card's text is
read."""

_SEPARATOR = re.compile(r"(?:(?<=\.)|\s+)/\s*")
"""A slash between parts of a text ("10x / daarna", "sec./ daarna"), not between two words."""
_SYMBOLS: tuple[tuple[str, str], ...] = (
    (r"(\d+)\s*x\b", r"\1 keer"),  # "10x"
    (r"(\d+)\s*-\s*(\d+)", r"\1 tot \2"),  # "10-12 sec."
    (r"(\d+)\s*\+\s*(\d+)", r"\1 en \2"),  # "7 + 8"
    (r"\s*±\s*", " ongeveer "),
    (r"\s*&\s*", " en "),
    (r"\s*%", " procent"),
    (r"\ben/of\b", "of"),
    (r"(\w)\s*/\s*(\w)", r"\1 of \2"),  # "behandelaar/begeleider", "en/of"
    (r"\*+", ""),  # a footnote's mark
    (r",(\s*[,:;.])", r"\1"),  # "sec., daarna" once "sec." is "seconden,"
)


def said_in_full(text: str) -> str:
    """A written text (a card's) as it is said: abbreviations and symbols written out, numbers
    as words, one space between words. What it cannot write out
    :func:`~audiocoach.script.dutch.unspeakable` still finds."""
    text = _SEPARATOR.sub(", ", text)
    for written, said in SAID_IN_FULL.items():
        pattern = rf"(?<!\w){re.escape(written)}"
        text = re.sub(pattern, _keep_capital(said), text, flags=re.IGNORECASE)
    for pattern, said in _SYMBOLS:
        text = re.sub(pattern, said, text)
    return tidy_whitespace(numbers_as_words(text))


def _keep_capital(said: str) -> Callable[[re.Match[str]], str]:
    """A capital where the written form had one: "M.a.w." is "Met andere woorden,"."""

    def sub(match: re.Match[str]) -> str:
        return said[:1].upper() + said[1:] if match.group()[:1].isupper() else said

    return sub
