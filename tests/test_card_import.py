"""`audiocoach import` on the card itself: its draft against the built-in program, field by field.

The built-in program is the card read by hand (docs/design.md, "Reading the card"). The draft
must give the same exercises, phases, reps, sets, rests and hold; every other difference is
listed here, each a value the draft marks "check:" (a guess where the card is silent) or one
of the card's known quirks. Compared: the program's title, subtitle, times a day; each phase's
number, title, exercises and fixed ones; each exercise's number, title, pattern and the
numbers its pattern uses. Not compared but required to be marked wherever they differ: the
spoken name, cues, time to move, starting position (the card gives none of them, and the
built-in program's may change without the card changing).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from audiocoach.dutch_words import said_in_full
from audiocoach.model.card.draft import program_toml
from audiocoach.model.card.file import import_card
from audiocoach.model.card.text import CardDraft
from audiocoach.model.program import Exercise, Program
from audiocoach.model.program_file import builtin_program_path, load_program, program_from_dict
from audiocoach.pipeline.session import distinct_texts, write_scripts
from audiocoach.script.dutch import unspeakable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DATA = Path(__file__).parent / "data"
CARD = DATA / "si-gewricht-lage-rug.txt"
SHARED_CARD = [
    folder / "shared" / "card" / CARD.name
    for folder in Path(__file__).resolve().parents
    if (folder / "shared" / "card" / CARD.name).is_file()
]


def card_text() -> str:
    return CARD.read_text(encoding="utf-8")


def line_of(text: str) -> int:
    """The card's line (1 is the first) that holds ``text``, as an editor shows it."""
    for number, line in enumerate(card_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"the card has no line with {text!r}")


def test_the_copy_is_the_card() -> None:
    """tests/data holds the card as ../shared/card has it, so the tests run anywhere."""
    for shared in SHARED_CARD:
        assert shared.read_bytes() == CARD.read_bytes()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[CardDraft, Path]:
    out = tmp_path_factory.mktemp("import") / "mijn-kaart.toml"
    made = import_card(CARD, out)
    return made.draft, out


@pytest.fixture(scope="module")
def drafted(imported: tuple[CardDraft, Path]) -> Program:
    """The draft as audiocoach loads it from the file it wrote."""
    return load_program(imported[1])


def counted_fields(exercise: Exercise) -> dict[str, Any]:
    """The dosage numbers that mean something for the exercise's pattern."""
    dosage = exercise.dosage
    fields: dict[str, Any] = {"pattern": dosage.pattern}
    if dosage.pattern != "advice":
        fields |= {"sets": dosage.sets, "rest_s": dosage.rest_s}
    if dosage.pattern == "hold":
        fields["hold_s"] = dosage.hold_s
    elif dosage.pattern != "advice":
        fields["reps"] = dosage.reps
    return fields


def compared(program: Program) -> dict[str, Any]:
    """Every compared field by name: "program.title", "phase 2.fixed", "exercise 7.reps"."""
    fields: dict[str, Any] = {
        "program.title": program.title,
        "program.subtitle": program.subtitle,
        "program.source": program.source,
        "program.times_per_day": program.times_per_day,
        "program.exercises": [e.number for e in program.exercises],
    }
    for phase in program.phases:
        for name in ("title", "exercises", "fixed"):
            fields[f"phase {phase.number}.{name}"] = getattr(phase, name)
    for exercise in program.exercises:
        fields[f"exercise {exercise.number}.title"] = exercise.title
        for name, value in counted_fields(exercise).items():
            fields[f"exercise {exercise.number}.{name}"] = value
    return fields


KNOWN_DIFFERENCES = {
    "program.source": "the card writes it in capitals and quotes, without the comma",
}
"""Every compared field in which the draft differs from the built-in program, and why."""


def test_the_draft_has_the_builtin_exercises_phases_and_dosage(drafted: Program) -> None:
    draft, builtin = compared(drafted), compared(load_program())
    assert draft.keys() == builtin.keys()
    differing = {key for key in draft if draft[key] != builtin[key]}
    assert differing == set(KNOWN_DIFFERENCES), {k: (draft[k], builtin[k]) for k in differing}
    assert drafted.source.casefold() == "amica manu sportmedisch gezien"


GUESSED = ("name", "cues", "move_s", "position")


def test_every_value_the_card_does_not_give_is_marked(
    imported: tuple[CardDraft, Path], drafted: Program
) -> None:
    """The guesses are marked at every exercise; where the built-in program chose otherwise,
    the mark is at the value the therapist must change."""
    draft, path = imported
    builtin = load_program()
    marked = {(f.exercise, f.field) for f in draft.findings if f.kind == "guess"}
    differing = set()
    for exercise in drafted.exercises:
        mine, theirs = exercise, builtin.exercise(exercise.number)
        values = {
            "name": (mine.name, theirs.name),
            "cues": (mine.dosage.cues, theirs.dosage.cues),
            "move_s": (mine.dosage.move_s, theirs.dosage.move_s),
            "position": (mine.position, theirs.position),
        }
        for field, (ours, built_in) in values.items():
            applies = field not in ("cues", "move_s") or mine.dosage.pattern not in (
                "advice",
                "hold",
            )
            if field == "cues":
                applies = bool(mine.dosage.cues)
            if field == "position":
                applies = mine.dosage.pattern != "advice"
            if applies:
                assert (exercise.number, field) in marked, (exercise.number, field)
            if ours != built_in:
                differing.add((exercise.number, field))
    assert differing <= marked, differing - marked
    assert differing, "the draft guessed every name, cue and position as the built-in: suspicious"
    text = path.read_text(encoding="utf-8")
    assert text.count("# check:") >= len(marked)
    assert 'name = "Mobiliseren van het SI-gewricht, oefening twee" # check:' in text


def test_the_cards_quirks_are_findings(imported: tuple[CardDraft, Path]) -> None:
    """Rows 5 and 6 swapped, "S1-gewricht", "Afb. 5": each named at its line; nothing of
    "bijlage" (in a paragraph no program field holds) reaches the draft."""
    draft, path = imported
    found: dict[tuple[str, int, int | None], str] = {}
    for f in draft.findings:
        found[(f.kind, f.line, f.exercise)] = found.get((f.kind, f.line, f.exercise), "") + f.text
    s1 = found[("check", line_of("Oef. 4. mobiliseren van het S1-gewricht"), 4)]
    assert "'S1-gewricht' read as 'SI-gewricht'" in s1
    afb = found[("check", line_of("Afb. 5. mobiliseren"), 5)]
    assert "'Afb. 5. mobiliseren van het SI-gewricht' read as exercise 5" in afb
    assert "'Als oefening vier': write it out in full" in afb
    for exercise, row in ((5, "5 aantal: 10x hol en bol"), (6, "6 aantal: beide benen 10x")):
        swapped = found[("check", line_of(row), exercise)]
        assert "rows for 5 and 6 may be swapped" in swapped
    assert not [f for f in draft.findings if f.kind == "unread"]
    assert "bijlage" not in path.read_text(encoding="utf-8")
    assert "S1" not in load_program(path).exercise(4).title


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold()))


def card_description(number: int) -> str:
    """The card's own text of one exercise, from its heading to the next."""
    blocks = re.split(r"^(?:Oef|Afb)\. (\d+)\.", card_text(), flags=re.M)
    return dict(zip(blocks[1::2], blocks[2::2], strict=True))[str(number)]


WRITTEN_OUT = {"met", "andere", "woorden", "vier"}
"""The words the draft says for the card's "M.a.w." (3) and "4" (5)."""


def test_the_instructions_are_the_cards_words_as_spoken(drafted: Program) -> None:
    """Each instruction is its own description, every word of it and nothing else but the
    abbreviations written out; the built-in program rewrote them in short sentences, and the
    instruction nearest each (by words) is the built-in one of the same exercise."""
    builtin = load_program()
    for exercise in drafted.exercises:
        said, card = words(exercise.instruction), words(card_description(exercise.number))
        assert said - card <= WRITTEN_OUT, exercise.number
        assert card - said - words(exercise.title) <= {"m", "a", "w", "s"}  # M.a.w., S1
        assert unspeakable(exercise.instruction) == [], exercise.number

        def overlap(other: Exercise, said: set[str] = said) -> float:
            return len(said & words(other.instruction)) / len(said | words(other.instruction))

        nearest = max(builtin.exercises, key=overlap)
        assert nearest.number == exercise.number


def test_the_draft_is_spoken_as_any_program(drafted: Program) -> None:
    """The script writer, which refuses a digit, a symbol or an abbreviation in any line,
    scripts every phase of the draft."""
    texts = distinct_texts(write_scripts(drafted))
    assert any("Met andere woorden, duw de benen één voor één van u af." in t for t in texts)
    assert not [t for t in texts if unspeakable(t)]


def test_the_draft_is_tomlkit_toml_with_its_comments(imported: tuple[CardDraft, Path]) -> None:
    text = imported[1].read_text(encoding="utf-8")
    assert text.startswith("# A program drafted by 'audiocoach import' from si-gewricht-lage-rug")
    data = tomllib.loads(text)
    assert [e["number"] for e in data["exercises"]] == list(range(1, 12))
    assert data["exercises"][10]["dosage"] == {
        "pattern": "hold",
        "sets": 3,
        "rest_s": 15,
        "hold_s": 12,
    }


SAID: list[tuple[str, str]] = [
    ("M.a.w. duw de benen van u af.", "Met andere woorden, duw de benen van u af."),
    ("Oefening 1 t/m 4", "Oefening één tot en met vier"),
    ("daarna ± 15 sec. rust", "daarna ongeveer vijftien seconden rust"),
    ("beide zijden 10x / daarna", "beide zijden tien keer, daarna"),
    ("duur: 10-12 sec./ daarna", "duur: tien tot twaalf seconden, daarna"),
    ("behandelaar/ begeleider", "behandelaar of begeleider"),
    ("het dijbeen en/of de enkel", "het dijbeen of de enkel"),
    ("oefening 7 + 8", "oefening zeven en acht"),
    ("Zie afb. 3, bijv. ca. 5 min.", "Zie afbeelding drie, bijvoorbeeld ongeveer vijf minuten"),
    ("doe dit 3 keer*", "doe dit drie keer"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "said"), SAID, ids=[s[0] for s in SAID])
def test_a_cards_text_is_said_in_full(written: str, said: str) -> None:
    assert said_in_full(written) == said
    assert unspeakable(said) == []


def test_any_program_is_written_as_it_loads() -> None:
    """The writer of drafts writes every field of a program: the built-in card, written and
    read back, is the built-in card (a field added to the program and not written fails here)."""
    builtin = load_program()
    raw = tomllib.loads(builtin_program_path().read_text(encoding="utf-8"))
    aims = {e["number"]: e["aim"] for e in raw["exercises"] if "aim" in e}
    text = program_toml(builtin, aims)
    assert program_from_dict(tomllib.loads(text)) == builtin
    assert [e.get("aim") for e in tomllib.loads(text)["exercises"]] == [
        e.get("aim") for e in raw["exercises"]
    ]
