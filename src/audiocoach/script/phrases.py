"""The phrase list: every distinct line the sessions say, with its key, for recording.

``audiocoach phrases`` writes it as ``phrases.csv`` (for tools and spreadsheets) and as a
printable ``phrases.html`` the therapist reads from while recording. The build uses the same
list to find the recordings (``<key>.wav``) and to name the phrases still missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from audiocoach.errors import ScriptError
from audiocoach.files import write_text
from audiocoach.folders import prepare_folder
from audiocoach.script.dutch import written_forms
from audiocoach.script.writer import Line, SessionScript

CSV_NAME = "phrases.csv"
HTML_NAME = "phrases.html"
CSV_COLUMNS = ("key", "text", "used_in")


@dataclass(frozen=True)
class Phrase:
    """One distinct spoken text, the key its recording is saved under, and where it is said."""

    key: str
    text: str
    uses: tuple[tuple[int, int | None], ...]
    """(phase number, exercise number) pairs in order of first use; ``None`` is the opening or
    closing of the session."""

    @property
    def written(self) -> str:
        """The text as the therapist reads it aloud: the written words, not espeak-ng's
        phonemes for the lexicon's words (``text`` is what the timeline holds)."""
        return written_forms(self.text)

    @property
    def used_in(self) -> str:
        """Where the phrase is said, for people: "fase 1: oefening 2, 3; fase 2: sessie"."""
        phases: dict[int, list[int | None]] = {}
        for phase, exercise in self.uses:
            phases.setdefault(phase, []).append(exercise)
        parts = []
        for phase, places in phases.items():
            numbers = [str(n) for n in places if n is not None]
            said = (["sessie"] if None in places else []) + (
                [f"oefening {', '.join(numbers)}"] if numbers else []
            )
            parts.append(f"fase {phase}: {', '.join(said)}")
        return "; ".join(parts)


def phrase_list(scripts: Iterable[SessionScript]) -> list[Phrase]:
    """The distinct phrases of the scripts, in order of first use.

    A text said under two keys (two exercises with the same instruction) keeps its first key;
    two different texts under one key cannot both be recorded, so that is an error.
    """
    keys: dict[str, str] = {}
    texts: dict[str, str] = {}
    uses: dict[str, list[tuple[int, int | None]]] = {}
    for script in scripts:
        for line in (s for s in script.steps if isinstance(s, Line)):
            key = keys.setdefault(line.text, line.key)
            other = texts.setdefault(key, line.text)
            if other != line.text:
                raise ScriptError(
                    f"Two different phrases would be recorded as '{key}': {other!r} and "
                    f"{line.text!r}; give them different words."
                )
            place = (script.phase.number, line.exercise)
            if place not in uses.setdefault(line.text, []):
                uses[line.text].append(place)
    return [Phrase(key, text, tuple(uses[text])) for text, key in keys.items()]


def phrases_csv(phrases: Sequence[Phrase]) -> str:
    """The list as CSV: key, text, used_in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows((p.key, p.written, p.used_in) for p in phrases)
    return buffer.getvalue()


def phrases_html(phrases: Sequence[Phrase], title: str) -> str:
    """The printable recording list, from ``templates/phrases.html.j2``."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("audiocoach", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("phrases.html.j2").render(phrases=phrases, title=title)


def write_phrases(phrases: Sequence[Phrase], folder: Path, title: str) -> tuple[Path, Path]:
    """Write ``phrases.csv`` and ``phrases.html`` into ``folder``; returns their paths."""
    prepare_folder(folder)
    csv_path, html_path = folder / CSV_NAME, folder / HTML_NAME
    write_text(csv_path, phrases_csv(phrases))
    write_text(html_path, phrases_html(phrases, title))
    return csv_path, html_path
