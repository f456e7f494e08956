"""Phrase keys: a stable, readable name for every spoken line, safe as a file name.

A practice records its therapist saying each phrase once and saves it as ``<key>.wav``; the
build finds the recording by that key. So a key is made of the template's name and every
value that changes the text (``tel-07``, ``serie-2-van-3``, ``dosering-3x10-rust-15``): the
same text always gets the same key, and a text that changes (another dosage, another number
of exercises) gets another key, so an old recording is never played for a new text.

Text the program file gives (names, instructions, the next exercise's name, the opening that
says the program's and phase's titles) is named by its exercise or phase number and ends in
a short hash of the text (``oef-07-instructie-3f9a2c``): a folder of recordings belongs to
one program, and when an instruction is edited its key changes, so the recording of the old
text is never played for the new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from audiocoach.model.patterns import cueing
from audiocoach.model.program import safe_slug


def _opening(context: Mapping[str, Any]) -> str:
    """What changes the opening: the phase, how many exercises and advice, who chose them."""
    phase = context["phase"]
    choice = ("-gekozen" if phase.selected else "-open") if phase.open else ""
    advice = f"-{context['advice']}-advies" if context["advice"] else ""
    return f"sessie-{phase.number}-begin-{context['counted']}-oefeningen{advice}{choice}"


def _set(context: Mapping[str, Any]) -> str:
    """A set's announcement: "Begin maar." alone, "Laatste serie." last, else "Serie 2 van 3"."""
    if context["sets"] == 1:
        return "begin-maar"
    if context["set"] == context["sets"]:
        return "serie-laatste"
    return f"serie-{context['set']}-van-{context['sets']}"


def _position(context: Mapping[str, Any]) -> str:
    """The starting position: the exercise's own words (two exercises may share them), or
    the position alone."""
    exercise = context["exercise"]
    if exercise.starting_position:
        return f"beginhouding-{text_hash(exercise.starting_position)}"
    return "-".join(filter(None, ("klaarmaken", exercise.position)))


def _verb(verb: str | None) -> str:
    """A held exercise's verb ("loopt") is part of its dosage sentence."""
    return f"-{safe_slug(verb)}" if verb else ""


_KEYS: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "sessie_begin": _opening,
    "sessie_einde": lambda c: (
        f"sessie-{c['phase'].number}-einde-{'-tot-'.join(map(str, c['program'].times_per_day))}"
    ),
    "oefening_begin": lambda c: f"oef-{c['exercise'].number:02d}-naam",
    "oefening_uitleg": lambda c: f"oef-{c['exercise'].number:02d}-instructie",
    "volgende": lambda c: f"oef-{c['exercise'].number:02d}-volgende",
    "dosering": lambda c: cueing(c["dosage"]).key() + _verb(c["exercise"].verb),
    "dosering_kort": lambda c: f"dosering-kort-{cueing(c['dosage']).amount_key()}",
    "klaarmaken": _position,
    "sessie_begin_kort": lambda c: (
        f"sessie-{c['phase'].number}-begin-kort{'-gekozen' if c['phase'].open else ''}"
    ),
    "sessie_einde_kort": lambda c: f"sessie-{c['phase'].number}-einde-kort",
    "serie_begin": _set,
    "laatste_herhaling": lambda c: "laatste-herhaling",
    "halverwege": lambda c: "halverwege",
    "tel": lambda c: f"tel-{c['n']:02d}",
    "aanwijzing": lambda c: f"aanwijzing-{safe_slug(c['cue'])}",
    "houden_start": lambda c: "houden-start",
    "houden_stop": lambda c: "houden-stop",
    "rust": lambda c: f"rust-{c['dosage'].rest_s}",
    "rust_kort": lambda c: "rust",
    "rust_bijna_klaar": lambda c: f"rust-nog-{c['seconds']}",
}

KEYED_TEMPLATES = frozenset(_KEYS)
"""Templates with a key rule; a test checks that every template in scripts_nl/ has one."""
TEXT_FROM_PROGRAM = frozenset(
    {
        "sessie_begin",
        "sessie_begin_kort",
        "sessie_einde",
        "sessie_einde_kort",
        "oefening_begin",
        "oefening_uitleg",
        "volgende",
    }
)
"""Templates that say text of the program file, which its numbers alone do not name."""


def text_hash(text: str) -> str:
    """Six hex digits of the text's SHA-256: short to type, and an edit changes them."""
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def phrase_key(template: str, context: Mapping[str, Any], text: str | None = None) -> str:
    """The key of the line ``template`` renders with ``context``; with the rendered ``text``,
    keys of program text end in its :func:`text_hash`."""
    try:
        make = _KEYS[template]
    except KeyError:
        # A new template without a key rule: its name still makes a usable key.
        return safe_slug(template.replace("_", "-"))
    key = make(context)
    if text is not None and template in TEXT_FROM_PROGRAM:
        key = f"{key}-{text_hash(text)}"
    return key
