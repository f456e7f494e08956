"""Every word said right: the pronunciation lexicon, checked with espeak-ng's own phonemizer.

The expected readings were taken from the bundled espeak-ng and checked against how a Dutch
speaker says each word (stress, and schwa rather than "eer" in "linker-", "achter-").
"""

from __future__ import annotations

import sys

import pytest

from audiocoach.model.dosage import Overrides, apply_overrides
from audiocoach.model.program import Program
from audiocoach.pipeline.session import distinct_texts, write_scripts
from audiocoach.script.dutch import LEXICON, TYPOS, speakable, written_forms
from phonemes import phonemize

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the bundled espeak-ng is Linux only"
)

EXPECTED = {
    "SI-gewricht": "ˈɛsˈiɣəvrˈɪxt",
    "SI-blokkade": "ˈɛsˈiblɔkˈaːdə",
    "linkerarm": "lˈɪŋkərˈɑrm",
    "rechterarm": "rˈɛxtərˈɑrm",
    "achterover": "ˈɑxtərˈoːvər",
    "herstelbevorderende": "hɛrstˈɛlbəvˈɔrdərəndə",
    "plafond": "plˈaːfˈɔnt",
    "elkaar": "ˈɛlkˈaːr",
    "hetzelfde": "hətzˈɛlvdə",
}
"""How the bundled espeak-ng reads each lexicon word's respelling."""


@pytest.fixture(scope="module")
def misread() -> dict[str, str]:
    """How espeak-ng reads each lexicon word as written: the readings that must not be heard."""
    words = list(LEXICON)
    return dict(zip(words, phonemize(words), strict=True))


def test_every_lexicon_word_has_its_expected_reading() -> None:
    assert set(EXPECTED) == set(LEXICON)


def test_each_respelling_reads_as_expected_and_differs_from_the_misreading(
    misread: dict[str, str],
) -> None:
    respellings = list(LEXICON.values())
    read = dict(zip(LEXICON, phonemize(respellings), strict=True))
    for word in LEXICON:
        assert read[word] == EXPECTED[word], word
        assert misread[word] != EXPECTED[word], f"{word} needs no respelling"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Til de linkerarm op.", "Til de linker-arm op."),
        ("Achterover kantelen.", "Achter-over kantelen."),
        ("het SI-gewricht", "het es-ie-gewricht"),
        ("het S1-gewricht", "het es-ie-gewricht"),
        ("de linkerarmen", "de linkerarmen"),  # only whole words
        ("naar het plafond", "naar het pla-fond"),
    ],
)
def test_the_lexicon_is_applied_to_whole_words(text: str, spoken: str) -> None:
    assert speakable(text) == spoken
    if not any(typo in text for typo in TYPOS):
        assert written_forms(spoken) == text


def _every_line(program: Program) -> list[str]:
    """Every distinct line of the built-in program: every exercise chosen, one set, and with a
    selection (phase 2 is built only with a choice)."""
    variants = [
        apply_overrides(program, Overrides(select_all=True)),
        apply_overrides(program, Overrides(sets=1, rest_s=20)),
        apply_overrides(program, Overrides(selection=(5, 8))),
    ]
    return list(dict.fromkeys(t for v in variants for t in distinct_texts(write_scripts(v))))


def test_no_line_of_the_built_in_program_holds_a_known_misreading(
    program: Program, misread: dict[str, str]
) -> None:
    lines = _every_line(program)
    assert len(lines) > 60
    for line, phonemes in zip(lines, phonemize(lines), strict=True):
        for word, wrong in misread.items():
            assert wrong not in phonemes, f"{word!r} misread in {line!r}: {phonemes}"
        assert "(en)" not in phonemes, f"espeak-ng switched to English in {line!r}"
        assert "ɪːrˌ" not in phonemes, f"an '-er-' compound read as 'eer' in {line!r}"
