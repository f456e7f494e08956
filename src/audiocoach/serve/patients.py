"""The patients of the output folder: one folder each, its ``patient.toml``, never mixed up.

A practice works through a day of patients in one output folder. Each gets a folder named from
the initials (:func:`patient_folder`), in which the patient file lies beside the audio it
describes. Two patients must never share a folder silently: a build for initials whose folder
holds another patient's file asks first (:func:`occupant`), and initials with letters that
have no ASCII form keep their own letters instead of all falling back to one name.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from audiocoach.errors import AudiocoachError
from audiocoach.model.toml_file import read_toml

PATIENT_NAME = "patient.toml"
"""The patient file saved beside each patient's sessions."""
MAX_NAME = 100
"""Characters of a path the app accepts in a URL: longer is no file of this folder."""

_DASHES = re.compile(r"-+")


def patient_folder(label: str) -> str:
    """The folder for a patient's initials: ``J.d.V.`` -> ``j-d-v``, ``Ω.Δ.`` -> ``ω-δ``.

    Letters are kept as letters (lower-case, composed), so "Ø.K." is not "K." and Greek or
    Cyrillic initials are not all one folder; everything else becomes a dash. Initials are
    checked before (:func:`~audiocoach.model.patient.is_initials`): no digit, no separator."""
    folded = unicodedata.normalize("NFC", label).casefold()
    letters = "".join(char if char.isalpha() else "-" for char in folded)
    return _DASHES.sub("-", letters).strip("-")[:40].strip("-") or "patient"


def free_folder(out: Path, folder: str) -> str:
    """The first of ``folder-2``, ``folder-3``, ... that holds nothing yet."""
    number = 2
    while os.path.lexists(out / f"{folder}-{number}"):  # a link, even a broken one, is taken
        number += 1
    return f"{folder}-{number}"


@dataclass(frozen=True)
class Saved:
    """A patient of the output folder as the start page lists it."""

    folder: str
    label: str
    program: str
    """The program file's name, or ``""`` for the built-in card."""
    selection: tuple[int, ...] | None
    built: str
    """When the audio and the file were last put in place, local time."""

    @property
    def link(self) -> str:
        return f"{self.folder}/{PATIENT_NAME}"


def read_saved(path: Path) -> Saved | None:
    """The start page's line for a patient file; ``None`` when it cannot be read."""
    try:
        data = read_toml(path, what="patient file")
    except AudiocoachError:
        return None
    label, program = data.get("label", ""), data.get("program", "")
    selection = data.get("selection")
    if not isinstance(label, str) or not isinstance(program, str):
        return None
    chosen = None
    if isinstance(selection, list) and all(isinstance(n, int) for n in selection):
        chosen = tuple(selection)
    when = datetime.datetime.fromtimestamp(path.stat().st_mtime)
    return Saved(
        path.parent.name, label, Path(program).name, chosen, when.strftime("%d-%m-%Y %H:%M")
    )


def saved_patients(out: Path) -> list[Saved]:
    """The patients of the output folder, by folder: real folders only, no links, no hidden."""
    found = []
    for folder in sorted(out.iterdir()):
        path = folder / PATIENT_NAME
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        if path.is_symlink() or not path.is_file():
            continue
        saved = read_saved(path)
        if saved is not None:
            found.append(saved)
    return found


def occupant(out: Path, folder: str) -> Saved | None:
    """The patient whose file is in ``folder`` already (``None``: the folder is free)."""
    path = out / folder / PATIENT_NAME
    if path.is_file() and not path.is_symlink():
        return read_saved(path) or Saved(folder, "", "", None, "")
    return None


def patient_toml(data: Mapping[str, Any]) -> str:
    """The patient file for the form's values, written by a TOML library (strings escaped as
    TOML escapes them), with a comment saying what it is."""
    head = (
        "# A patient file made by 'audiocoach serve', beside the audio it describes.\n"
        "# Open it again in 'audiocoach serve' to change a value, or build it with\n"
        "# 'audiocoach build' (see 'audiocoach init' for every key).\n\n"
    )
    return head + tomlkit.dumps(dict(data))
