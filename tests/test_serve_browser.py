"""``audiocoach serve`` end to end: the real command, driven in headless Chromium by its labels.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when it can);
where they are missing the test is skipped and says why (the ``browser`` fixture).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import decode, preview_json
from test_browser import browser  # the headless Chromium fixture, skipped where absent

pytestmark = pytest.mark.slow
__all__ = ["browser"]

DEADLINE_S = 300
"""A build of both phases on a busy two-core machine takes well under this."""

MEDIA_DURATIONS = """
const done = arguments[arguments.length - 1];
const audios = [...document.querySelectorAll("audio")];
Promise.all(audios.map((audio) => new Promise((resolve) => {
  const check = () => (audio.error || audio.readyState >= 1) ? resolve() : setTimeout(check, 50);
  check();
}))).then(() => done(audios.map((a) => [a.getAttribute("src"), a.error ? -1 : a.duration])));
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``audiocoach serve`` as a therapist starts it, on a free port; stopped with Ctrl-C."""
    out, port = tmp_path / "uit", free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "serve", "--port", str(port), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # bounded: until it listens on 127.0.0.1, it stops, or the deadline
            assert server.poll() is None, server.communicate()[0]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "audiocoach serve did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/", out
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
            raise AssertionError(f"Ctrl-C did not stop audiocoach serve: {output}") from None
    assert f"http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output, output


def by_label(browser: Any, text: str) -> Any:
    """The visible field whose label says ``text``, as a person finds it."""
    from selenium.webdriver.common.by import By

    labels = browser.find_elements(By.XPATH, f"//label[normalize-space(.)='{text}']")
    shown = [label for label in labels if label.is_displayed()]
    assert len(shown) == 1, f"{len(shown)} visible labels say {text!r}"
    return browser.find_element(By.ID, shown[0].get_attribute("for"))


def until(browser: Any, condition: Callable[[Any], Any]) -> Any:
    """``condition``'s first true answer, waited for (bounded) while the form is typed in.

    The page redraws its preview as the form changes: an element read just then is gone, and
    is read again.
    """
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(
        browser,
        DEADLINE_S,
        poll_frequency=0.2,
        ignored_exceptions=(StaleElementReferenceException,),
    )
    return wait.until(condition)


def handed_out(browser: Any, folder: Path, expected: dict[str, Any]) -> None:
    """The built page: an MP3 per phase as ``preview --json`` says, each playing its length in
    the page, a zip with everything, the patient's page, and the patient file saved."""
    from selenium.webdriver.common.by import By

    mp3_links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.mp3")]
    names = [link.rsplit("/", 1)[1] for link in mp3_links]
    assert names == [p["file"] for p in expected["phases"]]
    for phase in expected["phases"]:
        samples, rate = decode(folder / phase["file"])
        assert abs(len(samples) / rate - phase["duration_s"]) < 0.1, phase["file"]
    for src, duration in browser.execute_async_script(MEDIA_DURATIONS):
        phase = next(p for p in expected["phases"] if src.endswith("/" + p["file"]))
        assert abs(duration - phase["duration_s"]) < 0.5, (src, duration)

    zip_link = browser.find_element(By.LINK_TEXT, "Download alles").get_attribute("href")
    with urllib.request.urlopen(zip_link, timeout=30) as answer:
        archive = zipfile.ZipFile(io.BytesIO(answer.read()))
    inside = {name.split("/", 1)[1] for name in archive.namelist()}  # under the folder's name
    assert set(names) | {"index.html", "sessies.m3u8"} <= inside
    assert browser.find_element(By.ID, "pagina").get_attribute("href").endswith("index.html")
    assert (folder / "patient.toml").is_file()


def test_a_therapist_makes_audio_in_the_browser(
    browser: Any, served: tuple[str, Path], runner: CliRunner
) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, out = served
    # Nothing of phase 2 is ticked to begin with: phase 2 is not made (issue 21).
    expected = preview_json(runner, "--reps", "1", "--sets", "1", "--phase", "1")
    browser.get(url)
    by_label(browser, "Initialen").send_keys("T.E.")
    reps = by_label(browser, "Herhalingen")
    reps.send_keys("1")
    by_label(browser, "Series").send_keys("1")

    # Before building: the lengths for this dosage, updated as the form changes.
    def lengths(_: Any) -> list[str] | None:
        cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.lengte")]
        wanted = [minutes(p["duration_s"]) for p in expected["phases"]]
        return cells if cells == wanted else None

    try:
        until(browser, lengths)
    except TimeoutException:
        cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.lengte")]
        raise AssertionError(
            f"the page shows {cells}, preview --json {expected['phases']!r:.300}; "
            f"{browser.find_element(By.ID, 'fout-form').text}"
        ) from None

    # A value out of bounds: its sentence next to the field, as the form changes.
    reps.send_keys("00")  # 100
    message = until(browser, lambda _: browser.find_element(By.ID, "fout-reps").text or None)
    assert message == "Herhalingen: kies een getal van 1 tot 50."
    reps.clear()
    reps.send_keys("1")

    browser.find_element(By.XPATH, "//button[normalize-space(.)='Maak audio']").click()
    WebDriverWait(browser, DEADLINE_S, poll_frequency=0.25).until(
        lambda _: browser.find_elements(By.ID, "klaar") or browser.find_elements(By.ID, "fout")
    )
    assert not browser.find_elements(By.ID, "fout"), browser.find_element(By.ID, "fout").text

    handed_out(browser, out / "t-e", expected)
    # The start page lists the patient; one click opens the form filled in again.
    browser.get(url)
    browser.find_element(By.LINK_TEXT, "Openen T.E.").click()
    assert by_label(browser, "Initialen").get_attribute("value") == "T.E."
    assert by_label(browser, "Herhalingen").get_attribute("value") == "1"
    problems = [m for m in browser.get_log("browser") if m["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems


def minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


WRONG = {
    "Herhalingen": ("0", "Herhalingen: kies een getal van 1 tot 50."),
    "Series": ("11", "Series: kies een getal van 1 tot 10."),
    "Rust (seconden)": ("2.5", "Rust (seconden): kies een getal van 0 tot 300."),
    "Vasthouden (seconden)": ("121", "Vasthouden (seconden): kies een getal van 1 tot 120."),
    "Spreeksnelheid (woorden per minuut)": (
        "20",
        "Spreeksnelheid (woorden per minuut): kies een getal van 80 tot 300.",
    ),
}
"""Each numeric field by its label: a wrong value, and the sentence next to it (issue 24)."""


def message_for(browser: Any, field: Any) -> str:
    """The message the page shows next to ``field`` (the one it is described by)."""
    from selenium.webdriver.common.by import By

    described = field.get_attribute("aria-describedby")
    text: str = browser.find_element(By.ID, described).text
    return text


def test_each_wrong_number_gets_a_dutch_sentence_naming_its_field(
    browser: Any, served: tuple[str, Path]
) -> None:
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url)
    by_label(browser, "Initialen").send_keys("A.B.")
    for label, (value, sentence) in WRONG.items():
        field = by_label(browser, label)
        field.send_keys(value)
        shown = until(browser, lambda _: message_for(browser, field) == sentence)  # noqa: B023
        assert shown
        field.clear()
        until(browser, lambda _: not message_for(browser, field))  # noqa: B023
    initials = by_label(browser, "Initialen")
    initials.clear()
    initials.send_keys("Jan de Vries")
    # Clearing the field asks once with no initials: wait for the answer to what was typed.
    refused = until(
        browser,
        lambda _: (m := message_for(browser, initials)).startswith("Initialen: alleen") and m,
    )
    assert refused == (
        "Initialen: alleen initialen, zoals J.d.V. (hoogstens 12 tekens), geen naam of "
        "geboortedatum."
    )
    browser.find_element(By.XPATH, "//button[normalize-space(.)='Maak audio']").click()
    until(browser, lambda _: browser.find_elements(By.ID, "fouten"))
    assert message_for(browser, by_label(browser, "Initialen")) == refused
    for page in (browser.current_url, url, url + "praktijk"):
        browser.get(page)
        assert "--" not in browser.find_element(By.TAG_NAME, "body").text
