"""Reading a card's text into a program draft: pure ``str -> CardDraft``, no files.

A practice's cards share one layout: a title and subtitle, a schedule headed "PERIODE OEFENING
UITVOERING" (a period, the exercise numbers, the dosage: "2 t/m 4 aantal: beide zijden 10x /
daarna ± 15 sec. rust", "doe dit 3 keer*"), its footnotes ("drie tot vijf maal daags"), then
one description per exercise headed "Oef. N. title". The reader depends on words and order,
not on blank lines or where lines break, so the text a PDF gives reads as the plain text does.

What the card says is read; what it does not say (a spoken name, cues, the time to move, the
starting position) is a plain guess, and every guess, doubt or line it could not read is a
:class:`Finding` with its line, never a silent choice. The dosage phrases are read in
:mod:`~audiocoach.model.card.schedule`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from audiocoach.dutch_words import number_word, said_in_full
from audiocoach.errors import CardError
from audiocoach.model.card.schedule import Finding, Line, Row, read_schedule, times_per_day
from audiocoach.model.program import Dosage, Exercise, Phase, Position, Program, safe_slug
from audiocoach.model.program_file import AIMS

__all__ = ["CardDraft", "Finding", "read_card"]

SCHEDULE_HEADER = re.compile(r"^\s*PERIODE\s+OEFENING\s+UITVOERING\s*$")
HEADING = re.compile(r"^(?P<kind>Oef(?:ening)?|Afb)\.?\s*(?P<number>\d{1,3})\s*\.\s*(?P<title>.*)$")
"""An exercise's heading: "Oef. 9. versterken van de rechte" (its title may go on below)."""
WHOLE_PERIOD = "gehele periode"
OPEN_PHASE_TITLE = "Opbouw"
REFERENCE = re.compile(r"\b(?:als|zie) oefening (\w+)\b", re.IGNORECASE)
POSITIONS: tuple[tuple[str, Position], ...] = (
    (r"\bop de rug\b|\brugligging\b", "rug"),
    (r"\bop de buik\b|\bbuikligging\b", "buik"),
    (r"\bop de zij\b|\bzijligging\b", "zij"),
    (r"\bga (?:\w+ )*zitten\b|\bzit\b", "zit"),
    (r"\bga (?:\w+ )*staan\b|\bsta\b|\bloop\b|\bstaand\b", "staan"),
)
"""Where a description says the exercise starts; the first found in its text wins."""
CONSULTATION = re.compile(r"in overleg met uw\s+behandelaar", re.IGNORECASE)
DEFAULT_MOVE_S = 3.0


@dataclass(frozen=True)
class CardDraft:
    """What a card's text says, as a program, and what the therapist must check."""

    program: Program
    aims: Mapping[int, str]
    """The card's aim per exercise ("mobiliseren"), from its title; a program file may say it."""
    findings: tuple[Finding, ...]


def read_card(text: str, origin: str = "The text") -> CardDraft:
    """Read a card's text; a text in another layout is a :class:`CardError` of one sentence."""
    lines = [Line(n, " ".join(t.split())) for n, t in enumerate(text.splitlines(), 1)]
    lines = [line for line in lines if line.text]
    start = next((i for i, line in enumerate(lines) if SCHEDULE_HEADER.match(line.text)), None)
    first = next((i for i, line in enumerate(lines) if HEADING.match(line.text)), None)
    if start is None or first is None or first < start:
        raise CardError(
            f"{origin} is not an exercise card in the layout audiocoach reads: a schedule "
            "headed 'PERIODE OEFENING UITVOERING', then exercises headed 'Oef. 1.'."
        )
    findings: list[Finding] = []
    title, subtitle, source = _head(lines[:start])
    schedule = [line for line in lines[start + 1 : first] if line.text != title]  # page headers
    rows = read_schedule(schedule, findings)
    if not rows:
        raise CardError(f"{origin} has a schedule in which no exercise could be read.")
    described = _descriptions(lines[first:], title, findings)
    exercises = _exercises(rows, described, findings)
    days = times_per_day(schedule, findings)
    notes = []
    if not any(f.field == "times_per_day" for f in findings):  # only what the card says
        times = f"{days[0]} tot {days[1]}" if days[0] != days[1] else f"{days[0]}"
        notes.append(f"Herhaal deze oefeningen {said_in_full(times)} keer per dag.")
    if CONSULTATION.search(" ".join(line.text for line in lines)):
        notes.append("Doe dit programma in overleg met uw behandelaar of begeleider.")
    program = Program(
        slug=safe_slug(title),
        title=title,
        subtitle=subtitle,
        source=source,
        exercises=tuple(e for e, _ in exercises),
        phases=_phases(rows, {e.number: e for e, _ in exercises}, findings),
        notes=tuple(notes),
        times_per_day=days,
    )
    aims = {e.number: aim for e, aim in exercises if aim}
    return CardDraft(program, aims, tuple(sorted(findings, key=_finding_order)))


def _finding_order(finding: Finding) -> tuple[int, int]:
    return finding.exercise or 0, finding.line


def _head(lines: Sequence[Line]) -> tuple[str, str, str]:
    """Title, subtitle and source: the first two lines, and the practice's name in quotes."""
    quoted = [line for line in lines if line.text[:1] in "“\"'„" and len(line.text) < 80]
    rest = [line.text for line in lines if line not in quoted]
    source = quoted[0].text.strip("“”\"'„ ") if quoted else ""
    if source.isupper():
        source = " ".join(word.capitalize() for word in source.split())
    title = rest[0] if rest else "Oefenprogramma"
    subtitle = rest[1] if len(rest) > 1 and len(rest[1]) < 100 else ""
    return title, subtitle, source


@dataclass(frozen=True)
class _Described:
    """One exercise's heading and description, as the card writes them."""

    number: int
    line: int
    title: str
    text: str


def _descriptions(
    lines: Sequence[Line], card_title: str, findings: list[Finding]
) -> dict[int, _Described]:
    """Each "Oef. N." heading, its title (lines that go on in lower case) and its text."""
    found: dict[int, _Described] = {}
    blocks: list[tuple[Line, re.Match[str], list[Line]]] = []
    for line in lines:
        heading = HEADING.match(line.text)
        if heading:
            blocks.append((line, heading, []))
        elif line.text != card_title:  # the title is each page's header too
            blocks[-1][2].append(line)
    words = {w for line in lines for w in re.findall(r"[\w-]+", line.text)}
    for line, heading, body in blocks:
        number = int(heading["number"])
        title = heading["title"]
        while body and body[0].text[:1].islower():
            title = _joined(title, body.pop(0).text)
        if heading["kind"] == "Afb":
            findings.append(
                Finding("check", line.line, f"'{line.text}' read as exercise {number}.", number)
            )
        if number in found or not 1 <= number <= 99:
            findings.append(Finding("unread", line.line, f"a second heading '{line.text}'."))
            continue
        title = _corrected(title, words, line.line, number, findings)
        text = ""
        for part in body:
            text = _joined(text, part.text)
        found[number] = _Described(number, line.line, title[:1].upper() + title[1:], text)
    return found


def _joined(text: str, more: str) -> str:
    """Two lines as one text; a word broken with a dash at the line's end stays one word."""
    if not text:
        return more
    return f"{text}{more}" if text.endswith("-") and not text.endswith(" -") else f"{text} {more}"


def _corrected(title: str, words: set[str], line: int, number: int, out: list[Finding]) -> str:
    """A code misprinted with a one for an I ("S1-gewricht") where the card writes it right
    elsewhere ("SI-gewricht")."""
    for word in re.findall(r"[\w-]*[A-Z]1[\w-]*", title):
        meant = word.replace("1", "I")
        if meant in words:
            title = title.replace(word, meant)
            out.append(Finding("check", line, f"'{word}' read as '{meant}'.", number, "title"))
    return title


def _exercises(
    rows: Sequence[Row], described: Mapping[int, _Described], findings: list[Finding]
) -> list[tuple[Exercise, str | None]]:
    """Every exercise the schedule or a heading names, with its aim, in number order."""
    dosed = {number: row for row in rows for number in row.numbers}
    shared = _shared_titles(described)
    made: dict[int, tuple[Exercise, str | None]] = {}
    for number in sorted(set(dosed) | set(described)):
        row, own = dosed.get(number), described.get(number)
        if own is None:
            line = row.line if row else 0
            findings.append(Finding("unread", line, "the card describes no exercise here.", number))
            own = _Described(number, line, f"Oefening {number_word(number)}", "")
        if row is None:
            findings.append(
                Finding("unread", own.line, "the schedule gives no dosage; one set.", number)
            )
            row = Row(own.line, "", (number,), Dosage(pattern="reps", sets=1, rest_s=0), ())
        made[number] = _exercise(own, row, shared, made, findings)
    _misplaced_parts([e for e, _ in made.values()], dosed, findings)
    return [made[n] for n in sorted(made)]


SIDE_CUES = ("links", "rechts")


def _misplaced_parts(
    exercises: Sequence[Exercise], rows: Mapping[int, Row], findings: list[Finding]
) -> None:
    """A row that names parts ("10x hol en bol") whose words are not in its exercise's text
    but in another's: the schedule's rows may be swapped; both are marked, neither changed."""
    for exercise in exercises:
        cues = exercise.dosage.cues
        if exercise.dosage.pattern != "parts" or cues == SIDE_CUES:
            continue
        if _says(exercise.instruction, cues):
            continue
        for other in exercises:
            if other is not exercise and _says(other.instruction, cues):
                pair = sorted((exercise.number, other.number))
                text = (
                    f"the schedule's '{' en '.join(cues)}' fits exercise {other.number}, not "
                    f"{exercise.number}: its rows for {pair[0]} and {pair[1]} may be swapped."
                )
                for one in (exercise, other):
                    line = rows[one.number].line if one.number in rows else 0
                    findings.append(Finding("check", line, text, one.number, "dosage"))


def _says(text: str, words: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) for word in words)


def _shared_titles(described: Mapping[int, _Described]) -> set[str]:
    titles = [d.title.casefold() for d in described.values()]
    return {t for t in titles if titles.count(t) > 1}


def _exercise(
    own: _Described,
    row: Row,
    shared: set[str],
    made: Mapping[int, tuple[Exercise, str | None]],
    findings: list[Finding],
) -> tuple[Exercise, str | None]:
    """One exercise: the card's title and text as spoken, its row's dosage, and the guesses."""
    number, spoken = own.number, said_in_full(own.text)
    findings.extend(replace(f, exercise=number) for f in row.findings)
    dosage = row.dosage
    if dosage.pattern == "reps" and re.search(r"\b(?:afwisselend|om en om)\b", spoken):
        dosage = replace(dosage, pattern="alternate", cues=("links", "rechts"))
        findings.append(_guess(own, "pattern", "the text says 'afwisselend': counted in turn."))
    if dosage.pattern in ("reps", "parts", "alternate"):
        dosage = replace(dosage, move_s=DEFAULT_MOVE_S)
        findings.append(_guess(own, "move_s", "the card gives no time to move: 3 seconds."))
    if dosage.cues:
        said = ", ".join(dosage.cues)
        findings.append(_guess(own, "cues", f"the cues '{said}' are a guess: words and order."))
    name = own.title
    if own.title.casefold() in shared:
        name = f"{own.title}, oefening {number_word(number)}"
    findings.append(_guess(own, "name", "the spoken name: make it short, one of its own."))
    reference = REFERENCE.search(spoken)
    if reference:
        findings.append(
            Finding("check", own.line, f"'{reference.group()}': write it out in full.", number)
        )
    position = None if dosage.pattern == "advice" else _position(spoken, reference, made)
    if dosage.pattern != "advice":
        where = f"'{position}'" if position else "none found"
        findings.append(_guess(own, "position", f"the starting position: {where}."))
    aim = own.title.split()[0].casefold() if own.title else None
    exercise = Exercise(number, own.title, name, spoken, dosage, position)
    return exercise, aim if aim in AIMS else None


def _guess(own: _Described, field: str, text: str) -> Finding:
    return Finding("guess", own.line, text, own.number, field)


def _position(
    spoken: str, reference: re.Match[str] | None, made: Mapping[int, tuple[Exercise, str | None]]
) -> Position | None:
    """The first position the text names; for "Als oefening 4", exercise 4's."""
    found = [(m.start(), p) for pattern, p in POSITIONS for m in re.finditer(pattern, spoken, re.I)]
    if found:
        return min(found)[1]
    if reference:
        for exercise, _ in made.values():
            if number_word(exercise.number) == reference.group(1).lower():
                return exercise.position
    return None


def _phases(
    rows: Sequence[Row], exercises: Mapping[int, Exercise], findings: list[Finding]
) -> tuple[Phase, ...]:
    """One phase per period, in the schedule's order. "Gehele periode" exercises are done in
    every phase and always stay (advice explained in the first, said in one line after: the
    phase's ``brief``); "Vul in" periods are the therapist's to choose."""
    periods: dict[str, list[Row]] = {}
    for row in rows:
        periods.setdefault(row.period.casefold(), []).append(row)
    whole = [n for row in periods.pop(WHOLE_PERIOD, []) for n in row.numbers]
    phases: list[Phase] = []
    if whole:
        phases.append(Phase(1, "Gehele periode", tuple(whole), tuple(whole)))
    carried = tuple(whole)
    brief = tuple(n for n in whole if exercises[n].dosage.pattern == "advice")
    for key, period_rows in periods.items():
        own = [n for row in period_rows for n in row.numbers if n not in carried]
        label = period_rows[0].period
        title = label
        if key.startswith("vul in") or not label:
            title = OPEN_PHASE_TITLE
            findings.append(
                Finding("guess", period_rows[0].line, f"phase title '{title}' for '{label}'.")
            )
        exercises_of = tuple(sorted({*carried, *own}))
        fixed = carried if title == OPEN_PHASE_TITLE else exercises_of
        phases.append(Phase(len(phases) + 1, title, exercises_of, fixed, brief=brief))
    return tuple(phases)
