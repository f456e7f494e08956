"""The patient's page served from a web site (``--base-url``, here http://127.0.0.1): an app
that works offline on the mat; and the page printed, one A4 sheet to hand over.

The patient is ``audiocoach init``'s example, as in test_phone_page.py.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from audiocoach.script.dutch import written_forms
from chromium import PHONE, phone_browser, start_chromium
from helpers import audiocoach

pytestmark = pytest.mark.slow

Phase = dict[str, Any]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from phone_browser(tmp_path_factory)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(
    example_page: Path, example_patient: Path
) -> Iterator[tuple[str, Path, Callable[[], None]]]:
    """The same bundle built with ``--base-url http://127.0.0.1:PORT/`` and served from that
    address (the MP3s are kept as they are; the page, feed, manifest and worker are new); the
    last item stops the server."""
    port = free_port()
    out = example_page.parent.parent / "op-de-site"
    shutil.copytree(example_page.parent, out)
    base = f"http://127.0.0.1:{port}/"
    audiocoach("build", str(example_patient), "--out", str(out), "--base-url", base, "--quiet")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped: list[bool] = []

    def stop() -> None:
        if not stopped:
            stopped.append(True)
            server.shutdown()
            server.server_close()
            thread.join()

    try:
        yield base, out, stop
    finally:
        stop()


WAIT_FOR_WORKER = """
const done = arguments[arguments.length - 1];
navigator.serviceWorker.ready.then(async () => {
  while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
  const names = await caches.keys();
  const kept = names.length ? await (await caches.open(names[0])).keys() : [];
  done({caches: names, kept: kept.map((r) => new URL(r.url).pathname)});
}).catch((e) => done({error: String(e)}));
"""

PLAY_FIRST = """
const done = arguments[arguments.length - 1];
const audio = document.querySelectorAll("audio")[0];
audio.muted = true;
audio.addEventListener("error", () => done({error: audio.error.code}));
audio.addEventListener("timeupdate", function check() {
  if (audio.currentTime > 0.5) {
    audio.removeEventListener("timeupdate", check);
    audio.pause();
    done({time: audio.currentTime, duration: audio.duration});
  }
});
audio.play().catch((e) => done({error: String(e)}));
"""


def test_served_from_a_web_site_the_page_works_offline_after_one_visit(
    tmp_path_factory: pytest.TempPathFactory,
    served: tuple[str, Path, Callable[[], None]],
    example_phases: list[Phase],
) -> None:
    phases = example_phases
    base, out, stop = served
    manifest = json.loads((out / "app.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "index.html"
    assert manifest["display"] == "standalone"
    browser = start_chromium(tmp_path_factory.mktemp("chromium-online"))
    try:
        browser.set_window_size(*PHONE)
        browser.get(base + "index.html")
        worker = browser.execute_async_script(WAIT_FOR_WORKER)
        assert "error" not in worker, worker
        assert {"/index.html", *(f"/{p['file']}" for p in phases)} <= set(worker["kept"])
        stop()
        with pytest.raises(OSError, match=r"refused|Connection"):
            urllib.request.urlopen(base + "index.html", timeout=5)
        browser.refresh()
        assert browser.find_element("css selector", "#vandaag").is_displayed()
        played = browser.execute_async_script(PLAY_FIRST)
        assert "error" not in played, played
        assert abs(played["duration"] - phases[0]["duration_s"]) < 0.5
    finally:
        browser.quit()


def test_the_printed_sheet_is_one_a4_page_with_names_dosage_and_a_week(
    browser: Any,
    served: tuple[str, Path, Callable[[], None]],
    tmp_path: Path,
    example_patient: Path,
) -> None:
    """Chromium's PDF of the page (its own @page size): one A4 page with each exercise's name
    and its dosage in words, a week to tick, and the QR code."""
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"no {tool} here (Debian: apt-get install poppler-utils)")
    _, out, _ = served
    browser.get((out / "index.html").resolve().as_uri())
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    pdf = tmp_path / "blad.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    assert size is not None
    assert (round(float(size[1])), round(float(size[2]))) == (595, 842), "A4"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    preview = json.loads(audiocoach("preview", str(example_patient), "--json"))
    for phase in preview["phases"]:
        for number in phase["exercises"]:
            announced = next(
                e["text"] for e in phase["events"]
                if e["exercise"] == number and (e["text"] or "").startswith("Oefening ")
            )  # fmt: skip
            name = written_forms(announced).split(": ", 1)[1].rstrip(".")
            assert f"{number}. {name}" in flat, (name, flat)
    assert "Beide zijden acht keer" in flat, "the dosage in words (8 repetitions, 2 sets)"
    assert "ma di wo do vr za zo" in flat
    assert "5e keer" in flat, "a row for each time a day, up to the card's five"
    assert "Voor: A.B." in flat


def test_with_scripts_off_every_session_still_plays(
    tmp_path_factory: pytest.TempPathFactory, example_page: Path, example_phases: list[Phase]
) -> None:
    """The page's scripts do not run (a phone with JavaScript off): no now-view and no log,
    and every player still plays its session from disk."""
    browser = start_chromium(tmp_path_factory.mktemp("chromium-no-scripts"), scripts=False)
    try:
        browser.set_window_size(*PHONE)
        browser.get(example_page.resolve().as_uri())
        assert browser.execute_script(
            "return [document.getElementById('nu').hidden,"
            " document.getElementById('logboek').hidden];"
        ) == [True, True]
        players = browser.find_elements("css selector", "audio")
        assert len(players) == len(example_phases)
        for player, phase in zip(players, example_phases, strict=True):
            # No event reaches a script here, so the time is read until it moves.
            browser.execute_script("arguments[0].muted = true; arguments[0].play();", player)
            deadline = time.monotonic() + 60
            while browser.execute_script("return arguments[0].currentTime;", player) < 0.5:
                assert time.monotonic() < deadline, f"{phase['file']} does not play"
                time.sleep(0.05)
            duration = browser.execute_script(
                "arguments[0].pause(); return arguments[0].duration;", player
            )
            assert abs(duration - phase["duration_s"]) < 0.5
    finally:
        browser.quit()
