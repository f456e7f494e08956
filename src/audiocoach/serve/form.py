"""The page's form, read and checked field by field, into the patient file it saves.

Every value arrives as the text the therapist typed. Each field is checked on its own, against
the one table of settings (:mod:`audiocoach.model.settings`), and a wrong one gets a Dutch
sentence naming its label (:mod:`.messages`). What the form describes is a patient file
(:func:`form_data`): it is checked as one (:class:`~audiocoach.model.patient.PatientFile`) and
resolved as ``audiocoach build`` resolves that file, so the page builds exactly what the saved
``patient.toml`` builds, and every setting of a reopened file comes back unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audiocoach.errors import AudiocoachError, DosageError
from audiocoach.model.dosage import SELECT_ALL, applies, choosable, selected_exercises
from audiocoach.model.patient import PatientFile, Plan, is_initials, resolve_plan
from audiocoach.model.program import Program
from audiocoach.model.settings import DOSAGE_SETTINGS, RATE, Setting
from audiocoach.serve import messages
from audiocoach.serve.patients import PATIENT_NAME, patient_folder, patient_toml
from audiocoach.serve.programs import load_choice


def overall() -> dict[str, Setting[int]]:
    """The form's fields for every exercise, by name (``rest``), and the setting each one sets:
    every row of the settings table, read when the form is."""
    return {s.name: s for s in DOSAGE_SETTINGS.values()}


ALL = "alle"
"""The tick that chooses every exercise of a chosen phase (``--select all``)."""
_NUMBER = re.compile(r"\s*\+?0*([0-9]{1,6})\s*")


def exercise_field(number: int, setting: str) -> str:
    """The form's name for one exercise's setting: ``oef-7-reps``."""
    return f"oef-{number}-{setting}"


@dataclass(frozen=True)
class Checked:
    """A form without mistakes: the plan to build and the patient file that makes it again."""

    plan: Plan
    label: str
    practice: str
    folder: str
    """The patient's folder in the output folder, named from the initials."""
    patient_toml: str
    data: Mapping[str, Any]
    """The patient file's keys, as saved."""


@dataclass
class FormState:
    """The form as the therapist filled it in, with a Dutch message per field that is wrong."""

    values: dict[str, str]
    selected: set[int]
    every: bool
    """"alle" is ticked: every exercise of the chosen phase."""
    tones: bool
    program: Program | None
    """The program as the card has it (no patient's dosage), to lay out the form."""
    errors: dict[str, str] = field(default_factory=dict)
    checked: Checked | None = None


def open_choices(program: Program) -> list[int]:
    """The exercises the therapist may choose (a phase's ``fixed`` ones always stay)."""
    return sorted({n for phase in program.phases for n in choosable(phase)})


def number(
    text: str, setting: Setting[int], errors: dict[str, str], name: str, where: str = ""
) -> int:
    """A typed number within its bounds, or ``-1`` with the field's sentence in ``errors``."""
    match = _NUMBER.fullmatch(text)
    try:
        return setting.check(int(match[1]) if match else text, setting.label)
    except DosageError:
        errors[name] = setting.dutch(where)
        return -1


def check_form(
    values: Mapping[str, str], chosen: Sequence[str], out: Path, voices: Sequence[str]
) -> FormState:
    """Read the submitted form; ``checked`` is set only when every value is right.

    ``chosen`` are the ticked exercises (and ``alle``); ``voices`` the engine's voice ids."""
    values = {k: v[:2001].strip() for k, v in values.items()}  # longer is wrong anyway
    errors: dict[str, str] = {}
    selected = {int(t) for t in chosen if re.fullmatch(r"[0-9]{1,2}", t)}
    every = ALL in chosen
    if any(t != ALL and not re.fullmatch(r"[0-9]{1,2}", t) for t in chosen):
        errors["selection"] = messages.SELECTION_UNKNOWN
    program_name, program = load_choice(values.get("program", ""), out, errors)
    state = FormState(dict(values), selected, every, values.get("tones") == "aan", program, errors)
    if program is None:
        return state
    if values.get("shown_program", values.get("program", "")) != values.get("program", ""):
        state.selected, state.every = set(), False  # its exercises were not on the page
    data = form_data(state, program, program_name, out, voices)
    if errors:
        return state
    folder = patient_folder(data["label"])
    try:
        patient = _patient(data, out, folder)
        plan = resolve_plan(patient)
    except AudiocoachError as error:
        errors["form"] = messages.dutch(error)
        return state
    to_build = _chosen_phases(plan, data, errors)
    if to_build is not None:
        toml = patient_toml(data)
        state.checked = Checked(
            to_build, data["label"], data.get("practice", ""), folder, toml, data
        )
    return state


def _patient(data: Mapping[str, Any], out: Path, folder: str) -> PatientFile:
    """The form's patient file, checked as one; its paths (relative to the patient's folder,
    which may not exist yet) read from the output folder."""
    from_out = dict(data)
    for key in ("program", "voice_dir"):
        if key in data:
            from_out[key] = os.path.normpath(f"{folder}/{data[key]}")
    patient = PatientFile.from_dict(from_out, out / PATIENT_NAME)
    return replace(patient, path=out / folder / PATIENT_NAME)


def form_data(
    state: FormState, program: Program, program_name: str, out: Path, voices: Sequence[str]
) -> dict[str, Any]:
    """The patient file's keys for the form, each field checked (messages in ``errors``)."""
    values, errors = state.values, state.errors
    data: dict[str, Any] = {"label": _label(values.get("label", ""), errors)}
    practice = values.get("practice", "")
    if len(practice) > 80 or not practice.isprintable():
        errors["practice"] = messages.PRACTICE
    data["practice"] = practice
    data["program"] = f"../{program_name}" if program_name else ""
    data["voice"] = _voice(values.get("voice", ""), out, voices, errors)
    data["voice_dir"] = _voice_dir(values.get("voice_dir", ""), out, errors)
    if rate := values.get("rate"):
        data["rate"] = number(rate, RATE, errors, "rate")
    data["phase"] = _phase(values.get("phase", ""), program, errors)
    data["selection"] = _selection(state, program, data["phase"])
    data["tones"] = state.tones
    data["dosage"] = {
        s.key: number(t, s, errors, n) for n, s in overall().items() if (t := values.get(n))
    }
    data["exercises"] = _per_exercise(program, values, data["selection"], errors)
    return {k: v for k, v in data.items() if v not in (None, "", {})}


def _label(label: str, errors: dict[str, str]) -> str:
    if not label:
        errors["label"] = messages.LABEL_EMPTY
    elif not is_initials(label):
        errors["label"] = messages.LABEL_NOT_INITIALS
    return label


def _voice(voice: str, out: Path, voices: Sequence[str], errors: dict[str, str]) -> str:
    """An engine voice of the list, or a voice model file (Piper's ``.onnx``) inside the output
    folder."""
    from audiocoach.speech.engines import accepts

    if accepts(voice, voices, lambda path: inside(out, path)):
        return voice
    errors["voice"] = messages.VOICE
    return ""


def _voice_dir(text: str, out: Path, errors: dict[str, str]) -> str:
    """A folder of recordings, as the patient file names it (relative to the patient's folder),
    inside the output folder."""
    # Every patient's folder is one level below the output folder: "../opnames" is out/opnames.
    path = out / os.path.normpath(f"patient/{text}")
    if text and not (inside(out, path) and path.is_dir() and not path.is_symlink()):
        errors["voice_dir"] = messages.VOICE_DIR
        return ""
    return text


def inside(out: Path, path: Path) -> bool:
    """Whether ``path`` (links followed) is within the output folder."""
    try:
        return path.resolve().is_relative_to(out.resolve())
    except (OSError, ValueError):
        return False


def _phase(text: str, program: Program, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    numbers = {str(p.number): p.number for p in program.phases}
    if text not in numbers:
        errors["phase"] = messages.PHASE
        return None
    return numbers[text]


def _selection(state: FormState, program: Program, phase: int | None) -> list[int] | str | None:
    """The ticked exercises; ``"all"`` with "alle", said as the patient file and
    ``--select all`` say it; ``None`` when none is ticked (a phase to choose is then not built)."""
    choices = open_choices(program)
    if state.every:
        return SELECT_ALL if choices else None
    if not state.selected:
        wanted = [p for p in program.phases if choosable(p) and p.number == phase]
        if wanted:
            state.errors["selection"] = messages.selection_needed(wanted[0].number)
        return None
    if not state.selected <= set(choices):
        state.errors["selection"] = messages.SELECTION_UNKNOWN
        return None
    for phase_ in program.phases:
        empty = choosable(phase_) and not set(choosable(phase_)) & state.selected
        if empty and phase in (None, phase_.number):
            state.errors["selection"] = messages.selection_needed(phase_.number)
    return sorted(state.selected)


def _per_exercise(
    program: Program,
    values: Mapping[str, str],
    selection: list[int] | str | None,
    errors: dict[str, str],
) -> dict[str, dict[str, int]]:
    """Each exercise's own fields; the dosage of an exercise that is not heard no longer
    applies (as with the command line's ``--select``)."""
    heard = selected_exercises(program, None)
    if not errors.get("selection") and selection != SELECT_ALL:
        choices = set(open_choices(program))
        heard = {n for n in heard if n not in choices or n in (selection or [])}
    per_exercise: dict[str, dict[str, int]] = {}
    for exercise in program.exercises:
        for setting in DOSAGE_SETTINGS.values():
            name = exercise_field(exercise.number, setting.key)
            text = values.get(name, "")
            if not text or not applies(setting.key, exercise.dosage):
                continue
            value = number(text, setting, errors, name, f"oefening {exercise.number}")
            if exercise.number in heard:
                per_exercise.setdefault(str(exercise.number), {})[setting.key] = value
    return per_exercise


def _chosen_phases(plan: Plan, data: Mapping[str, Any], errors: dict[str, str]) -> Plan | None:
    """Without a choice, a phase whose exercises the therapist chooses is not built (the
    card's phase 2 is "a selection, in consultation with your therapist")."""
    if "selection" in data:
        return plan
    program = plan.program
    phases = tuple(p for p in program.phases if not choosable(p))
    if not phases:
        first = next(p for p in program.phases if choosable(p))
        errors["selection"] = messages.selection_needed(first.number)
        return None
    return replace(plan, program=replace(program, phases=phases))
