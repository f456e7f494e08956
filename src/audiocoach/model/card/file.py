"""``audiocoach import``: a card's file (plain text or PDF) into a new program file.

The PDF's text is extracted with pypdf, pure Python (no poppler, nothing to install beside
pip); the text is read by :mod:`~audiocoach.model.card.text` and written by
:mod:`~audiocoach.model.card.draft`. The program file is checked before anything is read and
never overwritten, not even by a file made while the card was read.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from audiocoach.errors import CardError
from audiocoach.files import read_given, write_new_text
from audiocoach.model.card.draft import draft_toml
from audiocoach.model.card.text import CardDraft, read_card

MAX_CARD_BYTES = 20 * 1024 * 1024
"""A card is one to four pages: a few hundred kilobytes as PDF, with its pictures."""
MAX_CARD_CHARS = 100_000
"""A card's text is a few thousand characters; a book is not a card."""


@dataclass(frozen=True)
class Imported:
    """What ``audiocoach import`` made: the draft and where it was written."""

    draft: CardDraft
    path: Path


def import_card(card: Path, out: Path) -> Imported:
    """Read ``card`` into a program draft written to ``out``, a file that must not exist."""
    check_new_file(out)
    text = card_text(card)
    draft = read_card(text, origin=f"The card {card}")
    try:
        write_new_text(out, draft_toml(draft, card.name))
    except FileExistsError:
        raise CardError(f"{out} already exists; choose another name or remove it first.") from None
    except OSError as error:
        raise CardError(f"Cannot write {out}: {error.strerror}.") from None
    return Imported(draft, out)


def check_new_file(out: Path) -> None:
    """The program file to write: a new file in a folder that exists."""
    if out.exists() or out.is_symlink():
        raise CardError(f"{out} already exists; choose another name or remove it first.")
    if not out.parent.is_dir():
        raise CardError(f"The folder {out.parent} does not exist.")


def card_text(card: Path) -> str:
    """The text of a card's file: a PDF's extracted text, or UTF-8 (or Windows) text."""
    data = read_given(card, MAX_CARD_BYTES, "card", CardError)
    text = _pdf_text(data, card) if data.startswith(b"%PDF-") else _plain_text(data, card)
    if len(text) > MAX_CARD_CHARS:
        raise CardError(f"The card {card} holds more than {MAX_CARD_CHARS} characters of text.")
    return text


def _plain_text(data: bytes, card: Path) -> str:
    """UTF-8 (a byte-order mark skipped), else Windows-1252, as a text saved from Word is."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise CardError(
            f"The card {card} is neither text nor a PDF (byte {error.start + 1} cannot be read)."
        ) from None


def _pdf_text(data: bytes, card: Path) -> str:
    """Every page's text, in order. pypdf warns (through logging and warnings) about small
    faults it mends; those are kept off the terminal, whose one line is the result."""
    import pypdf

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise CardError(f"The card {card} is a PDF locked with a password.")
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except CardError:
        raise
    except Exception:  # pypdf's parser fails on a broken file in many ways; any is one answer
        raise CardError(f"The card {card} is a PDF that cannot be read.") from None
    finally:
        quiet.setLevel(level)
    if not text.strip():
        raise CardError(f"The card {card} is a PDF without text (a scan?); use its text instead.")
    return text
