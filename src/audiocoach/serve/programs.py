"""The programs the form offers, and a saved patient file read back into the form.

Only files that are really in the output folder are offered and read: no hidden file, no
symbolic link (one could lead anywhere), nothing under another folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audiocoach.errors import AudiocoachError
from audiocoach.model.patient import PatientFile
from audiocoach.model.program import Program
from audiocoach.model.program_file import load_program
from audiocoach.model.toml_file import read_toml
from audiocoach.serve import messages


def _real_file(out: Path, name: str) -> Path | None:
    """``out/name`` when it is a plain, visible file of the output folder itself."""
    if not name or len(name) > 100 or "/" in name or "\\" in name or name.startswith("."):
        return None
    if not name.isprintable() or "\x00" in name:
        return None
    path = out / name
    if path.is_symlink() or not path.is_file():
        return None
    return path


def program_files(out: Path) -> list[str]:
    """The program files a therapist put in the output folder (TOML with a ``[program]``)."""
    names = []
    for path in sorted(out.glob("*.toml")):
        if _real_file(out, path.name) is None:
            continue
        try:
            data = read_toml(path, what="program file")
        except AudiocoachError:
            continue
        if isinstance(data.get("program"), Mapping):
            names.append(path.name)
    return names


def load_choice(name: str, out: Path, errors: dict[str, str]) -> tuple[str, Program | None]:
    """The chosen program: the built-in card (``""``), or a program file of the output folder."""
    path = None
    if name:
        if name not in program_files(out):
            errors["program"] = messages.PROGRAM_ABSENT
            return "", None
        path = out / name
    try:
        return name, load_program(path)
    except AudiocoachError:
        errors["program"] = messages.PROGRAM_WRONG
        return "", None


def form_values(path: Path, out: Path) -> tuple[dict[str, str], set[int], bool, bool, Program]:
    """A saved patient file as the form's fields, ticks, "alle" (``selection = "all"``),
    tones and the program to lay out.

    Every key of the file comes back as the field that saves it again unchanged; the
    file's own text is used where the checked file holds a resolved path (``voice_dir``)."""
    patient = PatientFile.from_toml(path)
    raw: dict[str, Any] = read_toml(path, what="patient file")
    values = {"label": patient.label, "practice": patient.practice}
    program_name = ""
    if patient.program is not None:
        program_name = patient.program.name
        if _real_file(out, program_name) is None or patient.program.parent.resolve() != out:
            raise AudiocoachError(messages.PROGRAM_ABSENT)
        values["program"] = program_name
    for key in ("voice", "voice_dir"):
        if isinstance(raw.get(key), str):
            values[key] = raw[key].strip()
    if patient.rate is not None:
        values["rate"] = str(patient.rate)
    overrides = patient.overrides
    if overrides.phase is not None:
        values["phase"] = str(overrides.phase)
    from audiocoach.serve.form import exercise_field, overall

    for name, row in overall().items():
        if (value := overrides.dosage.get(row.key)) is not None:
            values[name] = str(value)
    for number, settings in overrides.exercises.items():
        for setting, value in settings.items():
            values[exercise_field(number, setting)] = str(value)
    program = load_program(out / program_name if program_name else None)
    tones = overrides.tones if overrides.tones is not None else program.tones
    return values, set(overrides.selection or ()), overrides.select_all, tones, program
