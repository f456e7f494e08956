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
from audiocoach.script.dutch import written_forms
from helpers import PATIENT_JD, decode, session_of

pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"

# Waits until every <video> has its metadata and every captions track its cues, or failed.
WAIT_FOR_MEDIA = """
const done = arguments[arguments.length - 1];
const audios = [...document.querySelectorAll("video")];
const settled = (audio) => new Promise((resolve) => {
  const track = audio.querySelector("track");
  const check = () => {
    const failed = audio.error || (track && track.readyState === 3);
    const loaded = audio.readyState >= 1 && (!track || track.readyState === 2);
    if (failed || loaded) resolve(); else setTimeout(check, 50);
  };
  check();
});
Promise.all(audios.map(settled)).then(() => done(audios.map((audio) => {
  const track = audio.querySelector("track");
  return {
    src: audio.getAttribute("src"),
    error: audio.error ? audio.error.code : null,
    readyState: audio.readyState,
    duration: audio.duration,
    trackState: track ? track.readyState : null,
    mode: track ? track.track.mode : null,
    cues: track && track.track.cues ? track.track.cues.length : 0,
    firstCue: track && track.track.cues && track.track.cues.length
      ? track.track.cues[0].text : null,
  };
})));
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium driven through chromedriver, with the console log kept."""
    binary = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    driver_path = shutil.which(DRIVER)
    if binary is None or driver_path is None:
        pytest.skip(
            "no Chromium and chromedriver here (Debian: apt-get install chromium chromium-driver;"
            " .ci/run installs them)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--mute-audio",
        "--autoplay-policy=no-user-gesture-required",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_page_plays_from_disk(browser: Any, default_build: list[BuiltFile]) -> None:
    """Every player loads its MP3 with the right duration and its captions; no console errors."""
    page = default_build[0].path.parent / "index.html"
    browser.get(Path(page).resolve().as_uri())
    players = browser.execute_async_script(WAIT_FOR_MEDIA)
    assert [p["src"] for p in players] == [b.path.name for b in default_build]
    for player, built in zip(players, default_build, strict=True):
        samples, rate = decode(built.path)
        assert player["error"] is None, player
        assert player["readyState"] >= 1, player
        assert abs(player["duration"] - len(samples) / rate) < 0.5, player
        assert player["trackState"] == 2, f"captions did not load: {player}"
        spoken = [e for e in session_of(built).timeline.events if e.spoken]
        assert player["cues"] == len(spoken)
        assert player["firstCue"] == written_forms(spoken[0].text or "")
        assert player["mode"] == "showing", "captions are on without a click"
    messages = browser.get_log("browser")
    problems = [m for m in messages if m["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems


# Plays one video (muted) from a moment in the session and reports, once it is playing, the
# captions cue on screen. Waits for the media's own events, not for a time.
PLAY_AND_READ_CUE = """
const [index, at, done] = arguments;
const video = document.querySelectorAll("video")[index];
const track = video.textTracks[0];
const check = () => {
  const cues = track.activeCues ? [...track.activeCues] : [];
  if (video.paused || video.currentTime <= at || cues.length === 0) return;
  video.removeEventListener("timeupdate", check);
  const time = video.currentTime;
  video.pause();
  done({mode: track.mode, time: time,
        cues: cues.map((c) => ({text: c.text, start: c.startTime, end: c.endTime}))});
};
video.muted = true;
video.addEventListener("timeupdate", check);
video.addEventListener("error", () => done({error: video.error.code}));
video.currentTime = at;
video.play().catch((error) => done({error: String(error)}));
"""


def test_the_line_being_said_is_on_screen_while_it_plays(
    browser: Any, default_build: list[BuiltFile], tmp_path: Path
) -> None:
    """Each player, playing from the middle of its session, shows the cue of the line being
    said at that moment: the timeline's text, at the timeline's time."""
    page = default_build[0].path.parent / "index.html"
    browser.set_window_size(900, 1000)
    browser.get(Path(page).resolve().as_uri())
    browser.execute_async_script(WAIT_FOR_MEDIA)
    for index, built in enumerate(default_build):
        spoken = [e for e in session_of(built).timeline.events if e.text is not None]
        event = max(spoken[len(spoken) // 2 :], key=lambda e: e.duration_ms)  # a long line
        shown = browser.execute_async_script(PLAY_AND_READ_CUE, index, event.start_ms / 1000)
        assert "error" not in shown, shown
        assert shown["mode"] == "showing"
        assert len(shown["cues"]) == 1, shown
        cue = shown["cues"][0]
        assert cue["start"] <= shown["time"] < cue["end"]
        said = [e for e in spoken if e.start_ms == round(cue["start"] * 1000)]
        assert [written_forms(e.text or "") for e in said] == [cue["text"]]
        captions, controls, player = drawn_boxes(browser, index)
        assert captions, "the cue is drawn"
        for top, bottom in captions:
            assert player[0] <= top < bottom <= controls[0], "drawn in view, above the controls"
        video = browser.find_elements("css selector", "video")[index]
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", video)
        video.screenshot(str(tmp_path / f"speler-{index + 1}.png"))  # to look at
    assert browser.get_log("browser") == []


Box = tuple[float, float]


def drawn_boxes(browser: Any, index: int) -> tuple[list[Box], Box, Box]:
    """Where Chromium draws the captions of the ``index``-th video, its controls and the video
    itself, as (top, bottom) on the page: read from the player's own (user-agent) shadow tree
    through the DevTools protocol, which is where the browser lays the cues out."""
    root = browser.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    videos: list[dict[str, Any]] = []

    def find(node: dict[str, Any], pseudo: str | None = None) -> list[dict[str, Any]]:
        found = []
        attributes = node.get("attributes", [])
        named = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("pseudo")
        if pseudo is None and node.get("nodeName") == "VIDEO":
            videos.append(node)
        if pseudo is not None and named == pseudo:
            found.append(node)
        for child in node.get("children", []) + node.get("shadowRoots", []):
            found += find(child, pseudo)
        return found

    def span(node: dict[str, Any]) -> Box:
        quad = browser.execute_cdp_cmd("DOM.getBoxModel", {"nodeId": node["nodeId"]})
        ys = quad["model"]["border"][1::2]
        return min(ys), max(ys)

    find(root)
    video = videos[index]
    captions = [span(n) for n in find(video, "-webkit-media-text-track-display")]
    (panel,) = find(video, "-webkit-media-controls-panel")
    return captions, span(panel), span(video)


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
    """Printed: the patient, the practice, the schedule and the QR code, on one A4 page; the
    players and the long instructions stay on screen."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    browser.get(published.resolve().as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            """return Object.fromEntries(arguments[0].map((s) => {
                 const e = document.querySelector(s);
                 return [s, e !== null && e.getClientRects().length > 0];
               }));""",
            [".patient", ".practice", ".schedule table", ".qr img", ".listen", ".exercises"],
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == {
        ".patient": True,
        ".practice": True,
        ".schedule table": True,
        ".qr img": True,
        ".listen": False,
        ".exercises": False,
    }
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(browser.print_page(options))
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
