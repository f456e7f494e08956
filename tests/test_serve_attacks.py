"""``audiocoach serve`` read as an attacker would (issue 24, point 6): every case answers 4xx or
a Dutch sentence, never a 500 with a traceback, and nothing is read or written outside the
output folder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from audiocoach.serve.app import create_app
from helpers import TINY_PROGRAM, run_cli
from test_serve import BASE, CHOICE_PROGRAM, build, choice_program, messages, token

SECRET = "geheim-buiten-de-map"


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the output folder, with a program file and a patient file of its own."""
    folder = tmp_path_factory.mktemp("buiten")
    (folder / "kaart.toml").write_text(TINY_PROGRAM.replace("Kleine", SECRET), encoding="utf-8")
    (folder / "patient.toml").write_text(f'label = "B.U."\npractice = "{SECRET}"\n')
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, outside: Path) -> Path:
    folder = tmp_path_factory.mktemp("serve-attacks")
    choice_program(folder)
    (folder / "link.toml").symlink_to(outside / "kaart.toml")
    (folder / ".verborgen.toml").write_text(TINY_PROGRAM, encoding="utf-8")
    (folder / "s-l").symlink_to(outside, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def client(out: Path) -> Iterator[TestClient]:
    # The test client raises what the app did not answer: a 500 fails the test by its traceback.
    with TestClient(create_app(out), base_url=BASE, raise_server_exceptions=True) as test_client:
        yield test_client


def snapshot(folder: Path) -> dict[str, float]:
    return {str(p): p.lstat().st_mtime for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "url",
    [
        "/uit/k%00.mp3",
        "/uit/" + "a" * 300,
        "/uit/s-l/patient.toml",
        "/uit/link.toml",
        "/uit/.verborgen.toml",
        "/?patient=a%00b/patient.toml",
        "/?patient=" + "a" * 300,
        "/?patient=s-l/patient.toml",
        "/?patient=" + "%C3%A9" * 150,
        "/bouw/" + "x" * 300,
        "/bouw/geen/status",
        "/bestaat-niet",
    ],
)
def test_a_bad_url_is_a_4xx_page(client: TestClient, outside: Path, url: str) -> None:
    before = snapshot(outside)
    answer = client.get(url)
    assert 400 <= answer.status_code < 500
    assert SECRET not in answer.text
    assert "Traceback" not in answer.text
    assert re.search(r'<p class="error" id="fout">(Dat|Die) [^<]+\.</p>', answer.text)
    assert snapshot(outside) == before


def test_a_program_that_leads_outside_or_is_hidden_is_not_offered(
    client: TestClient, outside: Path
) -> None:
    page = client.get("/").text
    assert "klein.toml" in page
    assert "link.toml" not in page
    assert ".verborgen.toml" not in page
    for name in ("link.toml", ".verborgen.toml", "../buiten/kaart.toml"):
        data = {"csrf": token(client), "label": "A.B.", "program": name, "kies": ["1"]}
        answer = client.post("/", data={**data, "actie": "maak"}, follow_redirects=False)
        assert answer.status_code == 400
        assert messages(answer.text) == {
            "program": "Programma: dat programmabestand staat niet in de uitvoermap."
        }
        assert SECRET not in answer.text


def test_a_patient_folder_that_is_a_link_is_refused(
    client: TestClient, out: Path, outside: Path
) -> None:
    before = snapshot(outside)
    data = {"csrf": token(client), "label": "S.L.", "program": "klein.toml", "kies": ["1"]}
    for extra in ({}, {"bestaat": "vervang"}):
        answer = client.post("/", data={**data, **extra, "actie": "maak"}, follow_redirects=False)
        assert answer.status_code == 400
        assert messages(answer.text)["label"].startswith("Initialen: de map voor deze initialen")
        assert SECRET not in answer.text
    assert snapshot(outside) == before
    assert "s-l" not in client.get("/").text.split("<form")[0]


@pytest.mark.slow
def test_a_new_folder_is_never_a_link(client: TestClient, out: Path, outside: Path) -> None:
    """ "Keep both" takes the next free name; a broken link of that name is not free."""
    build(client, label="F.R.", program="klein.toml", reps="1", sets="1")
    (out / "f-r-2").symlink_to(outside / "nergens")
    status = build(client, label="F.R.", program="klein.toml", reps="2", sets="1", bestaat="nieuw")
    assert status["folder"] == "f-r-3"
    assert not (outside / "nergens").exists()


@pytest.mark.slow
def test_a_phase_titled_short_is_not_two_short_sessions(client: TestClient, out: Path) -> None:
    (out / "kort.toml").write_text(
        CHOICE_PROGRAM.replace('title = "Begin"', 'title = "Begin kort"'), encoding="utf-8"
    )
    status = build(client, label="K.T.", program="kort.toml", reps="1", sets="1", kies=["1"])
    titles = [f["title"] for f in status["result"]["files"]]
    assert titles == ["Fase 1: Begin kort (met uitleg)", "Fase 1: Begin kort (kort)"]


def test_serve_with_an_empty_out_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(runner, "serve", "--out", "")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--out is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []
