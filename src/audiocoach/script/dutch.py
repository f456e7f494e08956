"""Spoken Dutch: numbers as words, written forms as said, and a check for what cannot be spoken.

espeak-ng reads what it is given literally: "10x" becomes "tien iks", "± 15 sec." switches to
English, and "een" is read as the article "un". So every text is made speakable here, by small
pure ``str -> str`` steps, and :func:`unspeakable` finds what slipped through. Numbers as words
and abbreviations written out are :mod:`audiocoach.dutch_words`'s, which the model uses too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from audiocoach.dutch_words import SAID_IN_FULL, numbers_as_words, tidy_whitespace


def enumeration(items: Iterable[str]) -> str:
    """Words as a spoken list: "twee, drie en vier"."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} en {words[-1]}"


LEXICON: Mapping[str, str] = {
    # Codes: said letter by letter, as a Dutch therapist says them, the stress on "ie".
    "SI-gewricht": "[[,Es'iQ@vr,Ixt]]",
    "SI-blokkade": "[[,Es'iblOk,a:d@]]",
    # Compounds stressed on their first part, with a schwa in "-er-" ("linkeer-arm", and
    # "linkerBEEN" with the stress on the second part, are espeak-ng's own readings).
    "linkerarm": "[[l'INk@r,Arm]]",
    "rechterarm": "[[r'Ext@r,Arm]]",
    "linkerbeen": "[[l'INk@rb,e:n]]",
    "rechterbeen": "[[r'Ext@rb,e:n]]",
    "linkerknie": "[[l'INk@rkn,i]]",
    "rechterknie": "[[r'Ext@rkn,i]]",
    "buikspieren": "[[b'Wyksp,ir@n]]",
    "herstelbevorderende": "[[hErst'Elb@v,Ord@r@nd@]]",
    # Words espeak-ng stresses on the wrong syllable ("PLAfond", "ELkaar", "HETzelfde",
    # "ACHteeRover") or says with the "ee" of "keer" ("seerie", "peeriode").
    "achterover": "[[_!,Axt@r'o:v@r]]",
    "plafond": "[[pla:f'Ont]]",
    "elkaar": "[[_!Elk'a:r]]",
    "hetzelfde": "[[h@tz'Elvd@]]",
    "serie": "[[s'e:ri]]",
    "series": "[[s'e:ris]]",
    "periode": "[[pe:ri'o:d@]]",
}
"""The pronunciation lexicon: every word espeak-ng misreads, and exactly how it is said, in
espeak-ng's phoneme input (``[[...]]``, its own mnemonics: ``'`` before the syllable with the
main stress, ``,`` a secondary one). A respelling cannot move a stress: each part of "pla-fond"
got a main stress of its own. Found by reading the phonemes of every line (``espeak-ng -v nl
-x``), not by ear alone; tests/test_lexicon.py checks that each word has one main stress, on the
syllable a Dutch speaker stresses. The timeline (and ``preview --json``) holds the text as the
espeak-ng voice is given it; every other voice (recordings, Piper, the system's voices) and
every text a person reads gets the written word (:func:`written_forms`)."""

TYPOS: Mapping[str, str] = {"S1-gewricht": "SI-gewricht"}
"""The card's typos, said (and shown) as meant."""


def _whole_words(words: Iterable[str]) -> re.Pattern[str]:
    """Any of ``words`` standing whole (not inside a longer word), longest first."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w\[-])(?:{alternatives})(?![\w\]-])", re.IGNORECASE)


_SAID = _whole_words(LEXICON)
_TYPO = _whole_words(TYPOS)
_WRITTEN = {said: written for written, said in LEXICON.items()}
_PHONEME_INPUT = re.compile("|".join(re.escape(said) for said in _WRITTEN))
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)$")


def _lookup(table: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    folded = {key.lower(): value for key, value in table.items()}
    return lambda match: folded[match.group().lower()]


def spoken_forms(text: str) -> str:
    """The card's typos corrected, then every lexicon word as espeak-ng must be given it.

    One pass each: a replacement is never looked at again."""
    return _SAID.sub(_lookup(LEXICON), _TYPO.sub(_lookup(TYPOS), text))


def written_forms(text: str) -> str:
    """Undo :func:`spoken_forms` for reading and for every other voice: the written word, with
    a capital where a sentence starts ("Achterover kantelen.")."""

    def word(match: re.Match[str]) -> str:
        written = _WRITTEN[match.group()]
        if _SENTENCE_START.search(text, 0, match.start()):
            return written[:1].upper() + written[1:]
        return written

    return _PHONEME_INPUT.sub(word, text)


def without_phoneme_input(text: str) -> str:
    """``text`` with the lexicon's phoneme input taken out, for the check of what is left."""
    return _PHONEME_INPUT.sub(" ", text)


STEPS: tuple[Callable[[str], str], ...] = (spoken_forms, numbers_as_words, tidy_whitespace)


@lru_cache(maxsize=4096)
def speakable(text: str) -> str:
    """Run every normalisation step, in order (a session says "één" and "links" hundreds of
    times: each distinct text is made speakable once)."""
    for step in STEPS:
        text = step(text)
    return text


_ABBREVIATIONS = tuple(SAID_IN_FULL)
_FORBIDDEN = re.compile(r"[0-9±+×*/&%=<>#@\\\[\]{}|~^_♪]|\b\d*x\b")
_ABBREVIATION = re.compile("|".join(rf"(?<!\w){re.escape(a)}" for a in _ABBREVIATIONS))


def unspeakable(text: str) -> list[str]:
    """What in ``text`` a speech engine would misread: digits, symbols, abbreviations.

    An empty list means the text is fit to be spoken.
    """
    return list(_problems(text))


@lru_cache(maxsize=4096)
def _problems(text: str) -> tuple[str, ...]:
    text = without_phoneme_input(text)  # the lexicon's own [[...]] is meant
    problems = [f"symbol or digit {m.group()!r}" for m in _FORBIDDEN.finditer(text)]
    problems += [f"abbreviation {m.group()!r}" for m in _ABBREVIATION.finditer(text.lower())]
    problems += [f"capitals {w!r}" for w in re.findall(r"\b[A-Z]{2,}\b", text)]
    return tuple(problems)
