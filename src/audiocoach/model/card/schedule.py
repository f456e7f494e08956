"""Reading a card's schedule: each row's period, exercise numbers and dosage, and how often a day.

The schedule is read as one stream of words, not line by line: a PDF's text breaks its rows
elsewhere than the plain text does ("Gehele periode 1 n.v.t." on one line or three). A row
starts where exercise numbers stand before "aantal:", "duur:" or "n.v.t."; what comes before
them, back to the end of the row before ("... 3 keer*"), is the period ("Gehele periode",
"Vul in**"). Each dosage phrase is taken apart by the phrases below; a word left over is a
finding with its line, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from audiocoach.dutch_words import number_word
from audiocoach.model.program import BOUNDS, Dosage
from audiocoach.model.settings import TIMES_PER_DAY

FindingKind = Literal["guess", "check", "unread"]
_Take = Callable[[str], "re.Match[str] | None"]


@dataclass(frozen=True)
class Finding:
    """Something the therapist must look at: a ``guess`` where the card is silent, a ``check``
    where it was read but may mean otherwise, or a line it ``unread``, could not read."""

    kind: FindingKind
    line: int
    """The card's line (1 is the first); 0 for none."""
    text: str
    exercise: int | None = None
    field: str = ""
    """The draft's key it is about ("cues", "position"); empty for the exercise as a whole."""


@dataclass(frozen=True)
class Line:
    """One non-empty line of the card, its spaces tidied."""

    line: int
    text: str


@dataclass(frozen=True)
class Row:
    """One row of the schedule: the period, the exercises it names and their dosage."""

    line: int
    period: str
    numbers: tuple[int, ...]
    dosage: Dosage
    findings: tuple[Finding, ...] = field(default=())


NUMBERS = r"\d{1,2}(?:\s*(?:t/m|tot en met|\+|,|en|&)\s*\d{1,2})*"
ROW_START = re.compile(
    rf"(?<![\w/.])(?P<numbers>{NUMBERS})\s+(?=(?:aantal|duur|tijd)\s*:|n\.v\.t\.)", re.I
)
ROW_END = re.compile(r"n\.v\.t\.|\b(?:keer|maal)\b\**|\brust\b\**", re.I)
WORD_NUMBERS = {number_word(n): n for n in range(1, 21)} | {"een": 1}
SECONDS = r"\s*sec(?:onden|\.)?"
SIDES = r"beide (?:zijden|kanten|benen|armen)|links en rechts|per (?:kant|zijde|been|arm)"
DAILY = re.compile(
    r"(?P<low>\w+)(?:\s+(?:tot|à|a|-)\s+(?P<high>\w+))?\s+(?:maal|keer)\s+(?:daags|per dag)", re.I
)


def read_schedule(lines: Sequence[Line], findings: list[Finding]) -> list[Row]:
    """Every row of the schedule, up to its footnotes (lines that start with "*")."""
    rows_end = next((i for i, line in enumerate(lines) if line.text.startswith("*")), len(lines))
    text, starts = "", []
    for line in lines[:rows_end]:
        starts.append((len(text), line.line))
        text += line.text + " "

    def line_at(offset: int) -> int:
        return max((n for at, n in starts if at <= offset), default=0)

    anchors = list(ROW_START.finditer(text))
    rows = []
    period = text[: anchors[0].start()] if anchors else text
    for index, anchor in enumerate(anchors):
        end = anchors[index + 1].start() if index + 1 < len(anchors) else len(text)
        segment = text[anchor.end() : end]
        ends = list(ROW_END.finditer(segment))
        cut = ends[-1].end() if ends and index + 1 < len(anchors) else len(segment)
        at = line_at(anchor.start())
        numbers, unread = _numbers(anchor["numbers"])
        dosage, found = _dosage(segment[:cut], at)
        if unread:
            found.append(Finding("unread", at, f"exercise numbers '{anchor['numbers']}'."))
        rows.append(Row(at, _period(period), numbers, dosage, tuple(found)))
        period = segment[cut:]
    if not anchors and text.strip():
        findings.append(Finding("unread", line_at(0), f"the schedule '{text.strip()[:60]}'."))
    return [row for row in rows if row.numbers]


def _period(text: str) -> str:
    return " ".join(text.replace("*", " ").split())


def _numbers(text: str) -> tuple[tuple[int, ...], bool]:
    """ "2 t/m 4" is 2, 3 and 4; "7 + 8" is 7 and 8. True when a number is out of range."""
    numbers: list[int] = []
    for low, high in re.findall(r"(\d+)(?:\s*(?:t/m|tot en met)\s*(\d+))?", text):
        numbers.extend(range(int(low), int(high or low) + 1))
    kept = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= 99))
    return kept, len(kept) != len(numbers) or len(kept) > 20


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else WORD_NUMBERS.get(word.lower())


def _dosage(text: str, line: int) -> tuple[Dosage, list[Finding]]:
    """One row's "uitvoering": its pattern and numbers, a finding for each word left over."""
    found: list[Finding] = []
    rest = f" {text} "

    def take(pattern: str) -> re.Match[str] | None:
        nonlocal rest
        match = re.search(pattern, rest, re.I)
        if match:
            rest = rest[: match.start()] + " " + rest[match.end() :]
        return match

    if take(r"n\.v\.t\."):
        dosage = Dosage(pattern="advice", sets=1, rest_s=0)
    else:
        dosage = _counted(take, line, found)
    left = " ".join(re.sub(r"\b(?:aantal|duur|tijd|daarna|totaal)\b|[:;/,*]", " ", rest).split())
    if left:
        found.append(Finding("unread", line, f"'{left}' in the dosage."))
    return dosage, found


def _counted(take: _Take, line: int, found: list[Finding]) -> Dosage:
    """A dosage with sets: held ("duur: 10-12 sec."), or counted with or without cues."""
    held = take(rf"duur\s*:\s*(\d+)(?:\s*(?:-|tot)\s*(\d+))?{SECONDS}")
    rest = take(rf"daarna\s*(?:±|ca\.|circa|ongeveer)?\s*(\d+){SECONDS}\s*rust")
    sets = take(r"\bdoe?t?\s+dit\s+(\w+)\s+(?:keer|maal)\b\**")
    turns = take(r"(?:beide (?:zijden|kanten)\s+)?\bom en om\b|\bafwisselend\b")
    sides = take(SIDES)
    reps = take(r"(\d+)\s*x(?![\w])|(\d+)\s+(?:keer|maal)\b")
    parts = take(r"\b([^\W\d_]{2,}) en ([^\W\d_]{2,})\b")
    if not rest:
        found.append(Finding("guess", line, "no rest after a set: none.", field="rest_s"))
    set_count = _count(sets[1]) if sets else None
    if not set_count:
        found.append(Finding("guess", line, "no number of sets: one.", field="sets"))
    dosage = Dosage(pattern="reps", sets=set_count or 1, rest_s=int(rest[1]) if rest else 0)
    if held:
        dosage = replace(dosage, pattern="hold", hold_s=int(held[2] or held[1]))
        if held[2]:
            said = f"{held[1]} to {held[2]} seconds"
            found.append(Finding("guess", line, f"held {said}: the longest.", field="hold_s"))
        return _bounded(dosage, line, found)
    if reps:
        dosage = replace(dosage, reps=int(reps[1] or reps[2]))
    else:
        found.append(Finding("guess", line, "no number of repetitions: ten.", field="reps"))
    if turns:
        dosage = replace(dosage, pattern="alternate", cues=("links", "rechts"))
    elif sides:
        dosage = replace(dosage, pattern="parts", cues=("links", "rechts"))
    elif parts:
        dosage = replace(dosage, pattern="parts", cues=(parts[1].lower(), parts[2].lower()))
    return _bounded(dosage, line, found)


def _bounded(dosage: Dosage, line: int, found: list[Finding]) -> Dosage:
    """A number outside the program file's bounds is not read; the bound's default stands."""
    defaults = Dosage(pattern=dosage.pattern)
    for name, (low, high) in BOUNDS.items():
        value = getattr(dosage, name)
        if not low <= value <= high:
            found.append(Finding("unread", line, f"{name} {value}: outside {low} to {high}."))
            dosage = replace(dosage, **{name: getattr(defaults, name)})
    return dosage


def times_per_day(lines: Sequence[Line], findings: list[Finding]) -> tuple[int, int]:
    """The footnote's "drie tot vijf maal daags"; once a day, marked, when the card says none."""
    for line in lines:
        match = DAILY.search(line.text)
        if match:
            low, high = _count(match["low"]), _count(match["high"] or match["low"])
            if low and high and TIMES_PER_DAY.low <= low <= high <= TIMES_PER_DAY.high:
                return low, high
            findings.append(Finding("unread", line.line, f"'{match.group()}'."))
    findings.append(Finding("guess", 0, "how often a day: once.", field="times_per_day"))
    return 1, 1
