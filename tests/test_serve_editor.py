"""The program editor of ``audiocoach serve`` through the app: each field checked with a Dutch
sentence at it, a program saved as a file the patient form offers, and nothing a patient uses
changed under them (issue 25)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any, get_args

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from audiocoach.model.patterns import PATTERNS
from audiocoach.model.program import Position, Program
from audiocoach.model.program_file import builtin_program_path, load_program
from audiocoach.serve.app import create_app
from audiocoach.serve.editor_fields import PLAIN_PATTERNS, PLAIN_POSITIONS, program_values
from test_serve import choice_program

BASE = "http://127.0.0.1:8017"

TWO_EXERCISES = {
    "title": "Knie thuis",
    "subtitle": "Na de operatie",
    "times_fewest": "1",
    "times_most": "2",
    "exercise_slots": "2",
    "phase_slots": "1",
    "e1-number": "1",
    "e1-name": "Knie buigen",
    "e1-title": "Buigen van de knie",
    "e1-instruction": "Ga op de rug liggen.\nBuig de knie en strek hem weer.",
    "e1-position": "rug",
    "e1-pattern": "parts",
    "e1-reps": "2",
    "e1-sets": "1",
    "e1-rest_s": "3",
    "e1-cues": "links, rechts",
    "e1-move_s": "2,5",
    "e2-number": "2",
    "e2-name": "Bekken optillen",
    "e2-title": "Versterken van de bilspieren",
    "e2-instruction": "Til het bekken op en houd het stil.",
    "e2-position": "rug",
    "e2-pattern": "hold",
    "e2-sets": "1",
    "e2-rest_s": "3",
    "e2-hold_s": "4",
    "f1-title": "Thuis",
    "f1-exercises": "1, 2",
    "f1-chosen": "",
}
"""A program typed into the editor: one exercise counted with sides, one held."""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("editor-out")
    choice_program(folder)  # its one exercise left to the therapist, as in test_serve
    return folder


@pytest.fixture(scope="module")
def client(out: Path) -> Iterator[TestClient]:
    """The app, once its speech process has listed the voices: until then a preview shows
    "waiting" (and the page asks again), which on a loaded machine lasted into a test."""
    with TestClient(create_app(out), base_url=BASE) as test_client:
        assert isinstance(test_client.app, Starlette)
        test_client.app.state.server.voices()
        yield test_client


def token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/programma?van=leeg").text)
    assert found
    return found[1]


def messages(html: str) -> dict[str, str]:
    found = re.findall(r'<p class="error" id="fout-([\w-]+)"[^>]*>([^<]+)</p>', html)
    return {name: unescape(text) for name, text in found}


def post(client: TestClient, values: dict[str, str], action: str = "bekijk") -> Any:
    data = {"csrf": token(client), "actie": action, **values}
    return client.post("/programma", data=data, follow_redirects=False)


def test_every_pattern_and_position_has_plain_words() -> None:
    assert set(PLAIN_PATTERNS) == set(PATTERNS)
    assert set(PLAIN_POSITIONS) == {"", *get_args(Position)}
    assert list(PLAIN_PATTERNS.values()) == [
        "alleen uitleg",
        "herhalingen tellen",
        "herhalingen met links en rechts",
        "om en om",
        "vasthouden",
    ]


WRONG: list[tuple[dict[str, str], str, str]] = [
    ({"title": ""}, "title", "Titel van het programma: vul dit veld in."),
    (
        {"subtitle": "Na\x07de operatie"},
        "subtitle",
        "Ondertitel: gewone tekst zonder stuurtekens, hoogstens 2000 tekens.",
    ),
    (
        {"source": "x" * 2001},
        "source",
        "Bron (van de kaart): gewone tekst zonder stuurtekens, hoogstens 2000 tekens.",
    ),
    ({"times_fewest": "0"}, "times_fewest", "Keer per dag, minstens: kies een getal van 1 tot 12."),
    ({"times_most": "13"}, "times_most", "Keer per dag, hoogstens: kies een getal van 1 tot 12."),
    (
        {"times_fewest": "3", "times_most": "2"},
        "times_most",
        "Keer per dag, hoogstens: niet minder dan minstens.",
    ),
    (
        {"notes": "Goed zo.\nNog\x01een"},
        "notes",
        "Zinnen bij begin en einde: gewone tekst zonder stuurtekens, hoogstens 2000 tekens.",
    ),
    ({"f1-title": ""}, "f1-title", "Titel van de fase (fase 1): vul dit veld in."),
    (
        {"f1-about": "de\x07opbouw"},
        "f1-about",
        "Wat deze fase is (gesproken) (fase 1): gewone tekst zonder stuurtekens, hoogstens "
        "2000 tekens.",
    ),
    (
        {"f1-brief": "1, een"},
        "f1-brief",
        "Adviezen hier in één zin (fase 1): nummers van oefeningen met komma's, elk één keer.",
    ),
    (
        {"f1-closing": "Blijf\x01oefenen."},
        "f1-closing",
        "Wat de kaart aan het eind zegt (fase 1): gewone tekst zonder stuurtekens, hoogstens "
        "2000 tekens.",
    ),
    (
        {"e1-starting_position": "Op de\x07rug."},
        "e1-starting_position",
        "Beginhouding in de woorden van de kaart (oefening 1): gewone tekst zonder stuurtekens, "
        "hoogstens 2000 tekens.",
    ),
    (
        {"e1-verb": "loopt\x07"},
        "e1-verb",
        "Wat de patiënt doet bij vasthouden (oefening 1): gewone tekst zonder stuurtekens, "
        "hoogstens 2000 tekens.",
    ),
    (
        {"f1-exercises": "1, 7"},
        "f1-exercises",
        "Oefeningen (nummers, in volgorde) (fase 1): oefening 7 staat niet in dit programma.",
    ),
    (
        {"f1-exercises": "1, een"},
        "f1-exercises",
        "Oefeningen (nummers, in volgorde) (fase 1): nummers van oefeningen met komma's, "
        "elk één keer.",
    ),
    (
        {"f1-chosen": "3"},
        "f1-chosen",
        "Waarvan de therapeut kiest (fase 1): alleen nummers die bij de oefeningen van "
        "deze fase staan.",
    ),
    (
        {"e1-number": "0"},
        "e1-number",
        "Nummer op de kaart (oefening 1): kies een getal van 1 tot 99.",
    ),
    (
        {"e2-number": "1"},
        "e2-number",
        "Nummer op de kaart (oefening 2): een andere oefening heeft dat nummer al.",
    ),
    ({"e1-name": ""}, "e1-name", "Korte naam (gesproken) (oefening 1): vul dit veld in."),
    (
        {"e2-name": "knie buigen"},
        "e2-name",
        "Korte naam (gesproken) (oefening 2): een andere oefening heet al zo; geef elke "
        "oefening een eigen naam.",
    ),
    ({"e1-title": ""}, "e1-title", "Titel op de kaart (oefening 1): vul dit veld in."),
    (
        {"e2-instruction": " "},
        "e2-instruction",
        "Uitleg zoals gesproken (oefening 2): vul dit veld in.",
    ),
    (
        {"e1-position": "zwemmen"},
        "e1-position",
        "Beginhouding (oefening 1): kies er een uit de lijst.",
    ),
    (
        {"e1-pattern": "dansen"},
        "e1-pattern",
        "Hoe het gedoseerd wordt (oefening 1): kies er een uit de lijst.",
    ),
    ({"e1-reps": "0"}, "e1-reps", "Herhalingen (oefening 1): kies een getal van 1 tot 50."),
    ({"e1-sets": "11"}, "e1-sets", "Series (oefening 1): kies een getal van 1 tot 10."),
    (
        {"e2-rest_s": "2,5"},
        "e2-rest_s",
        "Rust (seconden) (oefening 2): kies een getal van 0 tot 300.",
    ),
    (
        {"e2-hold_s": "121"},
        "e2-hold_s",
        "Vasthouden (seconden) (oefening 2): kies een getal van 1 tot 120.",
    ),
    (
        {"e1-cues": "links"},
        "e1-cues",
        "Woorden bij elke herhaling (oefening 1): 2 tot 6 woorden met komma's ertussen, "
        "zoals links, rechts (elk hoogstens 40 tekens).",
    ),
    (
        {"e1-move_s": "0,2"},
        "e1-move_s",
        "Tijd om te bewegen (seconden) (oefening 1): kies een getal van 0,5 tot 30, zoals 2,5.",
    ),
    (
        {"e1-move_s": "31"},
        "e1-move_s",
        "Tijd om te bewegen (seconden) (oefening 1): kies een getal van 0,5 tot 30, zoals 2,5.",
    ),
]
"""Each field of the editor: a wrong value and the sentence at that field (and at no other)."""


@pytest.mark.parametrize(("change", "field", "sentence"), WRONG, ids=[w[1] for w in WRONG])
def test_a_wrong_value_gets_a_dutch_sentence_at_its_field(
    client: TestClient, change: dict[str, str], field: str, sentence: str
) -> None:
    answer = post(client, {**TWO_EXERCISES, **change})
    assert answer.status_code == 400
    assert messages(answer.text) == {field: sentence}
    assert f'id="{field}"' in answer.text  # the field the sentence is at


def test_the_table_names_every_field_of_the_editor(client: TestClient) -> None:
    page = client.get("/programma?van=leeg").text
    fields = set(re.findall(r'<(?:input type="text"|select|textarea) id="([\w-]+)"', page))
    tested = {w[1].replace("e2-", "e1-") for w in WRONG}
    assert fields - {"file", "kaart"} == tested  # both tested on their own below


def test_a_file_name_is_checked_before_saving(client: TestClient, out: Path) -> None:
    before = sorted(p.name for p in out.iterdir())
    answer = post(client, {**TWO_EXERCISES, "file": "Mijn kaart!"}, "opslaan")
    assert answer.status_code == 400
    assert messages(answer.text) == {
        "file": "Bestandsnaam: alleen kleine letters, cijfers en streepjes, zoals knie-thuis "
        "(hoogstens 60 tekens)."
    }
    own = post(client, {**TWO_EXERCISES, "file": "praktijk"}, "opslaan")  # the practice's file
    assert messages(own.text) == {
        "file": "Bestandsnaam: die naam gebruikt audiocoach zelf; kies een andere naam."
    }
    taken = post(client, {**TWO_EXERCISES, "file": "klein"}, "opslaan")
    assert taken.status_code == 409
    assert "er staat al een programma met die naam" in messages(taken.text)["file"]
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_saved_program_is_what_was_typed_and_the_form_offers_it(
    client: TestClient, out: Path
) -> None:
    answer = post(client, {**TWO_EXERCISES, "file": "knie-thuis"}, "opslaan")
    assert answer.status_code == 303, messages(answer.text)
    saved = load_program(out / "knie-thuis.toml")
    assert saved.title == "Knie thuis"
    assert saved.times_per_day == (1, 2)
    first, second = saved.exercises
    assert (first.name, first.position, first.dosage.pattern) == ("Knie buigen", "rug", "parts")
    assert (first.dosage.reps, first.dosage.sets, first.dosage.rest_s) == (2, 1, 3)
    assert (first.dosage.cues, first.dosage.move_s) == (("links", "rechts"), 2.5)
    assert first.instruction == "Ga op de rug liggen. Buig de knie en strek hem weer."
    assert (second.dosage.pattern, second.dosage.hold_s, second.dosage.sets) == ("hold", 4, 1)
    assert [(p.title, p.exercises, p.fixed) for p in saved.phases] == [("Thuis", (1, 2), (1, 2))]
    assert "Programmabestand knie-thuis.toml" in client.get("/").text
    shown = client.get(answer.headers["location"]).text
    assert "Opgeslagen als knie-thuis.toml" in shown
    assert 'value="Knie buigen"' in shown  # opened again to change it


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_the_copy_of_the_card_changes_nothing_a_patient_uses(
    client: TestClient, out: Path, program: Program
) -> None:
    from test_serve import build

    build(client, label="K.L.", program="klein.toml", kies=["1"])
    builtin = builtin_program_path().read_bytes()
    before = digest(out)
    copy = program_values(program) | {"e9-reps": "8", "file": "mijn-kaart"}
    answer = post(client, copy, "opslaan")
    assert answer.status_code == 303, messages(answer.text)
    changed = load_program(out / "mijn-kaart.toml")
    assert changed.exercise(9).dosage.reps == 8
    assert changed.exercises[:8] == program.exercises[:8]
    assert changed.exercises[9:] == program.exercises[9:]
    assert (changed.phases, changed.notes) == (program.phases, program.notes)
    # The program a patient uses, changed: a new version; the patient's own stays as it was.
    small = program_values(load_program(out / "klein.toml"))
    small |= {"editing": "klein.toml", "file": "klein", "e1-name": "Anders genoemd"}
    answer = post(client, small, "opslaan")
    assert answer.status_code == 303, messages(answer.text)
    assert "opgeslagen=klein-2.toml" in answer.headers["location"]
    assert "versie=klein.toml" in answer.headers["location"]
    assert load_program(out / "klein-2.toml").exercises[0].name == "Anders genoemd"
    after = digest(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"mijn-kaart.toml", "klein-2.toml"}
    assert builtin_program_path().read_bytes() == builtin


def test_a_program_nobody_uses_is_changed_in_place(client: TestClient, out: Path) -> None:
    values = {**TWO_EXERCISES, "file": "los"}
    assert post(client, values, "opslaan").status_code == 303
    again = {**values, "editing": "los.toml", "title": "Los programma"}
    assert post(client, again, "opslaan").status_code == 303
    assert load_program(out / "los.toml").title == "Los programma"
    assert not (out / "los-2.toml").exists()
    other = {**again, "file": "los-kopie", "title": "Een kopie"}  # under another name
    assert post(client, other, "opslaan").status_code == 303
    assert load_program(out / "los-kopie.toml").title == "Een kopie"
    assert load_program(out / "los.toml").title == "Los programma"


def test_blocks_are_added_and_the_preview_shows_the_lengths(client: TestClient) -> None:
    page = post(client, {**TWO_EXERCISES}, "oefening").text
    assert 'id="e3-name"' in page
    assert 'id="e3-number" name="e3-number" value="3"' in page
    assert 'id="f2-title"' in post(client, {**TWO_EXERCISES}, "fase").text
    shown = post(client, {**TWO_EXERCISES, "exercise_slots": "3"})  # an empty block is left out
    assert shown.status_code == 200, messages(shown.text)
    assert "Zo lang duren de sessies" in shown.text
    assert "Knie buigen" in shown.text  # the script, as spoken


def test_a_pasted_card_fills_the_editor_with_its_guesses_marked(client: TestClient) -> None:
    from audiocoach.model.card.text import read_card
    from audiocoach.serve.editor import read_program
    from audiocoach.serve.editor_fields import draft_values
    from test_card_import import CARD

    text = CARD.read_text(encoding="utf-8")
    page = client.post("/programma", data={"csrf": token(client), "actie": "plak", "kaart": text})
    assert page.status_code == 200
    assert 'id="e11-title"' in page.text
    assert 'id="e12-title"' not in page.text
    assert 'id="gok-e2-name"' in page.text  # the card gives no spoken name
    assert messages(page.text) == {}
    values, _, errors = draft_values(text)
    edited = read_program(values)
    assert (errors, edited.errors) == ({}, {})
    assert edited.program is not None
    draft = read_card(text).program
    assert edited.program.exercises == draft.exercises
    assert edited.program.phases == draft.phases


def test_a_pasted_text_that_is_no_card_gets_one_sentence(client: TestClient) -> None:
    data = {"csrf": token(client), "actie": "plak", "kaart": "Boodschappen: brood, kaas."}
    page = client.post("/programma", data=data)
    assert page.status_code == 400
    assert messages(page.text) == {
        "kaart": "Plak de tekst van de kaart: dit is geen kaart in de vorm die audiocoach leest "
        "(een schema met 'PERIODE OEFENING UITVOERING', dan oefeningen met 'Oef. 1.')."
    }
