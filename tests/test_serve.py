"""``audiocoach serve``: its routes through Starlette's test client, real speech and builds."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import html5lib
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from typer.testing import CliRunner

from audiocoach.model.patient import resolve_plan
from audiocoach.model.program import Program
from audiocoach.serve.app import Server, create_app
from helpers import TINY_PROGRAM, decode, preview_json, run_cli

BASE = "http://127.0.0.1:8017"
BUILD_DEADLINE_S = 300
CHOICE_PROGRAM = TINY_PROGRAM.replace("exercises = [1]\n", "exercises = [1]\nfixed = []\n")
"""The small program with its one exercise left to the therapist (``fixed = []``, issue 21)."""


def choice_program(folder: Path) -> Path:
    """``klein.toml``: the small program whose one exercise the therapist ticks."""
    path = folder / "klein.toml"
    path.write_text(CHOICE_PROGRAM, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's output folder, with a small program file in it to choose."""
    folder = tmp_path_factory.mktemp("serve-out")
    choice_program(folder)
    return folder


@pytest.fixture(scope="module")
def client(out: Path) -> Iterator[TestClient]:
    """The app as the browser on this computer reaches it (Host 127.0.0.1)."""
    with TestClient(create_app(out), base_url=BASE) as test_client:
        yield test_client


def token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found
    return found[1]


Form = dict[str, str | list[str]]  # a form as posted: a field's text, or the ticked boxes


def messages(html: str) -> dict[str, str]:
    """The messages next to the fields: field name -> sentence."""
    found = re.findall(r'<p class="error" id="fout-([\w-]+)"[^>]*>([^<]+)</p>', html)
    return {name: unescape(text) for name, text in found}


def cli_message(runner: CliRunner, tmp_path: Path, *args: str) -> str:
    """The sentence ``audiocoach build`` prints for these options (and that it built nothing)."""
    result = run_cli(runner, "build", "--out", str(tmp_path / "cli"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "cli").exists() or not any((tmp_path / "cli").glob("*.mp3"))
    message: str = result.stderr.strip().removeprefix("audiocoach: ")
    return message


def build(client: TestClient, **fields: Any) -> dict[str, Any]:
    """Press "Maak audio" with these fields and wait (bounded) until the build is done."""
    data = {"csrf": token(client), "actie": "maak", "tones": "aan", **fields}
    data.setdefault("kies", every_choice(data.get("program")))
    answer = client.post("/", data=data, follow_redirects=False)
    assert answer.status_code == 303, messages(answer.text)
    return {**wait(client, answer.headers["location"]), "location": answer.headers["location"]}


def every_choice(program: str | None) -> list[str]:
    """The ticks a build needs: the small program's one exercise; none on the card (no phase 2)."""
    return ["1"] if program == "klein.toml" else []


def wait(client: TestClient, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + BUILD_DEADLINE_S
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"{location}/status").json()
        if status["finished"]:
            assert status["error"] is None, status["error"]
            return status
        time.sleep(0.1)  # polling a local server with a deadline, not waiting for an event
    raise AssertionError(f"{location} did not finish in {BUILD_DEADLINE_S} s")


def test_the_page_has_every_field_with_its_label(client: TestClient, program: Program) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.text)
    labels = dict(re.findall(r'<label for="([\w-]+)">([^<]+)</label>', page.text))
    assert labels["label"] == "Initialen"
    assert labels["practice"] == "Praktijk"
    assert labels["program"] == "Programma"
    assert labels["reps"] == "Herhalingen"
    assert labels["sets"] == "Series"
    assert labels["rest"] == "Rust (seconden)"
    assert labels["hold"] == "Vasthouden (seconden)"
    assert labels["voice"] == "Stem"
    assert labels["tones"].startswith("Tonen")
    # Phase 2's choice, one checkbox per exercise with its name.
    assert labels["kies-5"] == f"Oefening 5: {program.exercise(5).name}"
    assert {f"kies-{n}" for n in range(5, 12)} <= set(labels)
    assert "kies-2" not in labels  # 2, 3 and 4 always stay
    # Per exercise, collapsed; only what applies (11 is held, 1 is advice).
    assert labels["oef-7-reps"] == "Herhalingen"
    assert labels["oef-11-hold_s"] == "Vasthouden (seconden)"
    assert "oef-11-reps" not in labels
    assert "oef-1-sets" not in labels
    assert '<details id="per-oefening">' in page.text
    assert "klein.toml" in page.text  # the program file in the output folder
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_a_foreign_host_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page elsewhere that resolves its own name to 127.0.0.1."""
    assert client.get("/", headers={"host": "evil.example:8017"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8017"}).status_code == 200


def test_a_post_without_the_token_is_refused_and_builds_nothing(
    client: TestClient, out: Path
) -> None:
    before = sorted(out.rglob("*"))
    fields = {"label": "X.Y.", "reps": "1", "sets": "1", "actie": "maak"}
    assert client.post("/", data=fields).status_code == 403
    assert client.post("/", data={**fields, "csrf": "wrong"}).status_code == 403
    assert client.post("/voorbeeld", data=fields).status_code == 403
    foreign = {"origin": "http://evil.example"}
    answer = client.post("/", data={**fields, "csrf": token(client)}, headers=foreign)
    assert answer.status_code == 403
    assert sorted(out.rglob("*")) == before


@pytest.mark.parametrize(
    "case",
    [
        ({"reps": "0"}, "reps", "Herhalingen: kies een getal van 1 tot 50."),
        ({"reps": "9" * 5000}, "reps", "Herhalingen: kies een getal van 1 tot 50."),
        ({"sets": "11"}, "sets", "Series: kies een getal van 1 tot 10."),
        ({"rest": "2.5"}, "rest", "Rust (seconden): kies een getal van 0 tot 300."),
        ({"hold": "121"}, "hold", "Vasthouden (seconden): kies een getal van 1 tot 120."),
        (
            {"rate": "20"},
            "rate",
            "Spreeksnelheid (woorden per minuut): kies een getal van 80 tot 300.",
        ),
        (
            {"oef-7-reps": "99", "kies": ["7"]},
            "oef-7-reps",
            "Herhalingen (oefening 7): kies een getal van 1 tot 50.",
        ),
        (
            {"kies": ["²"]},
            "selection",
            "Keuze van de oefeningen: kies alleen oefeningen uit de lijst.",
        ),
        (
            {"kies": ["5" * 5000]},
            "selection",
            "Keuze van de oefeningen: kies alleen oefeningen uit de lijst.",
        ),
        (
            {"kies": ["4"]},
            "selection",
            "Keuze van de oefeningen: kies alleen oefeningen uit de lijst.",
        ),
        (
            {"phase": "2"},
            "selection",
            "Keuze van de oefeningen: vink ten minste één oefening van fase 2 aan, of kies 'alle'.",
        ),
        ({"phase": "9"}, "phase", "Fasen: kies een fase uit de lijst."),
        ({"voice": "xx/none"}, "voice", "Stem: kies een stem uit de lijst."),
        (
            {"program": "../geheim.toml"},
            "program",
            "Programma: dat programmabestand staat niet in de uitvoermap.",
        ),
        (
            {"label": "Jan de Vries"},
            "label",
            "Initialen: alleen initialen, zoals J.d.V. (hoogstens 12 tekens), geen naam of "
            "geboortedatum.",
        ),
        ({"label": ""}, "label", "Initialen: vul de initialen van de patiënt in, zoals J.d.V."),
    ],
)
def test_a_bad_value_gets_a_dutch_sentence_naming_its_field_and_builds_nothing(
    client: TestClient, out: Path, case: tuple[dict[str, Any], str, str]
) -> None:
    fields, field, sentence = case
    before = sorted(out.rglob("*"))
    data = {"csrf": token(client), "actie": "maak", "label": "A.B.", **fields}
    answer = client.post("/", data=data, follow_redirects=False)
    assert answer.status_code == 400
    assert messages(answer.text) == {field: sentence}
    assert "--" not in answer.text.split("<script>")[0]
    assert f'id="{field}" name="{field}"' not in answer.text or 'aria-invalid="true"' in answer.text
    assert sorted(out.rglob("*")) == before


def test_the_preview_is_preview_json(client: TestClient, runner: CliRunner) -> None:
    """The lengths and time per day before building: what ``preview --json`` says."""
    data: Form = {"csrf": token(client), "reps": "2", "sets": "1", "phase": "1", "tones": "aan"}
    data["label"], data["kies"] = "A.B.", every_choice(None)
    answer = client.post("/voorbeeld", data=data)
    assert answer.status_code == 200
    shown = answer.json()
    assert shown["errors"] == {}
    expected = preview_json(runner, "--reps", "2", "--sets", "1", "--phase", "1")
    lengths = re.findall(r'<td class="lengte">([0-9:]+)</td>', shown["html"])
    assert len(lengths) == len(expected["phases"]) == 2
    for phase, length in zip(expected["phases"], lengths, strict=True):
        whole = round(phase["duration_s"])
        assert length == f"{whole // 60}:{whole % 60:02d}"
        assert phase["file"] in shown["html"]
    assert "3 tot 5 keer per dag" in shown["html"]
    assert "Welkom" in shown["html"]  # the script, to read
    bad = client.post("/voorbeeld", data={**data, "reps": "51"}).json()
    assert bad["html"] == ""
    assert bad["errors"] == {"reps": "Herhalingen: kies een getal van 1 tot 50."}


def test_a_long_session_gets_the_warning_preview_prints(
    client: TestClient, out: Path, runner: CliRunner
) -> None:
    """Ten sets with five minutes' rest: over 20 minutes. The page warns as ``preview`` does
    (issue 21), and a session of the program's own dosage gets no warning."""
    data: Form = {"csrf": token(client), "label": "L.S.", "program": "klein.toml", "tones": "aan"}
    data["kies"] = ["1"]
    long = client.post("/voorbeeld", data={**data, "sets": "10", "rest": "300"}).json()
    assert long["errors"] == {}
    dosage = ("--sets", "10", "--rest", "300")
    cli = run_cli(runner, "preview", "--program", str(out / "klein.toml"), "--select", "1", *dosage)
    assert cli.exit_code == 0, cli.output
    said = cli.stderr.strip().splitlines()
    assert said
    assert said[0].startswith("Let op, fase 1: ")
    shown = re.findall(r'<p class="warning">([^<]+)</p>', long["html"])
    assert [unescape(line) for line in shown] == said
    short = client.post("/voorbeeld", data=data).json()
    assert short["errors"] == {}
    assert "Zo lang duren de sessies" in short["html"]
    assert 'class="warning"' not in short["html"]


@pytest.mark.slow
def test_make_audio_links_mp3s_page_zip_and_patient_file(
    client: TestClient, out: Path, runner: CliRunner
) -> None:
    fields = {"practice": "Praktijk Noord", "program": "klein.toml", "oef-1-sets": "1"}
    status = build(client, label="K.L.", reps="2", **fields)
    folder = out / "k-l"
    result = status["result"]
    names = [f["name"] for f in result["files"]]
    assert names == ["fase-1a-begin.mp3", "fase-1b-begin-kort.mp3"]
    page = client.get(status["location"]).text
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    links = dict(re.findall(r'<a (?:id|class)="([\w]+)" href="([^"]+)"', page))
    assert links["zip"] == f"/uit/k-l/{result['zip']}"
    assert links["pagina"] == "/uit/k-l/index.html"
    assert re.findall(r'<audio controls preload="metadata" src="([^"]+)"', page) == [
        f"/uit/k-l/{name}" for name in names
    ]
    assert "Download alles" in page
    for item in result["files"]:
        served = client.get(f"/uit/k-l/{item['name']}")
        assert served.status_code == 200
        assert served.headers["content-type"] == "audio/mpeg"
        assert served.content == (folder / item["name"]).read_bytes()
        samples, rate = decode(folder / item["name"])
        assert abs(len(samples) / rate - item["duration_s"]) < 0.1
    part = client.get(f"/uit/k-l/{names[0]}", headers={"range": "bytes=0-99"})
    assert part.status_code == 206
    assert len(part.content) == 100
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/uit/k-l/{result['zip']}").content))
    inside = {name.removeprefix("k-l/") for name in archive.namelist()}
    assert {*names, "fase-1a-begin.vtt", "fase-1b-begin-kort.vtt", "index.html"} <= inside
    for name in inside:
        assert archive.read(f"k-l/{name}") == (folder / name).read_bytes()
    assert client.get("/uit/k-l/index.html").status_code == 200
    # The patient file makes the same audio from the command line: nothing to redo.
    patient = folder / result["patient"]
    assert client.get("/uit/k-l/patient.toml").text == patient.read_text(encoding="utf-8")
    plan = resolve_plan(patient)
    assert plan.program.exercise(1).dosage.reps == 2
    assert plan.program.exercise(1).dosage.sets == 1
    again = run_cli(runner, "build", str(patient), "--out", str(folder))
    assert again.exit_code == 0, again.output
    unchanged = [
        line
        for line in again.stdout.splitlines()
        if ".mp3  (" in line and line.endswith("  unchanged")
    ]
    assert len(unchanged) == 2
    assert "Nothing changed in " in again.stdout


@pytest.mark.slow
def test_a_saved_patient_file_opens_and_rebuilds_fast(client: TestClient, out: Path) -> None:
    build(client, label="M.N.", program="klein.toml", reps="3", sets="1")
    page = client.get("/", params={"patient": "m-n/patient.toml"})
    assert page.status_code == 200
    assert re.search(r'id="reps" name="reps" value="3"', page.text)
    assert re.search(r'id="sets" name="sets" value="1"', page.text)
    assert '<option value="klein.toml" selected>' in page.text
    assert '<input type="hidden" name="opened" value="m-n">' in page.text
    # The same values again, from the reopened form: the manifest keeps every file.
    again = build(client, label="M.N.", program="klein.toml", reps="3", sets="1", opened="m-n")
    assert all(item["kept"] for item in again["result"]["files"])
    changed = build(client, label="M.N.", program="klein.toml", reps="4", sets="1", opened="m-n")
    assert not any(item["kept"] for item in changed["result"]["files"])


@pytest.mark.slow
def test_two_builds_at_once_are_queued_not_mixed(client: TestClient, out: Path) -> None:
    data: Form = {"csrf": token(client), "actie": "maak", "tones": "aan", "program": "klein.toml"}
    data["kies"] = ["1"]
    first = client.post("/", data={**data, "label": "P.Q.", "reps": "5"}, follow_redirects=False)
    second = client.post("/", data={**data, "label": "R.S.", "reps": "6"}, follow_redirects=False)
    # The second waits or runs, or is done: its page says so in any case.
    page = client.get(second.headers["location"])
    assert page.status_code == 200
    assert "<progress" in page.text or 'id="klaar"' in page.text
    for answer in (first, second):
        wait(client, answer.headers["location"])
    # One build after the other: every file of the first was written before any of the second.
    one, two = ([p.stat().st_mtime_ns for p in (out / f).iterdir()] for f in ("p-q", "r-s"))
    assert max(one) <= min(two)
    assert resolve_plan(out / "p-q" / "patient.toml").program.exercise(1).dosage.reps == 5
    assert resolve_plan(out / "r-s" / "patient.toml").program.exercise(1).dosage.reps == 6


@pytest.mark.parametrize(
    "path",
    [
        "../outside.txt",
        "..%2Foutside.txt",
        "k-l/../../outside.txt",
        ".audiocoach-manifest.json",
        "k-l/.audiocoach-manifest.json",
        "link.txt",
        "absent.mp3",
    ],
)
def test_only_files_of_the_output_folder_are_served(
    client: TestClient, out: Path, path: str
) -> None:
    outside = out.parent / "outside.txt"
    outside.write_text("geheim", encoding="utf-8")
    link = out / "link.txt"
    if not link.is_symlink():
        link.symlink_to(outside)
    answer = client.get(f"/uit/{path}")
    assert answer.status_code == 404
    assert "geheim" not in answer.text
    opened = client.get("/", params={"patient": path})
    assert opened.status_code == 404


def test_the_pages_own_origin_is_accepted_and_a_name_is_not_initials(client: TestClient) -> None:
    """A browser sends the page's own Origin with the form; a full name is refused."""
    data: Form = {"csrf": token(client), "actie": "maak", "label": "Jan Jansen 1970"}
    data["kies"] = every_choice(None)
    answer = client.post("/", data=data, headers={"origin": BASE})
    assert answer.status_code == 400
    found = messages(answer.text)
    assert list(found) == ["label"]
    assert found["label"].startswith("Initialen: alleen initialen, zoals J.d.V.")


@pytest.mark.slow
def test_a_speech_process_that_died_is_started_again(client: TestClient, out: Path) -> None:
    """A crash of the engine takes its process down, never the server: the next build runs."""
    assert isinstance(client.app, Starlette)
    server: Server = client.app.state.server
    worker = server.worker
    process = worker._process
    assert process is not None
    process.kill()
    process.join(10)
    status = build(client, label="U.V.", program="klein.toml", reps="2", sets="1")
    assert status["result"]["files"][0]["name"] == "fase-1a-begin.mp3"
    assert worker._process is not process
