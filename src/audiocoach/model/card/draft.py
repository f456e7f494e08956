"""A program file written by tomlkit: a card's draft, with a comment at each guess, or any
program (:func:`program_toml`, for whatever makes or changes a program).

tomlkit writes comments where they belong (above a key, at the end of its line), which the
standard library cannot: the therapist opens the draft and finds "check:" beside every value
the card did not give, and at the top every line that could not be read. The text written is
read back by :func:`~audiocoach.model.program_file.program_from_dict` before anything is
written, so a draft is always a program file audiocoach loads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.items import Array, InlineTable, Table

from audiocoach.model.card.schedule import Finding
from audiocoach.model.card.text import CardDraft
from audiocoach.model.program import Dosage, Exercise, Phase, Program, safe_slug
from audiocoach.model.program_file import program_from_dict

CHECK = "check:"
"""The mark at every guess and doubt in a draft; search the file for it."""
UNREAD = "not read:"


def draft_toml(draft: CardDraft, source: str) -> str:
    """The draft as the text of a program file; ``source`` names the card it was read from."""
    return program_toml(draft.program, draft.aims, draft.findings, _header(draft, source))


def program_toml(
    program: Program,
    aims: Mapping[int, str],
    findings: Sequence[Finding] = (),
    header: Sequence[str] = (),
) -> str:
    """Any program as the text of its program file, each finding a comment at its value;
    checked by reading it back, so what is written is what audiocoach loads."""
    document = tomlkit.document()
    for line in header:
        document.add(tomlkit.comment(line))
    if header:
        document.add(tomlkit.nl())
    document.add("program", _program_table(program, findings))
    document.add("phases", _phases(program))
    exercises = tomlkit.aot()
    for exercise in program.exercises:
        exercises.append(_exercise_table(exercise, aims.get(exercise.number), findings))
    document.add("exercises", exercises)
    text = tomlkit.dumps(document)
    program_from_dict(tomlkit.parse(text).unwrap(), origin="the draft")
    return text


def _header(draft: CardDraft, source: str) -> list[str]:
    program = draft.program
    checks = sum(1 for f in draft.findings if f.kind != "unread")
    lines = [
        f"A program drafted by 'audiocoach import' from {source}: {len(program.exercises)} "
        f"exercises, {len(program.phases)} phases.",
        f"Every value the card does not give is a plain guess, marked '{CHECK}' ({checks} in",
        "all); instructions are the card's own words, made speakable. Check each, then use",
        "it with --program or in a patient file.",
    ]
    unread = [f for f in draft.findings if f.kind == "unread"]
    if unread:
        lines.append(f"Lines of the card that could not be read ({UNREAD}):")
        lines.extend(f"  {describe(f)}" for f in unread)
    general = [f for f in draft.findings if f.kind != "unread" and f.exercise is None]
    lines.extend(f"{CHECK} {describe(f)}" for f in general)
    return lines


def describe(finding: Finding) -> str:
    """A finding in one line: where on the card, which exercise, what."""
    where = f"line {finding.line}" if finding.line else "the card"
    about = f", exercise {finding.exercise}" if finding.exercise else ""
    return f"{where}{about}: {finding.text}"


def _program_table(program: Program, findings: Sequence[Finding]) -> Table:
    table = tomlkit.table()
    if program.slug != safe_slug(program.title):
        table.add("slug", program.slug)
    table.add("title", program.title)
    table.add("subtitle", program.subtitle)
    table.add("source", program.source)
    table.add("times_per_day", list(program.times_per_day))
    _mark(table, "times_per_day", _about(findings, None, "times_per_day"))
    notes = tomlkit.array()
    notes.extend(program.notes)
    table.add("notes", notes.multiline(True))
    return table


def _phases(program: Program) -> Any:
    phases = tomlkit.aot()
    for phase in program.phases:
        phases.append(_phase_table(phase))
    return phases


def _phase_table(phase: Phase) -> Table:
    table = tomlkit.table()
    table.add("number", phase.number)
    table.add("title", phase.title)
    table.add("exercises", list(phase.exercises))
    table.add("fixed", list(phase.fixed))
    if phase.about:
        table.add("about", phase.about)
    if phase.brief:
        table.add("brief", list(phase.brief))
    if phase.closing:
        table.add("closing", tomlkit.string(phase.closing, multiline=True))
    return table


def _exercise_table(exercise: Exercise, aim: str | None, findings: Sequence[Finding]) -> Table:
    """One exercise; each guess a comment at its key, the rest above the dosage."""
    mine = [f for f in findings if f.exercise == exercise.number and f.kind != "unread"]
    table = tomlkit.table()
    table.add("number", exercise.number)
    table.add("name", exercise.name)
    _mark(table, "name", _fields(mine, "name"))
    table.add("title", exercise.title)
    _mark(table, "title", _fields(mine, "title"))
    if aim:
        table.add("aim", aim)
    if exercise.position:
        table.add("position", exercise.position)
        _mark(table, "position", _fields(mine, "position"))
    else:
        for finding in _fields(mine, "position"):
            table.add(tomlkit.comment(f"{CHECK} {finding.text} (position = rug, buik, ...)"))
    if exercise.starting_position:
        table.add("starting_position", exercise.starting_position)
    if exercise.verb:
        table.add("verb", exercise.verb)
    table.add("instruction", tomlkit.string(_sentences(exercise.instruction), multiline=True))
    for finding in _fields(mine, "", "dosage", "pattern", "cues", "move_s", "hold_s", "reps"):
        table.add(tomlkit.comment(f"{CHECK} {finding.text}"))
    for finding in _fields(mine, "sets", "rest_s"):
        table.add(tomlkit.comment(f"{CHECK} {finding.text}"))
    table.add("dosage", _dosage(exercise.dosage))
    return table


def _fields(findings: Sequence[Finding], *fields: str) -> list[Finding]:
    return [f for f in findings if f.field in fields]


def _about(findings: Sequence[Finding], exercise: int | None, field: str) -> list[Finding]:
    return [f for f in findings if f.exercise == exercise and f.field == field]


def _mark(table: Table, key: str, findings: Sequence[Finding]) -> None:
    """A comment at the end of ``key``'s line: its guess."""
    if findings:
        item = table[key]
        item.comment(f"{CHECK} {'; '.join(f.text for f in findings)}")


def _dosage(dosage: Dosage) -> InlineTable:
    """The dosage as the built-in card writes it: only what its pattern uses."""
    table = tomlkit.inline_table()
    table.add("pattern", dosage.pattern)
    if dosage.pattern not in ("advice", "hold"):
        table.add("reps", dosage.reps)
    table.add("sets", dosage.sets)
    table.add("rest_s", dosage.rest_s)
    if dosage.pattern == "hold":
        table.add("hold_s", dosage.hold_s)
    elif dosage.pattern != "advice":
        table.add("move_s", dosage.move_s)
    if dosage.cues:
        cues: Array = tomlkit.array()
        cues.extend(dosage.cues)
        table.add("cues", cues)
    return table


def _sentences(text: str) -> str:
    """One sentence a line, as the built-in card writes its instructions."""
    return "\n".join(re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)) + "\n"
