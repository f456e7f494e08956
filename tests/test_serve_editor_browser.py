"""The program editor end to end in headless Chromium, by its labels: a program made from
empty, previewed, saved, chosen for a patient and built; the audio is what was typed (issue 25).

Skipped where Chromium and chromedriver are missing (the ``browser`` fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from test_browser import browser  # the headless Chromium fixture, skipped where absent
from test_serve_browser import DEADLINE_S, by_label, handed_out, message_for, minutes, served, until

pytestmark = pytest.mark.slow
__all__ = ["browser", "served"]


def in_block(browser: Any, block: str, text: str) -> Any:
    """The visible field labelled ``text`` in one exercise's or phase's block of the editor
    (every exercise has a field "Herhalingen")."""
    from selenium.webdriver.common.by import By

    xpath = f"//fieldset[@id='{block}']//label[normalize-space(.)='{text}']"
    shown = [label for label in browser.find_elements(By.XPATH, xpath) if label.is_displayed()]
    assert len(shown) == 1, f"{len(shown)} visible labels say {text!r} in {block}"
    return browser.find_element(By.ID, shown[0].get_attribute("for"))


def fill(browser: Any, block: str, fields: dict[str, str]) -> None:
    """Type each value into its field (replacing what is there); a list is chosen by its words."""
    from selenium.webdriver.support.ui import Select

    for label, value in fields.items():
        field = in_block(browser, block, label)
        if field.tag_name == "select":
            Select(field).select_by_visible_text(value)
        else:
            field.clear()
            field.send_keys(value)


SIDES = {
    "Korte naam (gesproken)": "Knie buigen",
    "Titel op de kaart": "Buigen van de knie",
    "Uitleg zoals gesproken": "Ga op de rug liggen.\nBuig de knie en strek hem weer.",
    "Beginhouding": "op de rug",
    "Hoe het gedoseerd wordt": "herhalingen met links en rechts",
    "Herhalingen": "2",
    "Series": "1",
    "Rust (seconden)": "3",
    "Woorden bij elke herhaling": "links, rechts",
    "Tijd om te bewegen (seconden)": "2,5",
}
HELD = {
    "Korte naam (gesproken)": "Bekken optillen",
    "Titel op de kaart": "Versterken van de bilspieren",
    "Uitleg zoals gesproken": "Til het bekken op en houd het stil.",
    "Hoe het gedoseerd wordt": "vasthouden",
    "Series": "1",
    "Rust (seconden)": "3",
    "Vasthouden (seconden)": "4",
}
"""The two exercises as typed: one counted with sides, one held; small, to build in seconds."""


def make_program(browser: Any, url: str) -> list[str]:
    """Type the program into the editor from empty; the lengths its preview shows."""
    from selenium.webdriver.common.by import By

    browser.get(url + "programma")
    browser.find_element(By.LINK_TEXT, "Nieuw programma").click()
    by_label(browser, "Titel van het programma").send_keys("Knie thuis")
    fill(browser, "oefening-1", SIDES)
    # A wrong value: its sentence at the field, as the editor changes.
    reps = in_block(browser, "oefening-1", "Herhalingen")
    reps.clear()
    reps.send_keys("0")
    wrong = "Herhalingen (oefening 1): kies een getal van 1 tot 50."
    assert until(browser, lambda _: message_for(browser, reps) == wrong)
    fill(browser, "oefening-1", {"Herhalingen": "2"})
    browser.find_element(By.XPATH, "//button[normalize-space(.)='Oefening erbij']").click()
    fill(browser, "oefening-2", HELD)
    fill(
        browser,
        "fase-1",
        {"Titel van de fase": "Thuis", "Oefeningen (nummers, in volgorde)": "1, 2"},
    )
    cells = until(
        browser,
        lambda _: (
            len(found := [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.lengte")]) == 2
            and found
        ),
    )
    assert "Knie buigen" in browser.find_element(By.ID, "voorbeeld").get_attribute("textContent")
    by_label(browser, "Bestandsnaam").send_keys("knie-thuis")
    browser.find_element(By.XPATH, "//button[normalize-space(.)='Programma opslaan']").click()
    saved = until(browser, lambda _: browser.find_elements(By.ID, "opgeslagen"))
    assert "knie-thuis.toml" in saved[0].text
    return list(cells)


def test_a_therapist_makes_a_program_and_builds_it_for_a_patient(
    browser: Any, served: tuple[str, Path], runner: CliRunner
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    url, out = served
    shown = make_program(browser, url)
    program = out / "knie-thuis.toml"
    assert [minutes(p["duration_s"]) for p in _preview(runner, "--program", str(program))] == shown

    browser.get(url)
    by_label(browser, "Initialen").send_keys("T.E.")
    Select(by_label(browser, "Programma")).select_by_visible_text(
        "Programmabestand knie-thuis.toml"
    )
    until(
        browser,
        lambda _: by_label(browser, "Programma").get_attribute("value") == "knie-thuis.toml",
    )
    if not by_label(browser, "Initialen").get_attribute("value"):  # the form reloaded for it
        by_label(browser, "Initialen").send_keys("T.E.")
    browser.find_element(By.XPATH, "//button[normalize-space(.)='Maak audio']").click()
    WebDriverWait(browser, DEADLINE_S, poll_frequency=0.25).until(
        lambda _: browser.find_elements(By.ID, "klaar") or browser.find_elements(By.ID, "fout")
    )
    assert not browser.find_elements(By.ID, "fout"), browser.find_element(By.ID, "fout").text
    expected = {"phases": _preview(runner, str(out / "t-e" / "patient.toml"))}
    handed_out(browser, out / "t-e", expected)
    heard_as_typed(expected["phases"])
    problems = [m for m in browser.get_log("browser") if m["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems


def _preview(runner: CliRunner, *args: str) -> list[dict[str, Any]]:
    from helpers import preview_json

    phases: list[dict[str, Any]] = preview_json(runner, *args)["phases"]
    return phases


def heard_as_typed(phases: list[dict[str, Any]]) -> None:
    """The patient's ``preview --json``: the phase, the names, each count and cue, the time to
    move, the hold and the rests, as they were typed in the editor."""
    assert [(p["title"], p["variant"], p["exercises"]) for p in phases] == [
        ("Thuis", "volledig", [1, 2]),
        ("Thuis", "kort", [1, 2]),
    ]
    events = phases[0]["events"]
    said = [e["text"] for e in events if e["kind"] == "speech"]
    assert "Oefening één: Knie buigen." in said
    assert "Oefening twee: Bekken optillen." in said
    assert "Ga op de rug liggen. Buig de knie en strek hem weer." in said
    first = [e for e in events if e["exercise"] == 1]
    assert [e["text"] for e in first if e["kind"] == "count"] == ["één", "twee"]  # 2 reps, 1 set
    cues = [i for i, e in enumerate(first) if e["kind"] == "cue"]
    assert [first[i]["text"] for i in cues] == ["links", "rechts"] * 2
    assert all(first[i + 1]["duration_s"] == 2.5 for i in cues)  # the time to move
    assert [e["duration_s"] for e in events if e["kind"] == "rest"] == [3.0]
    held = [e for e in events if e["exercise"] == 2]
    start = next(e for e in held if e["text"] == "Start.")
    stop = next(e for e in held if e["text"] == "Stop.")
    assert round(stop["start_s"] - start["start_s"] - start["duration_s"], 3) == 4.0
