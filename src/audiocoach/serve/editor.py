"""The program editor: "Nieuw programma" and "Programma aanpassen" on the therapist's screen.

A program is made from empty or from a copy of a program (the built-in card or a file of the
output folder), its fields read and checked by :mod:`.editor_fields`, previewed as the patient
form previews (lengths and script, from the speech process), and saved as a program file in
the output folder, written by the card importer's TOML writer
(:func:`~audiocoach.model.card.draft.program_toml`). It then appears in the patient form's
list of programs.

Nothing a patient uses changes under them: a new name is written only where no file is
(:func:`~audiocoach.files.write_new_text`), and a change to a program that a patient file of the
folder names is saved as a new version (``naam-2.toml``); that patient keeps theirs until the
therapist picks the new one and builds again. The built-in card is never written.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from audiocoach.errors import AudiocoachError, ProgramError
from audiocoach.files import write_new_text, write_text
from audiocoach.model.checks import MAX_ITEMS
from audiocoach.model.patient import Plan
from audiocoach.model.patterns import PATTERNS
from audiocoach.model.program import Program, safe_slug
from audiocoach.model.program_file import load_program, program_from_dict
from audiocoach.serve import messages
from audiocoach.serve.app import SECURITY_HEADERS, Server, server_of
from audiocoach.serve.editor_fields import (
    DOSAGE_KEYS,
    EXERCISE_FIELDS,
    PASTE,
    PHASE_EXTRAS,
    PHASE_FIELDS,
    PROGRAM_FIELDS,
    Errors,
    Values,
    draft_values,
    empty_values,
    program_values,
    read_fields,
    sentence,
    uses,
)
from audiocoach.serve.patients import PATIENT_NAME, saved_patients
from audiocoach.serve.practice import PRACTICE_NAME
from audiocoach.serve.programs import program_files

NO_EXERCISE = "Oefeningen: vul ten minste één oefening in (naam, titel en uitleg)."
NO_PHASE = "Fasen: vul ten minste één fase in (titel en oefeningen)."
WRONG = "Dit programma klopt nog niet; kijk de velden met een melding na."
FILE_NAME = (
    "Bestandsnaam: alleen kleine letters, cijfers en streepjes, zoals knie-thuis "
    "(hoogstens 60 tekens)."
)
FILE_TAKEN = "Bestandsnaam: er staat al een programma met die naam in de map; kies een andere naam."
FILE_RESERVED = "Bestandsnaam: die naam gebruikt audiocoach zelf; kies een andere naam."
MAX_SLOTS = 40
"""Exercises and phases on one page (a card has a dozen)."""
_EXERCISE = {f.key: f for f in EXERCISE_FIELDS}
_PHASE = {f.key: f for f in PHASE_FIELDS}
_FILE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
_VERSION = re.compile(r"(.+)-([0-9]{1,3})")
HEADER = (
    "A program file made in the program editor of 'audiocoach serve'.",
    "Open it there again to change it; a change to a program a patient uses is saved as a",
    "new version, so that patient's audio stays as it was until it is built again.",
)


@dataclass
class Edited:
    """The editor's form: what was typed, a sentence per wrong field, and the program."""

    values: dict[str, str]
    errors: Errors = field(default_factory=dict)
    program: Program | None = None


def slots(values: Values, key: str) -> int:
    """How many exercise or phase blocks the page shows."""
    text = values.get(key, "1")
    return min(int(text), MAX_SLOTS) if text.isdigit() and text != "0" else 1


def _blank(values: Values, prefix: str, keys: tuple[str, ...]) -> bool:
    return not any(values.get(f"{prefix}{key}", "").strip() for key in keys)


def read_program(values: Values) -> Edited:
    """The editor's fields as a checked program; ``program`` is set only when all are right."""
    edited = Edited(dict(values))
    errors = edited.errors
    head = read_fields(PROGRAM_FIELDS, values, "", "", errors)
    if {"times_fewest", "times_most"} <= set(head) and head["times_fewest"] > head["times_most"]:
        most = next(f for f in PROGRAM_FIELDS if f.key == "times_most")
        errors["times_most"] = sentence(most, "", "niet minder dan minstens.")
    exercises = _exercises(values, errors)
    numbers = [e["number"] for e in exercises if "number" in e]
    if any(name.endswith("-number") for name in errors):  # not judged by a wrong number
        numbers = []
    phases = _phases(values, numbers, errors)
    if errors:
        return edited
    data = {
        "program": {
            "title": head["title"],
            "subtitle": head.get("subtitle", ""),
            "source": head.get("source", ""),
            "times_per_day": [head["times_fewest"], head["times_most"]],
            "notes": head.get("notes", []),
        },
        "phases": phases,
        "exercises": exercises,
    }
    try:
        edited.program = program_from_dict(data, origin="the editor's program")
    except ProgramError as error:
        print(f"audiocoach serve: {error}", file=sys.stderr)
        errors["form"] = WRONG
    return edited


def _exercises(values: Values, errors: Errors) -> list[dict[str, Any]]:
    """Each filled-in exercise block as a program file's table; numbers and names once each."""
    found: list[dict[str, Any]] = []
    numbers: set[int] = set()
    names: set[str] = set()
    for slot in range(1, slots(values, "exercise_slots") + 1):
        prefix = f"e{slot}-"
        if _blank(values, prefix, ("name", "title", "instruction")):
            continue
        where = f"oefening {slot}"
        read = read_fields(EXERCISE_FIELDS, values, prefix, where, errors)
        if read.get("number") in numbers:
            errors[f"{prefix}number"] = sentence(
                _EXERCISE["number"], where, "een andere oefening heeft dat nummer al."
            )
        if read.get("name", "").casefold() in names:
            errors[f"{prefix}name"] = sentence(
                _EXERCISE["name"],
                where,
                "een andere oefening heet al zo; geef elke oefening een eigen naam.",
            )
        numbers.add(read.get("number", 0))
        names.add(read.get("name", "").casefold())
        pattern = read.pop("pattern", "reps")
        dosage = {k: read.pop(k) for k in list(read) if k in DOSAGE_KEYS}
        if pattern == "advice":  # said, not done in sets: as the built-in card writes it
            dosage = {"sets": 1, "rest_s": 0}
        read["dosage"] = {"pattern": pattern, **dosage}
        found.append(read)
    if not found and not errors:
        errors["exercises"] = NO_EXERCISE
    return found


def _phases(values: Values, numbers: list[int], errors: Errors) -> list[dict[str, Any]]:
    """Each filled-in phase block, numbered in order, naming exercises of this program."""
    found: list[dict[str, Any]] = []
    for slot in range(1, slots(values, "phase_slots") + 1):
        prefix = f"f{slot}-"
        if _blank(values, prefix, ("title", "exercises", "chosen")):
            continue
        where = f"fase {slot}"
        read = read_fields(PHASE_FIELDS, values, prefix, where, errors)
        listed = read.get("exercises", [])
        missing = [n for n in listed if n not in numbers]
        if missing and numbers:
            errors[f"{prefix}exercises"] = sentence(
                _PHASE["exercises"], where, f"oefening {missing[0]} staat niet in dit programma."
            )
        chosen = read.get("chosen", [])
        if any(n not in listed for n in chosen):
            errors[f"{prefix}chosen"] = sentence(
                _PHASE["chosen"], where, "alleen nummers die bij de oefeningen van deze fase staan."
            )
        fixed = [n for n in listed if n not in chosen]
        found.append(
            {"number": len(found) + 1, "title": read.get("title", ""), "exercises": listed}
            | {"fixed": fixed}
            | {key: read[key] for key in PHASE_EXTRAS if key in read}
        )
    if not found and "exercises" not in errors:
        errors["phases"] = NO_PHASE
    return found


def in_use(out: Path, name: str) -> bool:
    """Whether a patient file of the output folder names this program file."""
    return any(patient.program == name for patient in saved_patients(out))


def save_program(out: Path, program: Program, file: str, editing: str) -> tuple[str, str]:
    """Write the program as ``file``.toml; the name written and, for a program in use, the
    name of the version the patients keep. A new name never replaces a file; the program
    being changed is replaced only when no patient uses it."""
    name = f"{file}.toml"
    stem = _VERSION.fullmatch(file)
    base = stem[1] if stem and f"{stem[1]}.toml" in program_files(out) else file
    text = _toml(replace(program, slug=safe_slug(base)))
    target = out / name
    if not (target.exists() or target.is_symlink()):
        write_new_text(target, text)
        return name, ""
    if name != editing:
        raise FileExistsError(name)
    if not in_use(out, name):
        write_text(target, text)
        return name, ""
    for version in range(2, 1000):
        try:
            write_new_text(out / f"{base}-{version}.toml", text)
        except FileExistsError:
            continue
        return f"{base}-{version}.toml", name
    raise FileExistsError(name)


def _toml(program: Program) -> str:
    from audiocoach.model.card.draft import program_toml

    return program_toml(program, {}, header=HEADER)


def _context(server: Server, edited: Edited) -> dict[str, Any]:
    values = edited.values
    return {
        "csrf": server.token,
        "values": values,
        "errors": edited.errors,
        "program_fields": PROGRAM_FIELDS,
        "phase_fields": PHASE_FIELDS,
        "exercise_fields": EXERCISE_FIELDS,
        "exercise_slots": range(1, slots(values, "exercise_slots") + 1),
        "phase_slots": range(1, slots(values, "phase_slots") + 1),
        "programs": program_files(server.out),
        "dose_uses": {k: [p for p in PATTERNS if uses(p, k)] for k in DOSAGE_KEYS},
        "builtin_title": load_program().title,
        "editing": True,
        "marks": {},
        "paste": PASTE,
        "saved": "",
        "kept": "",
        "preview": None,
        "waiting": False,
    }


def _page(server: Server, edited: Edited, status: int = 200, **more: Any) -> Response:
    return server.page("editor.html.j2", status, **{**_context(server, edited), **more})


async def _show(request: Request) -> Response:
    """The choice of a program to start from; with ``?van=``, the editor filled in with it."""
    server = server_of(request)
    start = request.query_params.get("van", "")
    saved = request.query_params.get("opgeslagen", "")
    kept = request.query_params.get("versie", "")
    files = program_files(server.out)
    if not start:
        return _page(server, Edited(empty_values()), editing=False)
    if start == "leeg":
        values = empty_values()
    elif start == "kaart":
        values = program_values(load_program())
    elif start in files:
        try:
            values = program_values(load_program(server.out / start))
        except AudiocoachError:
            return _page(server, Edited({}, {"form": messages.PROGRAM_WRONG}), 400, editing=False)
        values |= {"editing": start, "file": start.removesuffix(".toml")}
    else:
        raise HTTPException(404, messages.NO_FILE)
    return _page(
        server,
        Edited(values),
        saved=saved if saved in files else "",
        kept=kept if kept in files else "",
    )


def _posted(form: FormData, out: Path) -> dict[str, str]:
    skip = ("csrf", PASTE)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k not in skip}
    if values.get("editing", "") not in program_files(out):
        values["editing"] = ""
    return values


def _more(values: dict[str, str], key: str) -> dict[str, str]:
    """The form with one more exercise or phase block, ready to fill in."""
    count = slots(values, key) + 1
    values = {**values, key: str(min(count, MAX_SLOTS))}
    if key == "exercise_slots":
        prefix = f"e{count}-"
        used = [int(v) for k, v in values.items() if k.endswith("-number") and v.isdigit()]
        values.setdefault(f"{prefix}number", str(min(max(used, default=0) + 1, MAX_ITEMS)))
        values.setdefault(f"{prefix}pattern", "reps")
        for key_, default in (("sets", "1"), ("rest_s", "15"), ("move_s", "3")):
            values.setdefault(f"{prefix}{key_}", default)
    return values


async def _preview_of(server: Server, edited: Edited) -> tuple[Any, bool]:
    """The patient form's preview of the program as it is on the page (all of every phase)."""
    from audiocoach.serve.routes import preview_of

    program = edited.program
    if program is None:
        return None, False
    return await preview_of(server, lambda: Plan(program, None, None), edited.errors)


async def _submit(request: Request) -> Response:
    """ "Oefening erbij", "Fase erbij", "Bekijk" or "Opslaan"."""
    from audiocoach.serve.routes import checked_post

    server = server_of(request)
    form = await checked_post(request)
    values = _posted(form, server.out)
    action = form.get("actie")
    if action == "plak":
        values, marks, errors = draft_values(str(form.get(PASTE, "")))
        status = 400 if errors else 200
        return _page(server, Edited(values, errors), status, marks=marks, editing=not errors)
    if action in ("oefening", "fase"):
        key = "exercise_slots" if action == "oefening" else "phase_slots"
        return _page(server, Edited(_more(values, key)))
    edited = read_program(values)
    if action == "opslaan":
        return _save(server, edited)
    preview, waiting = await _preview_of(server, edited)
    status = 400 if edited.errors else 200
    return _page(server, edited, status, preview=preview, waiting=waiting)


def _save(server: Server, edited: Edited) -> Response:
    file = edited.values.get("file", "").strip().lower().removesuffix(".toml")
    if not _FILE.fullmatch(file):
        edited.errors["file"] = FILE_NAME
    elif f"{file}.toml" in (PRACTICE_NAME, PATIENT_NAME):
        edited.errors["file"] = FILE_RESERVED
    if edited.program is None or edited.errors:
        return _page(server, edited, 400)
    try:
        name, kept = save_program(server.out, edited.program, file, edited.values["editing"])
    except FileExistsError:
        edited.errors["file"] = FILE_TAKEN
        return _page(server, edited, 409)
    except OSError as error:
        print(f"audiocoach serve: the program was not saved: {error}", file=sys.stderr)
        edited.errors["form"] = messages.NOT_WRITTEN
        return _page(server, edited, 500)
    query = {"van": name, "opgeslagen": name, **({"versie": kept} if kept else {})}
    return RedirectResponse(f"/programma?{urlencode(query)}", status_code=303)


async def _preview(request: Request) -> Response:
    """The page's script asks this as the editor changes: the messages and the preview."""
    from audiocoach.serve.routes import checked_post

    server = server_of(request)
    edited = read_program(_posted(await checked_post(request), server.out))
    shown, waiting = await _preview_of(server, edited)
    html = ""
    if edited.program is not None:
        template = server.templates.get_template("preview.html.j2")
        html = template.render(preview=shown, waiting=waiting)
    answer = {"errors": edited.errors, "html": html, "waiting": waiting}
    return JSONResponse(answer, headers=SECURITY_HEADERS)


ROUTES = [
    Route("/programma", _show, methods=["GET"]),
    Route("/programma", _submit, methods=["POST"]),
    Route("/programma/voorbeeld", _preview, methods=["POST"]),
]
"""The program editor."""
