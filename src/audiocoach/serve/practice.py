"""The practice's own settings, set once and kept in the output folder for every new patient.

Name, the web address where the practice publishes the patients' folders (the feed and the QR
code of ``--base-url``), and the voice and speaking rate a new patient starts with. They live
in ``praktijk.toml`` in the output folder, so they survive a restart of ``audiocoach serve``
and travel with the folder; written whole (a temporary name, then a rename).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from audiocoach.errors import AudiocoachError
from audiocoach.files import write_text
from audiocoach.model.base_url import check_base_url
from audiocoach.model.patient import PRACTICE_MAX, parse_rate
from audiocoach.model.settings import RATE
from audiocoach.model.toml_file import read_toml
from audiocoach.serve import messages

PRACTICE_NAME = "praktijk.toml"
"""The practice's settings, in the output folder."""
FIELDS = ("naam", "webadres", "stem", "snelheid")


@dataclass(frozen=True)
class Practice:
    """What every new patient starts with; ``""`` is "not set"."""

    name: str = ""
    base_url: str = ""
    voice: str = ""
    rate: str = ""

    def values(self) -> dict[str, str]:
        """The settings page's fields."""
        return dict(zip(FIELDS, (self.name, self.base_url, self.voice, self.rate), strict=True))


def load_practice(out: Path) -> Practice:
    """The saved settings; none (or a file that cannot be read) is the empty settings."""
    path = out / PRACTICE_NAME
    if path.is_symlink() or not path.is_file():
        return Practice()
    try:
        data = read_toml(path, what="practice settings")
    except AudiocoachError:
        return Practice()
    got = [data.get(key, "") for key in FIELDS]
    if not all(isinstance(value, str) for value in got):
        return Practice()
    name, base_url, voice, rate = (str(value) for value in got)
    return Practice(name, base_url, voice, rate)


def check_practice(
    values: Mapping[str, str], voices: Sequence[str]
) -> tuple[Practice, dict[str, str]]:
    """The settings page's fields checked: the settings, and a Dutch message per wrong field."""
    from audiocoach.speech.engines import accepts

    name, url, voice, rate = (values.get(key, "").strip() for key in FIELDS)
    errors: dict[str, str] = {}
    if len(name) > PRACTICE_MAX or not name.isprintable():
        errors["naam"] = messages.PRACTICE.replace("Praktijk", "Naam van de praktijk", 1)
    if url:
        try:
            url = check_base_url(url)
        except AudiocoachError:
            errors["webadres"] = messages.BASE_URL
    if not accepts(voice, voices, None):  # a list to choose from: no model files
        errors["stem"] = messages.VOICE
    if rate:
        try:
            rate = str(parse_rate(rate))
        except AudiocoachError:
            errors["snelheid"] = RATE.dutch()
    return Practice(name, url, voice, rate), errors


def save_practice(out: Path, practice: Practice) -> None:
    """Keep the settings in the output folder, whole."""
    write_text(out / PRACTICE_NAME, tomlkit.dumps(practice.values()))
