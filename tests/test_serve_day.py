"""``audiocoach serve`` through a practice's day: patients never mixed up, every setting of a
patient file kept, pages that answer while the speech process works, the practice's settings
kept, and the routes an attacker would try (issue 24)."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from audiocoach.folders import Bundle
from audiocoach.model.dosage import Overrides
from audiocoach.model.patient import resolve_plan
from audiocoach.serve.app import Server, create_app
from audiocoach.serve.form import check_form
from audiocoach.serve.worker import BuildRequest, run_build
from helpers import run_cli
from test_serve import BASE, build, choice_program, messages, token, wait

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

HOLD_S = 120
"""How long a test holds the speech process at most (it lets go as soon as it has checked)."""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve-day")
    choice_program(folder)
    (folder / "opnames").mkdir()
    return folder


@pytest.fixture(scope="module")
def client(out: Path) -> Iterator[TestClient]:
    with TestClient(create_app(out), base_url=BASE) as test_client:
        yield test_client


def server(client: TestClient) -> Server:
    found: Server = client.app.state.server  # type: ignore[attr-defined]
    return found


def form_fields(html: str) -> dict[str, Any]:
    """What a browser posts for the page's form as it stands (text, hidden, ticks, selects)."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    form = tree.find(".//form[@id='formulier']")
    assert form is not None
    fields: dict[str, Any] = {"kies": []}
    for field in form.iter("input"):
        name, kind = field.get("name"), field.get("type", "text")
        if kind == "checkbox":
            if field.get("checked") is not None:
                if name == "kies":
                    fields["kies"].append(field.get("value"))
                else:
                    fields[name] = field.get("value")
        elif name:
            fields[name] = field.get("value", "")
    for select in form.iter("select"):
        chosen = [o for o in select.iter("option") if o.get("selected") is not None]
        fields[select.get("name")] = (chosen or list(select.iter("option")))[0].get("value")
    return fields


def visible_text(html: str) -> str:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    for script in tree.iter("script"):
        script.text = ""
    return " ".join(tree.itertext())


def init_keys(tmp_path: Path, runner: CliRunner) -> set[str]:
    """Every key ``audiocoach init`` documents, commented out or not."""
    example = tmp_path / "voorbeeld.toml"
    assert run_cli(runner, "init", str(example)).exit_code == 0
    text = re.sub(r"(?m)^# (\w+ = )", r"\1", example.read_text(encoding="utf-8"))
    return set(tomllib.loads(text))


PATIENT = """\
program = "../klein.toml"
label = "R.T."
practice = "Praktijk Zuid"
voice = "{voice}"
rate = 140
voice_dir = "../opnames"
selection = [1]
phase = 1
tones = false

[dosage]
reps = 2
sets = 1
rest_s = 3

[exercises.1]
reps = 3
"""
"""A patient file with every key ``audiocoach init`` documents (the test checks it has)."""


@pytest.mark.slow
def test_open_build_save_keeps_every_setting(
    client: TestClient, out: Path, runner: CliRunner, tmp_path: Path
) -> None:
    voice = server(client).voices()[0][0][0]
    text = PATIENT.format(voice=voice)
    original = tomllib.loads(text)
    assert init_keys(tmp_path, runner) <= set(original)
    (out / "r-t").mkdir()
    (out / "r-t" / "patient.toml").write_text(text, encoding="utf-8")
    page = client.get("/", params={"patient": "r-t/patient.toml"})
    assert page.status_code == 200
    fields = form_fields(page.text)
    assert "tones" not in fields  # tones = false: the box is not ticked
    answer = client.post("/", data={**fields, "actie": "maak"}, follow_redirects=False)
    assert answer.status_code == 303, messages(answer.text)
    status = wait(client, answer.headers["location"])
    assert status["result"]["files"][0]["name"] == "fase-1a-begin.mp3"
    saved = tomllib.loads((out / "r-t" / "patient.toml").read_text(encoding="utf-8"))
    assert saved == original
    plan = resolve_plan(out / "r-t" / "patient.toml")
    assert plan.patient is not None
    assert plan.patient.voice_dir == out / "r-t" / "../opnames"


def test_a_piper_voice_is_kept_too(client: TestClient, out: Path) -> None:
    """Without piper-tts here, what would be saved is checked (a build needs the voice)."""
    model = out / "stemmen" / "nl_BE-test-medium.onnx"
    model.parent.mkdir(exist_ok=True)
    model.write_bytes(b"")
    text = PATIENT.format(voice=model)
    (out / "p-v").mkdir()
    (out / "p-v" / "patient.toml").write_text(text, encoding="utf-8")
    page = client.get("/", params={"patient": "p-v/patient.toml"}).text
    assert "Piper-stem nl_BE-test-medium.onnx" in page
    assert str(out) not in visible_text(page)
    fields = form_fields(page)
    chosen = fields.pop("kies")
    state = check_form(fields, chosen, out, [])
    assert state.errors == {}
    assert state.checked is not None
    assert dict(state.checked.data) == tomllib.loads(text)


def test_every_exercise_chosen_stays_all(client: TestClient, out: Path) -> None:
    """``selection = "all"`` opens with "Alle oefeningen" ticked and is saved as "all" again,
    not as today's list (issue 21: all of them, said on purpose)."""
    voice = server(client).voices()[0][0][0]
    text = PATIENT.format(voice=voice).replace("selection = [1]", 'selection = "all"')
    (out / "a-l").mkdir()
    (out / "a-l" / "patient.toml").write_text(text, encoding="utf-8")
    page = client.get("/", params={"patient": "a-l/patient.toml"})
    assert page.status_code == 200
    fields = form_fields(page.text)
    chosen = fields.pop("kies")
    assert chosen == ["alle"]
    state = check_form(fields, chosen, out, [voice])
    assert state.errors == {}
    assert state.checked is not None
    assert dict(state.checked.data) == tomllib.loads(text)
    assert tomllib.loads(state.checked.patient_toml)["selection"] == "all"


@pytest.mark.slow
def test_same_initials_ask_before_anything_is_replaced(client: TestClient, out: Path) -> None:
    first = build(client, label="J.d.V.", program="klein.toml", reps="2", sets="1")
    folder = out / "j-d-v"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    data = {"csrf": token(client), "actie": "maak", "tones": "aan", "kies": ["1"]}
    other = {**data, "label": "J.D.V.", "program": "klein.toml", "reps": "4", "sets": "1"}
    asked = client.post("/", data=other, follow_redirects=False)
    assert asked.status_code == 409
    assert 'id="vraag"' in asked.text
    assert "J.d.V." in asked.text
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    both = client.post("/", data={**other, "bestaat": "nieuw"}, follow_redirects=False)
    assert both.status_code == 303
    wait(client, both.headers["location"])
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    second = resolve_plan(out / "j-d-v-2" / "patient.toml")
    assert second.label == "J.D.V."
    assert second.program.exercise(1).dosage.reps == 4
    replaced = client.post("/", data={**other, "bestaat": "vervang"}, follow_redirects=False)
    wait(client, replaced.headers["location"])
    assert resolve_plan(folder / "patient.toml").label == "J.D.V."
    assert first["result"]["files"]


@pytest.mark.parametrize("labels", [("Ω.Δ.", "Ψ.Φ."), ("Ø.K.", "K."), ("Я.Б.", "Ж.Д.")])
def test_initials_without_ascii_letters_get_their_own_folders(
    out: Path, labels: tuple[str, str]
) -> None:
    folders = []
    for label in labels:
        state = check_form({"label": label, "program": "klein.toml"}, ["1"], out, [])
        assert state.errors == {}
        assert state.checked is not None
        folders.append(state.checked.folder)
    assert folders[0] != folders[1]
    assert all(f and "/" not in f and not f.startswith(".") for f in folders)


@pytest.mark.slow
@pytest.mark.parametrize("refusal", ["over three hours", "folder busy"])
def test_a_refused_build_leaves_the_patient_file_as_it_was(
    client: TestClient, out: Path, refusal: str
) -> None:
    build(client, label="W.B.", program="klein.toml", reps="2", sets="1", bestaat="vervang")
    patient = out / "w-b" / "patient.toml"
    before = patient.read_bytes()
    data = {"csrf": token(client), "actie": "maak", "tones": "aan", "kies": ["1"]}
    data.update(label="W.B.", program="klein.toml", opened="w-b")
    if refusal == "over three hours":
        # The card's phase 1 at the most of every number lasts over three hours.
        data.update(program="", reps="50", sets="10", rest="300", kies=[])
        held = None
    else:
        data.update(reps="3", sets="1")
        held = Bundle(out / "w-b")  # what a build from the command line holds
    try:
        answer = client.post("/", data=data, follow_redirects=False)
        if refusal == "over three hours":  # refused where the plan is made: no build queued
            assert answer.status_code == 400
            error = next(e for e in messages(answer.text).values() if "3 uur" in e)
        else:
            assert answer.status_code == 303
            status = client.get(f"{answer.headers['location']}/status").json()
            while not status["finished"]:
                status = client.get(f"{answer.headers['location']}/status").json()
            error = status["error"]
    finally:
        if held is not None:
            held.discard()
    assert error in (
        "Een sessie zou langer dan 3 uur duren: kies minder herhalingen, series of rust.",
        "In de map van deze patiënt wordt al audio gemaakt; wacht tot dat klaar is en "
        "probeer het opnieuw.",
    )
    assert str(out) not in error
    assert patient.read_bytes() == before


@pytest.mark.slow
def test_pages_answer_while_the_speech_process_is_held(client: TestClient, out: Path) -> None:
    """A build whose progress the test holds keeps the speech process busy: the start page,
    a progress poll and a preview answer before it ends, the preview saying it waits."""
    started, release = threading.Event(), threading.Event()

    def hold(_percent: int, _what: str) -> None:
        started.set()
        release.wait(HOLD_S)

    plan = resolve_plan(program_file=out / "klein.toml", overrides=Overrides(selection=(1,)))
    request = BuildRequest(plan, out / "vast", "", 'label = "V.S."\n', "V.S.")
    held = server(client).worker.submit(run_build, request, hold)
    try:
        assert started.wait(HOLD_S)
        assert client.get("/").status_code == 200
        queued = build_later(client)
        poll = client.get(f"{queued}/status")
        assert poll.status_code == 200
        assert not poll.json()["finished"]
        form = {"csrf": token(client), "label": "A.B.", "program": "klein.toml", "kies": ["1"]}
        preview = client.post("/voorbeeld", data=form)
        assert preview.status_code == 200
        assert preview.json()["waiting"]
        assert "In de wachtrij" in preview.json()["html"]
        page = client.post("/", data={**form, "actie": "bekijk"})
        assert page.status_code == 200
        assert "In de wachtrij" in page.text
        assert not held.done()
    finally:
        release.set()
    held.result(HOLD_S)
    wait(client, queued)


def build_later(client: TestClient) -> str:
    data = {"csrf": token(client), "actie": "maak", "tones": "aan", "kies": ["1"]}
    data.update(label="Q.W.", program="klein.toml", reps="1", sets="1")
    answer = client.post("/", data=data, follow_redirects=False)
    assert answer.status_code == 303
    location: str = answer.headers["location"]
    return location


@pytest.mark.slow
def test_the_start_page_lists_the_patients_to_reopen(client: TestClient, out: Path) -> None:
    build(client, label="L.P.", program="klein.toml", reps="2", sets="1", **{"kies": ["1"]})
    page = client.get("/").text
    links = dict(re.findall(r'href="(/\?patient=[^"]+)">Openen ([^<]+)</a>', page))
    assert links["/?patient=l-p/patient.toml"] == "L.P."
    opened = client.get("/?patient=l-p/patient.toml")
    assert form_fields(opened.text)["label"] == "L.P."
    assert form_fields(opened.text)["kies"] == ["1"]


@pytest.mark.slow  # two servers, each with its speech process
def test_practice_settings_are_kept_across_a_restart(tmp_path: Path) -> None:
    out = tmp_path / "uit"
    with TestClient(create_app(out), base_url=BASE) as first:
        answer = first.post(
            "/praktijk",
            data={"csrf": token(first), "naam": "Praktijk Oost", "webadres": "https://oost.nl/a"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        bad = first.post("/praktijk", data={"csrf": token(first), "webadres": "ftp://x y"})
        assert bad.status_code == 400
        assert messages(bad.text) == {
            "webadres": "Webadres: een adres zoals https://praktijk.nl/audio/ (https, zonder "
            "spaties)."
        }
    with TestClient(create_app(out), base_url=BASE) as again:
        page = again.get("/praktijk").text
        assert 'value="Praktijk Oost"' in page
        assert 'value="https://oost.nl/a/"' in page
        assert form_fields(again.get("/").text)["practice"] == "Praktijk Oost"


@pytest.mark.slow
def test_no_page_shows_a_path_or_a_command(client: TestClient, out: Path) -> None:
    status = build(client, label="N.P.", program="klein.toml", reps="1", sets="1")
    bad = {"csrf": token(client), "label": "N.P.", "reps": "0", "actie": "maak"}
    pages = [
        client.get("/").text,
        client.get(status["location"]).text,
        client.get("/praktijk").text,
        client.get("/uit/geen.mp3").text,
        client.get("/?patient=klein.toml").text,
        client.post("/", data=bad).text,
    ]
    for page in pages:
        shown = visible_text(page)
        assert str(out) not in shown
        assert "/tmp" not in shown
        assert "audiocoach build" not in shown
        assert "--" not in shown, shown[:2000]
    result = pages[1]
    for text in ("De pagina voor de patiënt", "Download alles", "Afdrukken"):
        assert text in result
