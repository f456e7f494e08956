"""Spoken Dutch: numbers as words and the check for what a voice would misread."""

from __future__ import annotations

import pytest

from audiocoach.dutch_words import number_word
from audiocoach.script.dutch import speakable, unspeakable


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "nul"), (1, "één"), (2, "twee"), (10, "tien"), (11, "elf"), (15, "vijftien"),
        (20, "twintig"), (21, "eenentwintig"), (22, "tweeëntwintig"), (23, "drieëntwintig"),
        (45, "vijfenveertig"), (50, "vijftig"), (99, "negenennegentig"), (100, "honderd"),
        (101, "honderdeen"), (120, "honderdtwintig"), (300, "driehonderd"),
        (1000, "duizend"), (2024, "tweeduizendvierentwintig"),
    ],
)  # fmt: skip
def test_number_word(n: int, word: str) -> None:
    """Numbers are written as they are said; counting one is the stressed "één"."""
    assert number_word(n) == word


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Rust 15 seconden.", "Rust vijftien seconden."),
        ("het SI-gewricht", "het [[,Es'iQ@vr,Ixt]]"),  # the lexicon's phonemes: es-IE-gewricht
        ("het S1-gewricht", "het [[,Es'iQ@vr,Ixt]]"),
        ("  twee   spaties ", "twee spaties"),
        ("1,5 seconde", "één komma vijf seconde"),
    ],
)
def test_speakable(written: str, said: str) -> None:
    """Each normalisation step turns a written form into what is said."""
    assert speakable(written) == said


@pytest.mark.parametrize(
    "text",
    ["10x", "daarna ± 15 sec. rust", "oefening 2 t/m 4", "m.a.w. duw", "7 + 8", "n.v.t.",
     "Afb. 5", "Oef. 1", "het SI-gewricht", "50%", "a/b"],
)  # fmt: skip
def test_unspeakable_finds_what_espeak_misreads(text: str) -> None:
    """Digits, symbols, abbreviations and capitals are all reported."""
    assert unspeakable(text)


@pytest.mark.parametrize(
    "text",
    [
        "Rust, vijftien seconden.",
        "één",
        "Oefening twee: mobiliseren van het es-ie-gewricht.",
        "Dit is een proef.",
        "Kijk naar het plafond.",
    ],
)
def test_speakable_text_passes(text: str) -> None:
    """Including words that merely end like an abbreviation ("proef." is not "oef.")."""
    assert unspeakable(text) == []
