"""The program editor's fields, in one table, and the form read into a program file's data.

Every field the editor shows is a :class:`Field` of :data:`PROGRAM_FIELDS`,
:data:`PHASE_FIELDS` or :data:`EXERCISE_FIELDS`: its key in the program file, its Dutch label
and how its text is read. A key the program file gains (issue 21's per-exercise fields) is one
line in a table and, when it needs its own reading, one reader here.

Each value is checked as the program file checks it: the dosage numbers against the one table
of settings (:mod:`audiocoach.model.settings`), the texts, cues and time to move by the program
file's own checks (:mod:`audiocoach.model.program_file`), and what comes out is read back by
:func:`~audiocoach.model.program_file.program_from_dict`, so the editor saves nothing that
audiocoach would refuse to load. A wrong value gets a Dutch sentence at its field, naming its
label (and the exercise or phase), as the patient form does (:mod:`.messages`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from audiocoach.errors import DosageError, ProgramError
from audiocoach.model.checks import MAX_ITEMS, MAX_TEXT, check_text
from audiocoach.model.patterns import PATTERNS
from audiocoach.model.program import Dosage, Program
from audiocoach.model.program_file import MAX_CUE, MAX_CUES, dosage_from_dict
from audiocoach.model.settings import DOSAGE_SETTINGS, MOVE_S, TIMES_PER_DAY, Setting

PLAIN_PATTERNS: Mapping[str, str] = {
    "advice": "alleen uitleg",
    "reps": "herhalingen tellen",
    "parts": "herhalingen met links en rechts",
    "alternate": "om en om",
    "hold": "vasthouden",
}
"""How an exercise is dosed, in the therapist's words, for each of the dosage patterns of
:mod:`audiocoach.model.patterns` (a test checks that none is missing)."""

PLAIN_POSITIONS: Mapping[str, str] = {
    "": "niet gezegd",
    "rug": "op de rug",
    "buik": "op de buik",
    "zij": "op de zij",
    "zit": "zittend",
    "staan": "staand",
}
"""The starting positions of :data:`~audiocoach.model.program.Position`, in plain Dutch."""

Values = Mapping[str, str]
Errors = dict[str, str]


@dataclass(frozen=True)
class Field:
    """One field of the editor: its key in the program file, its label and how it is read."""

    key: str
    label: str
    kind: str
    """``line`` (one line of text), ``long`` (an instruction), ``number``, ``choice``,
    ``list`` (numbers with commas), ``cues``, ``seconds``, ``notes``."""
    required: bool = False
    hint: str = ""
    setting: Setting[Any] | None = None
    choices: Mapping[str, str] | None = None

    @property
    def needs(self) -> str:
        """What an empty required field says after its label."""
        return "vul dit veld in."


def _setting(key: str, label: str, kind: str, hint: str = "") -> Field:
    """A field of a number of the settings table: its bounds and its sentence from there."""
    table: dict[str, Setting[Any]] = {**DOSAGE_SETTINGS, MOVE_S.key: MOVE_S}
    table[TIMES_PER_DAY.key] = TIMES_PER_DAY
    setting = table[key]
    hint = hint or setting.dutch_span
    return Field(key, label, kind, required=kind == "day", hint=hint, setting=setting)


PROGRAM_FIELDS = (
    Field("title", "Titel van het programma", "line", required=True),
    Field("subtitle", "Ondertitel", "line"),
    Field("source", "Bron (van de kaart)", "line"),
    replace(_setting("times_per_day", "Keer per dag, minstens", "day"), key="times_fewest"),
    replace(_setting("times_per_day", "Keer per dag, hoogstens", "day"), key="times_most"),
    Field("notes", "Zinnen bij begin en einde", "notes", hint="Eén zin per regel."),
)
PHASE_FIELDS = (
    Field("title", "Titel van de fase", "line", required=True),
    Field(
        "exercises",
        "Oefeningen (nummers, in volgorde)",
        "list",
        required=True,
        hint="zoals 1, 2, 3",
    ),
    Field("chosen", "Waarvan de therapeut kiest", "list", hint="Leeg: alle blijven altijd."),
    Field("about", "Wat deze fase is (gesproken)", "line", hint="zoals: de opbouw"),
    Field("brief", "Adviezen hier in één zin", "list", hint="nummers van adviezen"),
    Field("closing", "Wat de kaart aan het eind zegt", "long"),
)
PHASE_EXTRAS = ("about", "brief", "closing")
"""Phase fields a program file may leave out: passed on only when filled in."""
EXERCISE_FIELDS = (
    Field("number", "Nummer op de kaart", "number", required=True, hint=f"1 tot {MAX_ITEMS}"),
    Field("name", "Korte naam (gesproken)", "line", required=True),
    Field("title", "Titel op de kaart", "line", required=True),
    Field("instruction", "Uitleg zoals gesproken", "long", required=True),
    Field("position", "Beginhouding", "choice", choices=PLAIN_POSITIONS),
    Field("starting_position", "Beginhouding in de woorden van de kaart", "line"),
    Field("verb", "Wat de patiënt doet bij vasthouden", "line", hint="zoals: loopt"),
    Field("pattern", "Hoe het gedoseerd wordt", "choice", choices=PLAIN_PATTERNS),
    *(_setting(key, s.label, "number") for key, s in DOSAGE_SETTINGS.items()),
    Field("cues", "Woorden bij elke herhaling", "cues", hint="met komma's, zoals links, rechts"),
    _setting("move_s", MOVE_S.label, "seconds", hint="zoals 2,5"),
)
"""Every field of one exercise, in the order of the page and of the program file."""

DOSAGE_KEYS = frozenset({*DOSAGE_SETTINGS, "cues", "move_s"})


def name_of(prefix: str, key: str) -> str:
    """The form's name (and id) of a field: ``titel``, ``f1-title``, ``e2-reps``."""
    return f"{prefix}{key}"


def uses(pattern: str, key: str) -> bool:
    """Whether a dosage field means something for this pattern (the page hides the rest)."""
    cueing = next((c for p, c in PATTERNS.items() if p == pattern), None)
    if cueing is None:
        return False
    if key == "cues":
        return bool(cueing.needs_cues)
    if key == "move_s":
        return bool(cueing.in_sets and not cueing.held)
    return key in cueing.fields


def sentence(field: Field, where: str, what: str) -> str:
    """``Herhalingen (oefening 2): kies …``: the label, where, and what to do."""
    label = f"{field.label} ({where})" if where else field.label
    return f"{label}: {what}"


_WHOLE = re.compile(r"\s*\+?0*([0-9]{1,6})\s*")
_SECONDS = re.compile(r"\s*([0-9]{1,3})(?:[.,]([0-9]{1,2}))?\s*")


def _line(text: str, field: Field, where: str, errors: Errors, name: str) -> str | None:
    text = " ".join(text.split()) if field.kind != "long" else text.strip()
    if not text:
        if field.required:
            errors[name] = sentence(field, where, field.needs)
        return None
    try:
        check_text(text, field.label, multiline=field.kind == "long")
    except ProgramError:
        errors[name] = sentence(
            field, where, f"gewone tekst zonder stuurtekens, hoogstens {MAX_TEXT} tekens."
        )
        return None
    return text


def _number(text: str, field: Field, where: str, errors: Errors, name: str) -> int | None:
    match = _WHOLE.fullmatch(text)
    value = int(match[1]) if match else -1
    if field.setting:
        try:
            return int(field.setting.check(value, field.label))
        except DosageError:
            errors[name] = sentence(field, where, field.setting.choose)
            return None
    if not 1 <= value <= MAX_ITEMS:
        errors[name] = sentence(field, where, f"kies een getal van 1 tot {MAX_ITEMS}.")
        return None
    return value


def _list(text: str, field: Field, where: str, errors: Errors, name: str) -> list[int] | None:
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not parts:
        if field.required:
            errors[name] = sentence(
                field, where, "vul de nummers van de oefeningen in, zoals 1, 2."
            )
        return [] if not field.required else None
    if not all(re.fullmatch(r"[0-9]{1,2}", p) for p in parts) or len(set(parts)) != len(parts):
        errors[name] = sentence(field, where, "nummers van oefeningen met komma's, elk één keer.")
        return None
    return [int(p) for p in parts]


def _cues(text: str, field: Field, where: str, errors: Errors, name: str) -> list[str] | None:
    cues = [" ".join(c.split()) for c in text.split(",") if c.strip()]
    try:
        dosage_from_dict({"pattern": "parts", "cues": cues}, field.label)
    except ProgramError:
        errors[name] = sentence(
            field,
            where,
            f"2 tot {MAX_CUES} woorden met komma's ertussen, zoals links, rechts "
            f"(elk hoogstens {MAX_CUE} tekens).",
        )
        return None
    return cues


def _seconds(text: str, field: Field, where: str, errors: Errors, name: str) -> float | None:
    match = _SECONDS.fullmatch(text)
    value = float(f"{match[1]}.{match[2] or 0}") if match else -1.0
    try:
        return MOVE_S.check(value, field.label)
    except DosageError:
        errors[name] = sentence(field, where, f"{MOVE_S.choose[:-1]}, zoals 2,5.")
        return None


def _choice(text: str, field: Field, where: str, errors: Errors, name: str) -> str | None:
    assert field.choices is not None
    if text not in field.choices:
        errors[name] = sentence(field, where, "kies er een uit de lijst.")
        return None
    return text or None


def _notes(text: str, field: Field, where: str, errors: Errors, name: str) -> list[str] | None:
    notes = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for note in notes:
        if _line(note, field, where, errors, name) is None:
            return None
    return notes


READERS: Mapping[str, Callable[[str, Field, str, Errors, str], Any]] = {
    "line": _line,
    "long": _line,
    "number": _number,
    "day": _number,
    "list": _list,
    "cues": _cues,
    "seconds": _seconds,
    "choice": _choice,
    "notes": _notes,
}
"""How each kind of field is read: its value, or ``None`` with its sentence in the errors."""


def read_fields(
    fields: tuple[Field, ...], values: Values, prefix: str, where: str, errors: Errors
) -> dict[str, Any]:
    """The fields of one part (the program, a phase, an exercise), each read and checked."""
    read: dict[str, Any] = {}
    pattern = values.get(f"{prefix}pattern", "")
    for field in fields:
        name = name_of(prefix, field.key)
        text = values.get(name, "")[: MAX_TEXT + 1]
        if field.key in DOSAGE_KEYS and not uses(pattern, field.key):
            continue
        if not text.strip() and not field.required and field.kind not in ("choice",):
            continue
        value = READERS[field.kind](text, field, where, errors, name)
        if value is not None:
            read[field.key] = value
    return read


def program_values(program: Program) -> dict[str, str]:
    """A program as the editor's fields, to change it (or a copy of it)."""
    values = {
        "title": program.title,
        "subtitle": program.subtitle,
        "source": program.source,
        "times_fewest": str(program.times_per_day[0]),
        "times_most": str(program.times_per_day[1]),
        "notes": "\n".join(program.notes),
        "exercise_slots": str(len(program.exercises)),
        "phase_slots": str(len(program.phases)),
    }
    for slot, phase in enumerate(program.phases, 1):
        values[f"f{slot}-title"] = phase.title
        values[f"f{slot}-exercises"] = ", ".join(map(str, phase.exercises))
        chosen = [n for n in phase.exercises if n not in phase.fixed]
        values[f"f{slot}-chosen"] = ", ".join(map(str, chosen))
        values[f"f{slot}-about"] = phase.about
        values[f"f{slot}-brief"] = ", ".join(map(str, phase.brief))
        values[f"f{slot}-closing"] = phase.closing
    for slot, exercise in enumerate(program.exercises, 1):
        values.update(_exercise_values(f"e{slot}-", exercise.dosage))
        values[f"e{slot}-number"] = str(exercise.number)
        values[f"e{slot}-name"] = exercise.name
        values[f"e{slot}-title"] = exercise.title
        values[f"e{slot}-instruction"] = exercise.instruction
        values[f"e{slot}-position"] = exercise.position or ""
        values[f"e{slot}-starting_position"] = exercise.starting_position or ""
        values[f"e{slot}-verb"] = exercise.verb or ""
    return values


def _exercise_values(prefix: str, dosage: Dosage) -> dict[str, str]:
    values: dict[str, str] = {f"{prefix}pattern": dosage.pattern}
    for key in DOSAGE_SETTINGS:
        if uses(dosage.pattern, key):
            values[f"{prefix}{key}"] = str(getattr(dosage, key))
    if uses(dosage.pattern, "move_s"):
        values[f"{prefix}move_s"] = f"{dosage.move_s:g}".replace(".", ",")
    if dosage.cues:
        values[f"{prefix}cues"] = ", ".join(dosage.cues)
    return values


def empty_values() -> dict[str, str]:
    """A new program: one phase and one exercise to fill in, counted as the card counts."""
    return {
        "times_fewest": "1",
        "times_most": "3",
        "exercise_slots": "1",
        "phase_slots": "1",
        "e1-number": "1",
        "e1-pattern": "reps",
        "e1-sets": "1",
        "e1-rest_s": "15",
        "e1-move_s": "3",
    }


PASTE = "kaart"
"""The box "Plak de tekst van de kaart"."""
PASTE_LIMIT = 100_000
GUESSED = "Gegokt of twijfel: de kaart zegt dit niet zo; kijk het na."
NOT_A_CARD = (
    "Plak de tekst van de kaart: dit is geen kaart in de vorm die audiocoach leest (een "
    "schema met 'PERIODE OEFENING UITVOERING', dan oefeningen met 'Oef. 1.')."
)
_FINDING_FIELDS = {"": "pattern", "dosage": "pattern", "times_per_day": "times_fewest"}


def draft_values(text: str) -> tuple[dict[str, str], dict[str, str], Errors]:
    """A card's text read by the card reader into the editor's fields, a mark at each field
    the reader guessed or doubted, and the sentence for a text that is no card."""
    from audiocoach.errors import CardError
    from audiocoach.model.card.text import read_card

    try:
        draft = read_card(text[:PASTE_LIMIT], origin="The pasted text")
    except CardError:
        return empty_values(), {}, {PASTE: NOT_A_CARD}
    slots = {e.number: slot for slot, e in enumerate(draft.program.exercises, 1)}
    marks: dict[str, str] = {}
    unread = 0
    for finding in draft.findings:
        if finding.kind == "unread":
            unread += 1
            continue
        key = _FINDING_FIELDS.get(finding.field, finding.field)
        prefix = f"e{slots[finding.exercise]}-" if finding.exercise in slots else ""
        marks[f"{prefix}{key}"] = GUESSED
    if unread:
        marks[PASTE] = (
            f"{unread} regel(s) van de kaart konden niet worden gelezen; vergelijk de "
            "oefeningen met de kaart."
        )
    return program_values(draft.program), marks, {}
