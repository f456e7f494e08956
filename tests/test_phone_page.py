"""The patient's page as a companion on a phone (390 x 844), in headless Chromium.

The patient is ``audiocoach init``'s example (8 repetitions, 2 sets, exercises 5, 6 and 9 of
phase 2). Every expected text and time comes from ``preview --json`` of that patient and from
the card (README: what to play when, "Serie 2 van 3", the log), never from the page's code.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium import PHONE, phone_browser

pytestmark = pytest.mark.slow

Phase = dict[str, Any]


@pytest.fixture(scope="module")
def patient(example_patient: Path) -> Path:
    return example_patient


@pytest.fixture(scope="module")
def page(example_page: Path) -> Path:
    return example_page


@pytest.fixture(scope="module")
def phases(example_phases: list[Phase]) -> list[Phase]:
    return example_phases


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from phone_browser(tmp_path_factory)


def open_page(browser: Any, page: Path) -> None:
    browser.get(page.resolve().as_uri())
    browser.execute_script("localStorage.clear();")
    browser.refresh()


# Seeks the index-th player to a time and reports, once it has seeked, the now-view's lines
# and the computed font size of each.
SEEK_AND_READ = """
const [index, at, done] = arguments;
const audio = document.querySelectorAll("audio")[index];
const read = () => {
  const view = document.getElementById("nu");
  const lines = {};
  for (const line of view.querySelectorAll("[data-now]")) {
    lines[line.dataset.now] = {text: line.textContent,
                               size: parseFloat(getComputedStyle(line).fontSize)};
  }
  done({hidden: view.hidden, time: audio.currentTime, lines: lines});
};
const seek = () => {
  audio.addEventListener("seeked", () => setTimeout(read, 0), {once: true});
  audio.currentTime = at;
};
audio.muted = true;
audio.play().then(() => { audio.pause(); seek(); }).catch((e) => done({error: String(e)}));
"""


def seek_and_read(browser: Any, index: int, at_s: float) -> dict[str, Any]:
    shown: dict[str, Any] = browser.execute_async_script(SEEK_AND_READ, index, at_s)
    assert "error" not in shown, shown
    assert not shown["hidden"], "the now-view shows while a session plays"
    return shown


@pytest.fixture(scope="module")
def names(phases: list[Phase]) -> dict[int, str]:
    """Each exercise's name as the session announces it ("Oefening twee: Knieën opzij.")."""
    found: dict[int, str] = {}
    for phase in phases:
        for event in phase["events"]:
            text = event["text"] or ""
            if event["kind"] == "speech" and text.startswith("Oefening ") and ": " in text:
                found.setdefault(event["exercise"], text.split(": ", 1)[1].rstrip("."))
    return found


def test_the_top_says_which_session_to_play_first_and_which_after(
    browser: Any, page: Path, phases: list[Phase], tmp_path: Path
) -> None:
    open_page(browser, page)
    today = browser.find_element("css selector", "#vandaag")
    assert today.location["y"] < PHONE[1] / 2, "at the top of the phone's screen"
    links = today.find_elements("css selector", "a")
    files = [p["file"] for p in phases]
    targets = [
        browser.execute_script(
            "return document.getElementById(arguments[0]).querySelector('audio')"
            ".getAttribute('src');",
            a.get_attribute("href").split("#", 1)[1],
        )
        for a in links
    ]
    assert targets == files, "per phase: the full session first, then the short one"
    items = [li.text for li in today.find_elements("css selector", "li")]
    assert [i.split(":")[0] for i in items] == ["De eerste keer", "Daarna, elke keer"] * 2
    assert "Begin pas met fase twee als u dat met uw behandelaar hebt afgesproken." in today.text
    assert "3 tot 5 keer per dag" in today.text
    first = today.find_elements("css selector", "li.go")
    assert [li.text for li in first] == [items[0], items[2]], "nothing done yet: the full ones"
    browser.save_screenshot(str(tmp_path / "vandaag.png"))


def moments(phase: Phase) -> dict[str, dict[str, Any]]:
    """From the timeline: a count of a second set, a cue, and the middle of a rest."""
    events = phase["events"]
    counts = [e for e in events if e["kind"] == "count"]
    exercise = counts[0]["exercise"]
    first_word = counts[0]["text"]
    starts = [e for e in counts if e["exercise"] == exercise and e["text"] == first_word]
    second_set = starts[1]
    cue = next(e for e in events if e["kind"] == "cue" and e["start_s"] > second_set["start_s"])
    rest = next(e for e in events if e["kind"] == "rest")
    return {"count": second_set, "cue": cue, "rest": rest, "sets": {"n": len(starts)}}


def test_the_now_view_shows_the_moment_of_the_timeline_in_large_type(
    browser: Any, page: Path, phases: list[Phase], names: dict[int, str], tmp_path: Path
) -> None:
    """Seeked to times from ``preview --json``: the exercise's name, the set, the count or cue
    being said and a rest's remaining seconds, each at least 32 px high."""
    open_page(browser, page)
    index = 1  # phase 1, short: what a patient plays every day
    phase = phases[index]
    found = moments(phase)
    sets = found["sets"]["n"]
    for kind in ("count", "cue"):
        event = found[kind]
        shown = seek_and_read(browser, index, event["start_s"] + 0.02)
        lines = shown["lines"]
        assert (
            lines["exercise"]["text"]
            == f"Oefening {event['exercise']}: " + names[event["exercise"]]
        )
        assert lines["set"]["text"] == f"Serie 2 van {sets}"
        assert lines["word"]["text"] == event["text"]
        for line in ("exercise", "set", "word", "next"):
            assert lines[line]["size"] >= 32, (line, lines[line])
    rest = found["rest"]
    at = rest["start_s"] + rest["duration_s"] / 2
    shown = seek_and_read(browser, index, at)
    countdown = shown["lines"]["countdown"]
    assert countdown["size"] >= 32
    remaining = int(countdown["text"].removeprefix("Rust: nog ").split()[0])
    # The rest runs until the next set starts (after "Nog vijf seconden" and its silence).
    following = next(
        e for e in phase["events"] if e["start_s"] > at and e["kind"] in ("count", "tone", "cue")
    )
    assert math.ceil(rest["start_s"] + rest["duration_s"] - at) <= remaining
    assert remaining <= math.ceil(following["start_s"] - at)
    assert shown["lines"]["next"]["text"] == f"Hierna: Serie 2 van {sets}"
    browser.execute_script("document.getElementById('nu').scrollIntoView({block: 'start'});")
    browser.save_screenshot(str(tmp_path / "nu.png"))


LOG_TODAY = "return document.querySelector('[data-log=\"today\"]').textContent;"
LOG_DAYS = (
    "return [...document.querySelectorAll('[data-log=\"days\"] li b')].map(b => b.textContent);"
)


def test_a_session_played_to_its_end_is_logged_on_the_phone(
    browser: Any, page: Path, phases: list[Phase]
) -> None:
    """After ``ended``: one session today, still there after a reload, and "Wis" empties it;
    the next time, the top says to play the short session."""
    open_page(browser, page)
    assert browser.execute_script(LOG_TODAY) == (
        "Vandaag nog niet; het schema: 3 tot 5 keer per dag."
    )
    browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
           const audio = document.querySelectorAll("audio")[0];
           audio.addEventListener("ended", () => setTimeout(done, 0), {once: true});
           audio.dispatchEvent(new Event("ended"));"""
    )
    expected = "Vandaag 1 keer; het schema: 3 tot 5 keer per dag."
    assert browser.execute_script(LOG_TODAY) == expected
    browser.refresh()
    assert browser.execute_script(LOG_TODAY) == expected
    days = browser.execute_script(LOG_DAYS)
    assert days == ["0"] * 13 + ["1"], "the last 14 days, today last"
    go = browser.find_elements("css selector", "#vandaag li.go")
    assert go[0].get_attribute("data-after") == phases[1]["file"], "then the short one"
    log = browser.find_element("css selector", "#logboek")
    assert "alleen op deze telefoon" in log.text
    assert "niets verstuurd" in log.text
    log.find_element("link text", "Wis").click()
    assert browser.execute_script(LOG_TODAY).startswith("Vandaag nog niet")
    browser.refresh()
    assert browser.execute_script(LOG_TODAY).startswith("Vandaag nog niet")
    assert browser.execute_script("return localStorage.length;") == 0


# Records the page's Media Session action handlers as the page sets them, so the test can
# press "next track" as the lock screen would.
RECORD_HANDLERS = """
window.__actions = {};
const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
navigator.mediaSession.setActionHandler = (action, handler) => {
  window.__actions[action] = handler;
  set(action, handler);
};
"""

PLAY_AND_NEXT = """
const [index, at, done] = arguments;
const audio = document.querySelectorAll("audio")[index];
audio.muted = true;
audio.addEventListener("playing", () => {
  const metadata = navigator.mediaSession.metadata;
  const before = audio.currentTime;
  audio.addEventListener("seeked", () => {
    audio.pause();
    done({title: metadata && metadata.title, artist: metadata && metadata.artist,
          album: metadata && metadata.album, before: before, after: audio.currentTime});
  }, {once: true});
  window.__actions.nexttrack();
}, {once: true});
audio.currentTime = at;
audio.play().catch((e) => done({error: String(e)}));
"""


def test_the_lock_screen_shows_the_exercise_and_next_track_skips_to_the_next(
    browser: Any, page: Path, phases: list[Phase], names: dict[int, str]
) -> None:
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_HANDLERS})
    open_page(browser, page)
    phase = phases[1]
    chapters: dict[int, float] = {}
    for event in phase["events"]:
        if event["exercise"] is not None:
            chapters.setdefault(event["exercise"], event["start_s"])
    numbers = list(chapters)
    at = chapters[numbers[1]] + 5  # inside the second exercise
    shown = browser.execute_async_script(PLAY_AND_NEXT, 1, at)
    assert "error" not in shown, shown
    assert names[numbers[1]] in shown["title"]
    assert shown["title"].startswith("Fase 1"), "the session and the exercise"
    assert shown["artist"] == "Praktijk voor fysiotherapie"
    assert "A.B." in shown["album"]
    assert abs(shown["after"] - chapters[numbers[2]]) < 0.1, "the next exercise's chapter"
