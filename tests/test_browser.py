"""The page in a real browser: index.html opened from disk in headless Chromium, no network.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when it can);
where they are missing the test is skipped and says why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audiocoach.build import BuiltFile
from audiocoach.dutch import written_forms
from helpers import decode

pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"

# Waits until every <audio> has its metadata and every captions track its cues, or failed.
WAIT_FOR_MEDIA = """
const done = arguments[arguments.length - 1];
const audios = [...document.querySelectorAll("audio")];
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
        spoken = [e for e in built.session.timeline.events if e.spoken]
        assert player["cues"] == len(spoken)
        assert player["firstCue"] == written_forms(spoken[0].text or "")
    messages = browser.get_log("browser")
    problems = [m for m in messages if m["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
