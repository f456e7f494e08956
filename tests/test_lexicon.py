"""Every word said right: one main stress, on the syllable a Dutch speaker stresses.

Checked with the bundled espeak-ng's own phonemizer (``espeak_TextToPhonemes``), which reads
the lexicon's ``[[...]]`` phoneme input as the voice does. The expectations are how the words
are said in Dutch (a compound on its first part, "plaFOND", "elKAAR", "SEErie"), written as
syllables with the stressed one in capitals; they come from the language, not from the lexicon.
"""

from __future__ import annotations

import itertools
import re
import sys

import pytest
from typer.testing import CliRunner

from audiocoach.model.dosage import Overrides, apply_overrides
from audiocoach.model.program import Program
from audiocoach.pipeline.session import distinct_texts, write_scripts
from audiocoach.script.dutch import LEXICON, speakable, written_forms
from audiocoach.script.writer import Templates
from helpers import preview_json, run_cli
from phonemes import phonemize

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the phonemizer loads the Linux library"
)

STRESS = {
    "SI-gewricht": "es-IE-ge-wricht",
    "SI-blokkade": "es-IE-blok-ka-de",
    "linkerarm": "LIN-ker-arm",
    "rechterarm": "RECH-ter-arm",
    "linkerbeen": "LIN-ker-been",
    "rechterbeen": "RECH-ter-been",
    "linkerknie": "LIN-ker-knie",
    "rechterknie": "RECH-ter-knie",
    "linkerschouder": "LIN-ker-schou-der",
    "rechterschouder": "RECH-ter-schou-der",
    "buikspieren": "BUIK-spie-ren",
    "herstelbevorderende": "her-STEL-be-vor-de-ren-de",
    "achterover": "ach-ter-O-ver",
    "plafond": "pla-FOND",
    "elkaar": "el-KAAR",
    "hetzelfde": "het-ZELF-de",
    "serie": "SE-rie",
    "series": "SE-ries",
    "periode": "pe-ri-O-de",
    "naar links": "naar LINKS",
    "naar rechts": "naar RECHTS",
}
"""Every lexicon word and the cue words beside them: syllables, the stressed one in capitals."""

VOWELS = set("aeiouyæɐɑɒɔəɘɛɜɪɵøœʉʊʌʏ")
NOT_SAID = {"SE-rie": "ɪː", "SE-ries": "ɪː", "pe-ri-O-de": "ɪː"}
"""The "ee" of "keer" before the r: wrong in these words."""


def _stress(ipa: str) -> tuple[int, int, int]:
    """(syllables, main stresses, syllable carrying the first main stress) of IPA phonemes:
    a syllable is a run of vowels (a long vowel or a diphthong is one); espeak-ng puts its
    stress marks right before the stressed vowel."""
    syllables, stresses, stressed, in_vowel = 0, 0, 0, False
    for char in ipa:
        if char in "ˈˌ":
            in_vowel = False
            if char == "ˈ":
                stresses += 1
                stressed = stressed or syllables + 1
        elif char in VOWELS:
            syllables += 0 if in_vowel else 1
            in_vowel = True
        elif char != "ː":
            in_vowel = False
    return syllables, stresses, stressed


def _expected(syllables: str) -> tuple[int, int, int]:
    parts = re.split(r"[- ]", syllables)
    (stressed,) = (i for i, part in enumerate(parts, 1) if part.isupper())
    return len(parts), 1, stressed


def test_the_lexicon_gives_espeak_phonemes_and_every_word_is_checked() -> None:
    assert set(LEXICON) <= set(STRESS)
    for word, said in LEXICON.items():
        assert re.fullmatch(r"\[\[[^\[\]]+\]\]", said), word


@pytest.fixture(scope="module")
def read() -> dict[str, str]:
    """How the voice reads each word: its spoken form (phoneme input or the plain word)."""
    words = list(STRESS)
    return dict(zip(words, phonemize([speakable(w) for w in words]), strict=True))


@pytest.mark.parametrize("word", list(STRESS))
def test_each_word_has_one_main_stress_on_the_right_syllable(
    word: str, read: dict[str, str]
) -> None:
    assert _stress(read[word]) == _expected(STRESS[word]), f"{word}: {read[word]}"
    if STRESS[word] in NOT_SAID:
        assert NOT_SAID[STRESS[word]] not in read[word], f"{word}: {read[word]}"


def _every_line(program: Program) -> list[str]:
    """Every distinct line of the built-in program, full and short: as it is, with one set,
    and with every selection of one, two, all but one and all of the exercises phase 2 leaves
    open. Every pair of exercises meets (what one says of the next), and lists of one, two and
    many are heard; a selection of three to five adds only the opening, its list of numbers
    another (all 127 selections gave 344 lines, these 36 give 162, the rest those openings)."""
    open_numbers = sorted(
        {n for phase in program.phases for n in phase.exercises if n not in phase.fixed}
    )
    variants = [program, apply_overrides(program, Overrides(dosage={"sets": 1, "rest_s": 20}))]
    for size in sorted({1, 2, len(open_numbers) - 1, len(open_numbers)}):
        for chosen in itertools.combinations(open_numbers, size):
            variants.append(apply_overrides(program, Overrides(selection=chosen)))
    templates = Templates()  # compiled once for all of them, as one build compiles them
    scripts = (write_scripts(v, templates=templates) for v in variants)
    return list(dict.fromkeys(t for found in scripts for t in distinct_texts(found)))


@pytest.fixture(scope="module")
def lines(program: Program) -> list[str]:
    return _every_line(program)


@pytest.mark.slow
def test_every_line_says_each_word_as_the_word_is_checked(
    lines: list[str], read: dict[str, str]
) -> None:
    """In every line holding a checked word, espeak-ng reads that word as checked above; and
    no line switches to English or reads an "-er-" compound as "eer"."""
    assert len(lines) > 60
    found: set[str] = set()
    for line, phonemes in zip(lines, phonemize(lines), strict=True):
        shown = written_forms(line)
        for word in STRESS:
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", shown, re.IGNORECASE):
                found.add(word)
                assert read[word] in phonemes, f"{word!r} in {line!r}: {phonemes}"
        assert "(en)" not in phonemes, f"espeak-ng switched to English in {line!r}"
        assert "ɪːrˌ" not in phonemes, f"an '-er-' compound read as 'eer' in {line!r}"
    assert {"plafond", "elkaar", "linkerarm", "serie", "series"} <= found


@pytest.mark.slow
def test_the_texts_people_read_show_the_written_words(lines: list[str]) -> None:
    for line in lines:
        shown = written_forms(line)
        assert "[[" not in shown, shown
        assert set(re.findall(r"\[\[[^\]]*\]\]", line)) <= set(LEXICON.values()), line
        assert speakable(shown) == line


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Til de linkerarm op.", "Til de [[l'INk@r,Arm]] op."),
        ("Achterover kantelen.", f"{LEXICON['achterover']} kantelen."),
        ("Kantel het bekken achterover.", f"Kantel het bekken {LEXICON['achterover']}."),
        ("het SI-gewricht", f"het {LEXICON['SI-gewricht']}"),
        ("de linkerarmen", "de linkerarmen"),  # only whole words
        ("Naar het plafond. Elkaar raken.", f"Naar het {LEXICON['plafond']}. "
         f"{LEXICON['elkaar']} raken."),
    ],
)  # fmt: skip
def test_the_lexicon_is_applied_to_whole_words_and_undone_for_reading(
    text: str, spoken: str
) -> None:
    assert speakable(text) == spoken
    assert written_forms(spoken) == text


def test_the_cards_typo_is_said_and_shown_corrected() -> None:
    assert written_forms(speakable("het S1-gewricht")) == "het SI-gewricht"


@pytest.mark.slow
def test_preview_json_keeps_what_espeak_is_given_and_preview_shows_words(
    runner: CliRunner,
) -> None:
    texts = [e["text"] for p in preview_json(runner)["phases"] for e in p["events"]]
    assert any(LEXICON["plafond"] in (t or "") for t in texts)
    shown = run_cli(runner, "preview", "--script")
    assert shown.exit_code == 0, shown.output
    assert "plafond" in shown.output
    assert "[[" not in shown.output
