"""The page in a real browser: index.html opened from disk in headless Chromium, no network.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when it can),
and for the QR code ``zbar-tools``; where they are missing the tests are skipped and say why.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audiocoach.pipeline.build import BuiltFile
from chromium import start_chromium
from helpers import PATIENT_JD, decode, session_of

pytestmark = pytest.mark.slow

# Waits until every <audio> has its metadata, or failed.
WAIT_FOR_MEDIA = """
const done = arguments[arguments.length - 1];
const audios = [...document.querySelectorAll("audio")];
const settled = (audio) => new Promise((resolve) => {
  const check = () => {
    if (audio.error || audio.readyState >= 1) resolve(); else setTimeout(check, 50);
  };
  check();
});
Promise.all(audios.map(settled)).then(() => done(audios.map((audio) => ({
  src: audio.getAttribute("src"),
  error: audio.error ? audio.error.code : null,
  readyState: audio.readyState,
  duration: audio.duration,
}))));
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium driven through chromedriver, with the console log kept."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def test_page_plays_from_disk(browser: Any, default_build: list[BuiltFile]) -> None:
    """Every player is an ``<audio>`` (phones pause a video when the screen locks) that loads
    its MP3 with the right duration; no console errors."""
    page = default_build[0].path.parent / "index.html"
    browser.get(Path(page).resolve().as_uri())
    players = browser.execute_async_script(WAIT_FOR_MEDIA)
    assert [p["src"] for p in players] == [b.path.name for b in default_build]
    assert browser.find_elements("css selector", "video") == []
    for player, built in zip(players, default_build, strict=True):
        samples, rate = decode(built.path)
        assert player["error"] is None, player
        assert player["readyState"] >= 1, player
        assert abs(player["duration"] - len(samples) / rate) < 0.5, player
    messages = browser.get_log("browser")
    problems = [m for m in messages if m["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems


def test_the_transcript_pages_open_from_the_page(
    browser: Any, default_build: list[BuiltFile]
) -> None:
    """ "Uitgeschreven tekst" opens a readable page per session: one heading per exercise."""
    page = default_build[0].path.parent / "index.html"
    browser.get(Path(page).resolve().as_uri())
    links = [
        a.get_attribute("href")
        for a in browser.find_elements("css selector", "a")
        if a.text == "Uitgeschreven tekst"
    ]
    assert len(links) == len(default_build)
    for link, built in zip(links, default_build, strict=True):
        browser.get(link)
        headings = [h.text for h in browser.find_elements("css selector", "h2")]
        assert len(headings) == len(session_of(built).timeline.chapters()) + 2
        assert "-->" not in browser.find_element("css selector", "body").text
    assert browser.get_log("browser") == []


BASE = "https://www.praktijk.nl/oefeningen/jd/"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A patient's bundle built with ``--base-url``: the page with its QR code.

    Built by the command in a process of its own, as a practice runs it: speaking in this
    process changed the next clips espeak-ng made here by some 12 ms, which a speech test
    that compares clips made in one process does not allow."""
    folder = tmp_path_factory.mktemp("gepubliceerd")
    patient = folder / "jd.toml"
    patient.write_text(PATIENT_JD, encoding="utf-8")
    out = folder / "uit"
    command = ["build", str(patient), "--out", str(out), "--base-url", BASE, "--quiet"]
    result = subprocess.run(
        [sys.executable, "-m", "audiocoach", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out / "index.html"


def test_a_screenshot_of_the_page_holds_a_qr_code_to_its_url(
    browser: Any, published: Path, tmp_path: Path
) -> None:
    """What a phone's camera sees: the QR code on screen decodes (zbar) to the page's URL."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("no zbarimg here (Debian: apt-get install zbar-tools; .ci/run installs it)")
    browser.set_window_size(900, 1000)
    browser.get(published.resolve().as_uri())
    qr = browser.find_element("css selector", ".qr img")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", qr)
    shot = tmp_path / "pagina.png"
    assert browser.save_screenshot(str(shot))
    found = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(shot)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout.splitlines() == [f"{BASE}index.html"], found.stderr


def test_the_page_prints_on_one_a4_sheet_to_hand_over(browser: Any, published: Path) -> None:
    """Printed: the patient, the practice, each exercise with its dosage, a week to tick and
    the QR code, on one A4 page; the players and the long instructions stay on screen."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    browser.get(published.resolve().as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            """return Object.fromEntries(arguments[0].map((s) => {
                 const e = document.querySelector(s);
                 return [s, e !== null && e.getClientRects().length > 0];
               }));""",
            [".patient", ".practice", ".sheet", ".week", ".qr img", ".listen", ".exercises"],
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == {
        ".patient": True,
        ".practice": True,
        ".sheet": True,
        ".week": True,
        ".qr img": True,
        ".listen": False,
        ".exercises": False,
    }
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(browser.print_page(options))
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
