"""The page's form, read and checked exactly as the command line reads its options.

Every number arrives as the text the therapist typed and goes through the command line's own
parsing (:func:`~audiocoach.model.dosage.cli_overrides`,
:func:`~audiocoach.model.patient.parse_rate`), one field at a time, so each field gets the
sentence ``audiocoach build`` prints for that value; the whole is then resolved by
:func:`~audiocoach.model.patient.plan_from_options`, as ``audiocoach build`` resolves its
options. What the form describes is also written as a patient file, so the same audio can be
made again with ``audiocoach build FOLDER/patient.toml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audiocoach.errors import AudiocoachError, PatientError
from audiocoach.model.dosage import (
    applies,
    choosable,
    cli_overrides,
    parse_selection,
    parse_setting,
    selected_exercises,
)
from audiocoach.model.patient import (
    PatientFile,
    Plan,
    PlanOptions,
    parse_rate,
    plan_from_options,
)
from audiocoach.model.program import Program, safe_slug
from audiocoach.model.program_file import load_program
from audiocoach.model.toml_file import read_toml

PATIENT_NAME = "patient.toml"
"""The patient file saved beside each patient's sessions."""

OVERALL = {"reps": "reps", "sets": "sets", "rest": "rest_s", "hold": "hold_s"}
"""The form's fields for every exercise (named as the command line's options) and the dosage
setting each one sets."""

LABELS = {
    "reps": "Herhalingen",
    "sets": "Series",
    "rest_s": "Rust (seconden)",
    "hold_s": "Vasthouden (seconden)",
}
"""The visible label of each dosage setting, for every exercise and per exercise."""


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


@dataclass
class FormState:
    """The form as the therapist filled it in, with a message per field that is wrong."""

    values: dict[str, str]
    selected: set[int]
    tones: bool
    program: Program | None
    """The program as the card has it (no patient's dosage), to lay out the form."""
    errors: dict[str, str] = field(default_factory=dict)
    checked: Checked | None = None


def program_files(out: Path) -> list[str]:
    """The program files a therapist put in the output folder (TOML with a ``[program]``)."""
    names = []
    for path in sorted(out.glob("*.toml")):
        try:
            data = read_toml(path, what="program file")
        except AudiocoachError:
            continue
        if isinstance(data.get("program"), Mapping):
            names.append(path.name)
    return names


def saved_patients(out: Path) -> list[str]:
    """The patient files saved by earlier builds: ``a-b/patient.toml``, one per folder."""
    return sorted(f"{p.parent.name}/{p.name}" for p in out.glob(f"*/{PATIENT_NAME}"))


def open_choices(program: Program) -> list[int]:
    """The exercises the therapist may choose (a phase's ``fixed`` ones always stay)."""
    return sorted({n for phase in program.phases for n in choosable(phase)})


def default_state() -> FormState:
    """The empty form: the built-in card as it is, every exercise chosen, tones on."""
    program = load_program()
    return FormState(values={}, selected=set(open_choices(program)), tones=True, program=program)


def check_form(
    values: Mapping[str, str],
    chosen: Sequence[str],
    out: Path,
    voices: Sequence[str],
) -> FormState:
    """Read the submitted form; ``checked`` is set only when every value is right.

    ``chosen`` are the ticked exercises of phase 2; all of them ticked means no choice was
    made, as when ``--select`` is left out. ``voices`` are the voice ids the form offers.
    """
    values = {k: v.strip() for k, v in values.items()}
    errors: dict[str, str] = {}
    selected = {int(text) for text in chosen if text.strip().isdigit()}
    program_path, program = _program(values.get("program", ""), out, errors)
    state = FormState(dict(values), selected, values.get("tones") == "aan", program, errors)
    typed = _typed(values, errors, voices)
    if program is None:
        return state
    selection = _selection(state, program)
    settings, per_exercise = _per_exercise(program, values, selection, errors)
    if errors:
        return state
    options = replace(
        typed,
        program_file=program_path,
        select=None if selection is None else ",".join(map(str, selection)),
        settings=tuple(settings),
        no_tones=not state.tones,
    )
    plan = _resolve(options, errors)
    if plan is None:
        return state
    data = _patient_data(values, options, selection, per_exercise)
    state.checked = _checked(data, plan, options.phase, out, errors)
    return state


def _selection(state: FormState, program: Program) -> tuple[int, ...] | None:
    """The ticked exercises as ``--select`` gives them; ``None`` when every one is ticked."""
    values, choices = state.values, open_choices(program)
    if values.get("shown_program", values.get("program", "")) != values.get("program", ""):
        # Another program was chosen: its exercises were not on the page to tick.
        state.selected = set(choices)
    selected = state.selected
    selection = None if not choices or set(choices) <= selected else tuple(sorted(selected))
    if selection is not None:
        _check(state.errors, "selection", lambda: parse_selection(",".join(map(str, selection))))
    return selection


def _resolve(options: PlanOptions, errors: dict[str, str]) -> Plan | None:
    """The plan as ``audiocoach build`` makes it; what only the whole shows (a selection
    that leaves a phase empty, a phase that is not there) goes next to its field."""
    try:
        return plan_from_options(None, options)
    except AudiocoachError as error:
        message = str(error)
        where = "selection" if "--select" in message or "would have no" in message else "form"
        errors["phase" if message.startswith("There is no phase") else where] = message
        return None


def _patient_data(
    values: Mapping[str, str],
    options: PlanOptions,
    selection: tuple[int, ...] | None,
    per_exercise: Mapping[int, Mapping[str, int]],
) -> dict[str, Any]:
    """The patient file's keys for the checked form; empty ones left out."""
    data: dict[str, Any] = {
        "label": values.get("label", ""),
        "practice": values.get("practice", ""),
        "program": None if options.program_file is None else f"../{options.program_file.name}",
        "voice": options.voice,
        "rate": None if options.rate is None else int(options.rate),
        "selection": None if selection is None else list(selection),
        "tones": False if options.no_tones else None,
        "dosage": {s: int(t) for n, s in OVERALL.items() if (t := getattr(options, n)) is not None},
        "exercises": {str(n): v for n, v in per_exercise.items()},
    }
    return {k: v for k, v in data.items() if v not in (None, "")}


def _checked(
    data: Mapping[str, Any], plan: Plan, phase: str | None, out: Path, errors: dict[str, str]
) -> Checked | None:
    """The form's result, once its patient file reads back as one (initials, practice)."""
    folder = safe_slug(data["label"]) if data.get("label") else "patient"
    try:
        PatientFile.from_dict(data, out / folder / PATIENT_NAME)
    except PatientError as error:
        message = str(error)
        key = "label" if "'label'" in message else "practice" if "'practice'" in message else "form"
        errors[key] = message
        return None
    toml = patient_toml(data, phase=plan.program.phases[0].number if phase else None)
    return Checked(plan, data.get("label", ""), data.get("practice", ""), folder, toml)


def _program(name: str, out: Path, errors: dict[str, str]) -> tuple[Path | None, Program | None]:
    """The chosen program: the built-in card, or a program file in the output folder."""
    path = None
    if name:
        if name not in program_files(out):
            errors["program"] = f"There is no program file {name} in {out}."
            return None, None
        path = out / name
    try:
        return path, load_program(path)
    except AudiocoachError as error:
        errors["program"] = str(error)
        return None, None


def _typed(values: Mapping[str, str], errors: dict[str, str], voices: Sequence[str]) -> PlanOptions:
    """The fields for every exercise, the rate, the phase and the voice, each checked on its
    own as the command line checks its option; empty fields are ``None`` ("as the program
    says")."""
    given = {name: values.get(name) or None for name in (*OVERALL, "rate", "phase", "voice")}
    for name, setting in OVERALL.items():
        if text := given[name]:
            _check(errors, name, lambda s=setting, t=text: cli_overrides(**{s: t}))
    if rate := given["rate"]:
        _check(errors, "rate", lambda: parse_rate(rate))
    if phase := given["phase"]:
        _check(errors, "phase", lambda: cli_overrides(phase=phase))
    voice = given["voice"]
    if voice is not None and voice not in voices:
        known = ", ".join(voices) or "none"
        errors["voice"] = f"The voice {voice!r} is not a Dutch voice here; choose from {known}."
    return PlanOptions(
        voice=voice,
        rate=given["rate"],
        reps=given["reps"],
        sets=given["sets"],
        rest=given["rest"],
        hold=given["hold"],
        phase=given["phase"],
    )


def _per_exercise(
    program: Program,
    values: Mapping[str, str],
    selection: tuple[int, ...] | None,
    errors: dict[str, str],
) -> tuple[list[str], dict[int, dict[str, int]]]:
    """Each exercise's own fields as ``--set 7.reps=6`` would give them; the dosage of an
    exercise that is not chosen no longer applies, as with the command line's ``--select``."""
    heard = selected_exercises(program, None)
    if selection is not None:
        choices = open_choices(program)
        heard = {n for n in heard if n not in choices or n in selection}
    settings: list[str] = []
    per_exercise: dict[int, dict[str, int]] = {}
    for exercise in program.exercises:
        for setting in LABELS:
            name = exercise_field(exercise.number, setting)
            text = values.get(name, "")
            if not text or not applies(setting, exercise.dosage):
                continue
            typed = f"{exercise.number}.{setting}={text}"
            if _check(errors, name, lambda t=typed: parse_setting(t)) and exercise.number in heard:
                settings.append(typed)
                per_exercise.setdefault(exercise.number, {})[setting] = int(text)
    return settings, per_exercise


def _check(errors: dict[str, str], name: str, parse: Any) -> bool:
    """Run one field's parser; its sentence goes next to the field. True when it is right."""
    try:
        parse()
    except AudiocoachError as error:
        errors[name] = str(error)
        return False
    return True


def _toml_value(value: Any) -> str:
    """A TOML value: JSON's strings, numbers, booleans and arrays are TOML too."""
    return json.dumps(value, ensure_ascii=False)


def patient_toml(data: Mapping[str, Any], phase: int | None = None) -> str:
    """The patient file for the form's values, with a comment saying how to build it.

    A patient file has no phase (it describes the whole program): when only one phase was
    built, the comment's command says ``--phase``.
    """
    only = f" --phase {phase}" if phase is not None else ""
    lines = [
        "# A patient file made by 'audiocoach serve'; build the same sessions with",
        f"#   audiocoach build {PATIENT_NAME} --out .{only}",
        "# or open it again in 'audiocoach serve' to change a value.",
    ]
    for key, value in data.items():
        if key in ("dosage", "exercises") or value == "":
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    if data.get("dosage"):
        lines += ["", "[dosage]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in data["dosage"].items()]
    for number, values in data.get("exercises", {}).items():
        lines += ["", f"[exercises.{number}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def state_from_patient(path: Path, out: Path) -> FormState:
    """The form filled in from a saved patient file, to change a value and build again."""
    patient = PatientFile.from_toml(path)
    values = {"label": patient.label, "practice": patient.practice}
    program_path = patient.program
    if program_path is not None:
        if program_path.resolve().parent != out.resolve():
            raise PatientError(
                f"The patient file {path} uses the program {program_path}, which is not in {out}."
            )
        values["program"] = program_path.name
    if patient.voice:
        values["voice"] = patient.voice
    if patient.rate is not None:
        values["rate"] = str(patient.rate)
    overrides = patient.overrides
    for name, setting in OVERALL.items():
        value = getattr(overrides, setting)
        if value is not None:
            values[name] = str(value)
    for number, settings in overrides.exercises.items():
        for setting, value in settings.items():
            values[exercise_field(number, setting)] = str(value)
    program = load_program(program_path)
    choices = open_choices(program)
    selected = set(overrides.selection) if overrides.selection is not None else set(choices)
    return FormState(values, selected, overrides.tones is not False, program)
