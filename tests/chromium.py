"""Headless Chromium through chromedriver, for the tests that open the patient's page.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when it can);
where they are missing the tests are skipped and say why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"


def start_chromium(profile: Path, *, scripts: bool = True) -> Any:
    """A headless Chromium with its own profile and the console log kept; muted, and allowed
    to play without a click. ``scripts=False``: the page's own scripts do not run (the
    test's still do, through the driver)."""
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
        f"--user-data-dir={profile}",
        *(() if scripts else ("--blink-settings=scriptEnabled=false",)),
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_script_timeout(60)
    return driver


PHONE = (390, 844)
"""A phone's screen in CSS pixels (an iPhone 12 to 15), where the patient opens the page."""


def phone_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A fixture's body: a Chromium at phone size for one test module, closed after it."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    driver.set_window_size(*PHONE)
    try:
        yield driver
    finally:
        driver.quit()
