"""Spoken Dutch: numbers as words, written forms as said, and a check for what cannot be spoken.

espeak-ng reads what it is given literally: "10x" becomes "tien iks", "± 15 sec." switches to
English, and "een" is read as the article "un". So every text is made speakable here, by small
pure ``str -> str`` steps, and :func:`unspeakable` finds what slipped through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache

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


def enumeration(items: Iterable[str]) -> str:
    """Words as a spoken list: "twee, drie en vier"."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} en {words[-1]}"


def _compound(n: int) -> str:
    """A number as the tail of a longer one: "honderdeen", not "honderdéén"."""
    return "een" if n == 1 else number_word(n)


LEXICON: Mapping[str, str] = {
    # Codes: said letter by letter, as a Dutch therapist says them.
    "SI-gewricht": "es-ie-gewricht",
    "SI-blokkade": "es-ie-blokkade",
    # Compounds whose "-er-" espeak-ng stresses and lengthens ("linkeer-arm", "achteer-over").
    "linkerarm": "linker-arm",
    "rechterarm": "rechter-arm",
    "achterover": "achter-over",
    "herstelbevorderende": "herstel-bevorderende",
    # Words espeak-ng stresses on the wrong syllable ("PLAfond", "ELkaar", "HETzelfde").
    "plafond": "pla-fond",
    "elkaar": "el-kaar",
    "hetzelfde": "het-zelfde",
}
"""The pronunciation lexicon: every word the speech engine misreads, with a respelling it reads
right. Found by reading the phonemes of every line (``espeak-ng -v nl -x``), not by ear alone;
tests/test_lexicon.py checks each respelling's phonemes with the bundled espeak-ng. Respellings
rather than espeak's ``[[phonemes]]``, so that any engine (a recorded voice, Piper) still gets
readable Dutch. Transcripts show the written word (:func:`written_forms`)."""

TYPOS: Mapping[str, str] = {"S1-gewricht": "es-ie-gewricht"}
"""The card's typos, said as meant; a transcript shows the corrected word."""


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)


def _respell(text: str, lexicon: Mapping[str, str]) -> str:
    """Replace each word of ``lexicon`` where it stands whole; a capital at a sentence's start
    stays a capital."""

    def replacement(written: str, said: str) -> Callable[[re.Match[str]], str]:
        def sub(match: re.Match[str]) -> str:
            capital = match.group()[:1].isupper() and not written[:1].isupper()
            return said[:1].upper() + said[1:] if capital else said

        return sub

    for written, said in lexicon.items():
        text = _word_pattern(written).sub(replacement(written, said), text)
    return text


def spoken_forms(text: str) -> str:
    """Replace every lexicon word (and the card's typos) by how the engine must be given it."""
    return _respell(_respell(text, TYPOS), LEXICON)


def written_forms(text: str) -> str:
    """Undo :func:`spoken_forms` for reading: a transcript says "SI-gewricht", as the card does."""
    return _respell(text, {said: written for written, said in LEXICON.items()})


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


@lru_cache(maxsize=4096)
def speakable(text: str) -> str:
    """Run every normalisation step, in order (a session says "één" and "links" hundreds of
    times: each distinct text is made speakable once)."""
    for step in STEPS:
        text = step(text)
    return text


SAID_IN_FULL: Mapping[str, str] = {
    "sec.": "seconden", "min.": "minuten", "t/m": "tot en met", "m.a.w.": "met andere woorden,",
    "n.v.t.": "niet van toepassing", "oef.": "oefening", "afb.": "afbeelding",
    "bijv.": "bijvoorbeeld", "o.a.": "onder andere", "enz.": "enzovoort", "evt.": "eventueel",
    "ca.": "ongeveer", "max.": "maximaal", "nr.": "nummer",
}  # fmt: skip
"""Every abbreviation a card writes, as it is said: :func:`unspeakable` refuses each in a
spoken text, and :func:`said_in_full` writes each out when a card's text is read."""

_ABBREVIATIONS = tuple(SAID_IN_FULL)
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
    as words, one space between words. What it cannot write out :func:`unspeakable` still
    finds."""
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


_FORBIDDEN = re.compile(r"[0-9±+×*/&%=<>#@\\\[\]{}|~^_♪]|\b\d*x\b")
_ABBREVIATION = re.compile("|".join(rf"(?<!\w){re.escape(a)}" for a in _ABBREVIATIONS))


def unspeakable(text: str) -> list[str]:
    """What in ``text`` a speech engine would misread: digits, symbols, abbreviations.

    An empty list means the text is fit to be spoken.
    """
    return list(_problems(text))


@lru_cache(maxsize=4096)
def _problems(text: str) -> tuple[str, ...]:
    problems = [f"symbol or digit {m.group()!r}" for m in _FORBIDDEN.finditer(text)]
    problems += [f"abbreviation {m.group()!r}" for m in _ABBREVIATION.finditer(text.lower())]
    problems += [f"capitals {w!r}" for w in re.findall(r"\b[A-Z]{2,}\b", text)]
    return tuple(problems)
