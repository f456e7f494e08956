"""A patient file: one patient's program, dosage, selection and voice, in TOML.

A practice keeps one small file per patient and regenerates the audio from it. The file
holds initials only, never a name. :func:`resolve_plan` is the one place where a patient file
and the command line's options meet: command-line values win, everything is checked, and the
result is a :class:`Plan` that ``build``, ``preview``, ``phrases`` and the web page use alike.
:func:`plan_from_options` takes those options as typed (text), so the command line and the
web page's form parse them in one way and say the same sentence for the same mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from string import Formatter
from typing import Any

from audiocoach.errors import AudiocoachError, PatientError, shown
from audiocoach.files import write_text
from audiocoach.model.dosage import (
    SELECT_ALL,
    Overrides,
    apply_overrides,
    check_field,
    cli_overrides,
    parse_whole,
    selected_exercises,
)
from audiocoach.model.file_errors import naming
from audiocoach.model.program import Program
from audiocoach.model.program_file import load_program
from audiocoach.model.session_cap import check_length
from audiocoach.model.settings import DOSAGE_SETTINGS, RATE, SETTINGS
from audiocoach.model.toml_file import read_toml

KEYS = (
    "program",
    "label",
    "practice",
    "voice",
    "rate",
    "voice_dir",
    "selection",
    "phase",
    "tones",
    "dosage",
    "exercises",
)

_LABEL = re.compile(r"[^\W\d_](?:[^\W\d_]|[.\- ])*", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]{3,}(?![.])", re.UNICODE)
"""Three letters or more not closed by a dot: a word ("Jan"), not an initial ("Chr.")."""
LABEL_MAX = 12
PRACTICE_MAX = 80


@dataclass(frozen=True)
class PatientFile:
    """One patient's settings, as read from their file and checked."""

    path: Path
    """The file itself; relative paths in it are relative to its folder."""
    program: Path | None = None
    """A program file; ``None`` is the built-in card."""
    label: str = ""
    """The patient's initials (``"J.d.V."``): no more personal data than that."""
    practice: str = ""
    """The practice's name."""
    voice: str | None = None
    """A speech engine voice id; ``None`` is the default Dutch voice."""
    rate: int | None = None
    """Speaking rate in words per minute; ``None`` is the default."""
    voice_dir: Path | None = None
    """A folder of recorded phrases (an existing folder)."""
    overrides: Overrides = field(default_factory=Overrides)
    """The selection, dosage for every exercise, and dosage per exercise."""

    @property
    def selection(self) -> tuple[int, ...] | None:
        """The therapist's choice of exercises, as in the file's ``selection``."""
        return self.overrides.selection

    @classmethod
    def from_toml(cls, path: Path) -> PatientFile:
        """Read and check a patient file; every problem is one sentence naming the file."""
        with naming(path, "patient file"):
            try:
                data = read_toml(path, what="patient file")
            except AudiocoachError as error:
                raise PatientError(str(error)) from None
            return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path) -> PatientFile:
        """Check parsed TOML; ``path`` names the file in messages and anchors relative paths."""
        where = f"The patient file {path}"
        for key in data:
            if key not in KEYS:
                raise PatientError(
                    f"{where} has an unknown key '{key}'; the keys are {', '.join(KEYS)}."
                )
        base = path.parent
        program = _path_text(data, "program", where)
        voice_dir = _path_text(data, "voice_dir", where)
        label = _text(data, "label", where) or ""
        if label and not is_initials(label):
            raise PatientError(
                f"{where}: 'label' must be initials such as 'J.d.V.' (at most {LABEL_MAX} "
                f"letters, dots and spaces), not {label!r}."
            )
        practice = _text(data, "practice", where) or ""
        if len(practice) > PRACTICE_MAX or not practice.isprintable():
            raise PatientError(
                f"{where}: 'practice' must be one line of at most {PRACTICE_MAX} characters."
            )
        rate = data.get("rate")
        if rate is not None:
            rate = RATE.check(rate, f"{where}: 'rate'")
        folder = None
        if voice_dir is not None:
            folder = base / voice_dir
            if not folder.is_dir():
                raise PatientError(f"{where}: 'voice_dir' {folder} is not an existing folder.")
        return cls(
            path=path,
            program=None if program is None else base / program,
            label=label,
            practice=practice,
            voice=_text(data, "voice", where),
            rate=rate,
            voice_dir=folder,
            overrides=_overrides(data, where),
        )


def is_initials(label: str) -> bool:
    """Initials such as "J.d.V." or "Chr.B.": letters, dots, dashes and spaces, no word of a
    name ("Jan de Vries" is refused: a patient file holds initials only)."""
    return len(label) <= LABEL_MAX and bool(_LABEL.fullmatch(label)) and not _WORD.search(label)


def parse_rate(text: str) -> int:
    """A speaking rate as typed on the command line."""
    return RATE.check(parse_whole(text, RATE.flag), RATE.flag)


def _path_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    """A file or folder name: no NUL (no system opens such a name) or other control
    character."""
    value = _text(data, key, where)
    if value is not None and not value.isprintable():
        bad = next(c for c in value if not c.isprintable())
        raise PatientError(
            f"{where}: '{key}' holds a control character (U+{ord(bad):04X}); give a file name."
        )
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PatientError(f"{where}: '{key}' must be text, not {shown(value)}.")
    return value.strip()


def _overrides(data: Mapping[str, Any], where: str) -> Overrides:
    overall: dict[str, int] = {}
    table = data.get("dosage", {})
    if not isinstance(table, Mapping):
        raise PatientError(f"{where}: 'dosage' must be a table such as [dosage].")
    for name, value in table.items():
        check_field(name, f"{where} [dosage]")
        overall[name] = DOSAGE_SETTINGS[name].check(value, f"{where}: [dosage] '{name}'")
    exercises: dict[int, dict[str, int]] = {}
    per_exercise = data.get("exercises", {})
    if not isinstance(per_exercise, Mapping):
        raise PatientError(f"{where}: 'exercises' must be tables such as [exercises.7].")
    for key, values in per_exercise.items():
        if not re.fullmatch(r"[0-9]{1,9}", key):
            raise PatientError(
                f"{where}: [exercises.{key}] must name an exercise number, such as [exercises.7]."
            )
        if not isinstance(values, Mapping):
            raise PatientError(f"{where}: 'exercises.{key}' must be a table such as reps = 6.")
        section = f"{where} [exercises.{key}]"
        exercises[int(key)] = {
            check_field(name, section): DOSAGE_SETTINGS[name].check(value, f"{section} '{name}'")
            for name, value in values.items()
        }
    selection = data.get("selection")
    every = isinstance(selection, str) and selection.strip().casefold() == SELECT_ALL
    if every:
        selection = None
    if selection is not None:
        if not isinstance(selection, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in selection
        ):
            raise PatientError(
                f"{where}: 'selection' must be a list of exercise numbers such as [5, 6, 9], "
                'or "all".'
            )
        if not selection:
            raise PatientError(f"{where}: 'selection' needs at least one exercise number.")
        selection = tuple(selection)
    tones = data.get("tones")
    if tones is not None and not isinstance(tones, bool):
        raise PatientError(f"{where}: 'tones' must be true or false, not {tones!r}.")
    phase = data.get("phase")
    if phase is not None and (isinstance(phase, bool) or not isinstance(phase, int) or phase < 1):
        raise PatientError(
            f"{where}: 'phase' must be a phase number such as 1, not {shown(phase)}."
        )
    return Overrides(
        dosage=overall,
        exercises=exercises,
        selection=selection,
        select_all=every,
        phase=phase,
        tones=tones,
    )


@dataclass(frozen=True)
class Plan:
    """Everything a build or preview needs, checked: the program as this patient does it, and
    the voice that says it.

    Called a plan, not a job: ``--jobs`` counts the encoding workers.
    """

    program: Program
    voice: str | None
    rate: int | None
    patient: PatientFile | None = None
    program_file: Path | None = None
    """The program file it was made from; ``None``: the built-in card."""

    def __post_init__(self) -> None:
        """No plan holds a session too long to build (:mod:`~.session_cap`): ``build``,
        ``preview``, ``phrases`` and serve refuse it here, naming the patient file (else the
        program file), before anything is scripted or said."""
        file, what = (
            (self.patient.path, "patient file")
            if self.patient
            else (self.program_file, "program file")
        )
        with nullcontext() if file is None else naming(file, what, alone=False):
            check_length(self.program)

    @property
    def practice(self) -> str | None:
        """The practice the patient file names, for the tags and the page; ``None``: none."""
        return (self.patient.practice if self.patient else None) or None

    @property
    def label(self) -> str | None:
        """The patient's initials from the patient file; ``None``: none."""
        return (self.patient.label if self.patient else None) or None


def resolve_plan(
    patient_file: Path | PatientFile | None = None,
    *,
    program_file: Path | None = None,
    voice: str | None = None,
    rate: int | None = None,
    overrides: Overrides | None = None,
) -> Plan:
    """Load the patient file (if any) and lay the command line's values over it.

    No audio is made here, so every mistake is found before work starts. Every error names
    the patient file (and the program file, when that is where it is): in a day's batch, the
    one sentence says whose file it is. ``patient_file`` may be one already read (the web
    form checks the file it is about to save).
    """
    if patient_file is None:
        return _resolve(
            None, load_program(program_file), voice, rate, overrides, program_file=program_file
        )
    path = patient_file.path if isinstance(patient_file, PatientFile) else patient_file
    with naming(path, "patient file"):
        patient = (
            patient_file
            if isinstance(patient_file, PatientFile)
            else PatientFile.from_toml(patient_file)
        )
        program = load_program(program_file or patient.program)
        apply_overrides(program, patient.overrides, selection_key="'selection'")
    with naming(path, "patient file", alone=False):
        return _resolve(
            patient, program, voice, rate, overrides, program_file=program_file or patient.program
        )


def _resolve(
    patient: PatientFile | None,
    program: Program,
    voice: str | None,
    rate: int | None,
    overrides: Overrides | None,
    *,
    program_file: Path | None,
) -> Plan:
    """The plan: the command line's values over the patient file's (both checked)."""
    base = patient.overrides if patient else Overrides()
    given = overrides or Overrides()
    merged = given.over(base)
    if given.chosen:
        # The file's dosage for an exercise the command line leaves out no longer applies.
        heard = selected_exercises(program, given.selection, given.select_all)
        merged = replace(
            merged,
            exercises={
                n: v for n, v in merged.exercises.items() if n in heard or n in given.exercises
            },
        )
    if rate is not None:
        rate = RATE.check(rate, RATE.flag)
    return Plan(
        program=apply_overrides(program, merged),
        voice=voice if voice is not None else (patient.voice if patient else None),
        rate=rate if rate is not None else (patient.rate if patient else None),
        patient=patient,
        program_file=program_file,
    )


@dataclass(frozen=True)
class PlanOptions:
    """The values laid over a patient file, as typed: on the command line (``--reps 8``) or
    in the web page's form. ``None`` (or nothing) is "as the patient file or card says"."""

    program_file: Path | None = None
    voice: str | None = None
    rate: str | None = None
    dosage: Mapping[str, str | None] = field(default_factory=dict)
    """Per setting's key, the value for every exercise: ``{"rest_s": "20"}`` for ``--rest 20``
    (``None``: not given)."""
    select: str | None = None
    phase: str | None = None
    settings: Sequence[str] = ()
    """Dosage of one exercise each, or of every exercise, as ``--set 7.reps=6`` and
    ``--set reps=6``."""
    no_tones: bool = False


def plan_from_options(patient_file: Path | None, options: PlanOptions) -> Plan:
    """The checked plan: the patient file, then the options over it.

    Numbers arrive as text, so "2.5" or "abc" get the same one-line answer as "0".
    """
    overrides = cli_overrides(
        tones=False if options.no_tones else None,
        dosage=options.dosage,
        select=options.select,
        phase=options.phase,
        settings=options.settings,
    )
    return resolve_plan(
        patient_file,
        program_file=options.program_file,
        voice=options.voice,
        rate=None if options.rate is None else parse_rate(options.rate),
        overrides=overrides,
    )


def write_example(path: Path) -> None:
    """Write a commented example patient file that builds as written; never overwrite.

    The example is ``patient-example.toml.in`` beside this module, with each bound filled in
    from the settings table; a dosage setting it does not describe gets a line of the table's
    words (``{more}``)."""
    if path.exists():
        raise PatientError(f"{path} already exists; choose another name or remove it first.")
    if not path.parent.is_dir():
        raise PatientError(f"The folder {path.parent} does not exist.")
    text = (resources.files("audiocoach.model") / "patient-example.toml.in").read_text("utf-8")
    named = {field for _, field, _, _ in Formatter().parse(text)}
    more = "".join(
        f"\n# {s.key}: {s.english}, {s.span}{s.unit}."
        for s in DOSAGE_SETTINGS.values()
        if s.key not in named
    )
    spans = {key: setting.span for key, setting in SETTINGS.items()}
    write_text(path, text.format(name=path.name, more=more, **spans))
