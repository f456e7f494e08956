"""`audiocoach import` on texts made from the card, so the reader is not fitted to one file:
another order, other numbers, an exercise removed, other line breaks, a PDF of it; and texts
of another layout, which are one sentence and no file."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.files import write_new_text
from audiocoach.model.card.draft import draft_toml
from audiocoach.model.card.file import card_text
from audiocoach.model.card.text import CardDraft, read_card
from audiocoach.model.program import Program
from audiocoach.model.program_file import builtin_program_path, load_program, program_from_dict
from helpers import run_cli, tree_hashes
from pdf_writer import text_pdf

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CARD = Path(__file__).parent / "data" / "si-gewricht-lage-rug.txt"
TEXT = CARD.read_text(encoding="utf-8")
ORIGINAL = read_card(TEXT)


def blocks(text: str) -> tuple[str, list[str]]:
    """The card before its first heading, and each exercise's block from its heading on."""
    parts = re.split(r"(?m)^(?=(?:Oef|Afb)\. \d+\.)", text)
    return parts[0], parts[1:]


def reordered(text: str) -> str:
    """Descriptions in reverse order, and the schedule's rows 9 + 10 and 11 before 5."""
    head, described = blocks(text)
    rows = re.split(r"(?m)^(?=Vul in\*\*)", head)
    first, fill_in = rows[0], rows[1:]
    tail = fill_in[-1].split("* Bovendien", 1)
    fill_in[-1] = tail[0]
    moved = [fill_in[4], fill_in[5] if len(fill_in) > 5 else fill_in[3], *fill_in[:4]]
    return (
        first + "".join(dict.fromkeys(moved)) + "* Bovendien" + tail[1] + "".join(described[::-1])
    )


def other_numbers(text: str) -> str:
    for old, new in (("10x", "12x"), ("± 15 sec.", "± 20 sec."), ("3 keer", "2 keer")):
        text = text.replace(old, new)
    return text.replace("10-12 sec.", "20-25 sec.").replace("drie tot vijf", "twee tot vier")


def without_nine(text: str) -> str:
    head, described = blocks(text.replace(" 9 + 10 aantal", " 10 aantal"))
    return head + "".join(b for b in described if not b.startswith("Oef. 9."))


def reflowed(text: str) -> str:
    """Each row of the schedule on one line, and no blank lines: as some PDFs give it."""
    text = re.sub(r"(Gehele periode|Vul in\*\*) \n", r"\1 ", text)
    return "\n".join(line for line in text.splitlines() if line.strip())


def page_break_in_schedule(text: str) -> str:
    """The schedule over two pages, the card's title as the second page's header."""
    title = "Herstelbevorderende oefeningen bij lage rugklachten"
    return text.replace("Vul in** \n 7 + 8", f"\f\n{title}\n\nVul in** \n 7 + 8")


def expected_other_numbers(program: Program) -> Program:
    exercises = []
    for e in program.exercises:
        dosage = e.dosage
        if dosage.pattern != "advice":
            dosage = replace(dosage, sets=2, rest_s=20)
            dosage = replace(dosage, hold_s=25) if dosage.pattern == "hold" else dosage
            dosage = replace(dosage, reps=12) if dosage.pattern != "hold" else dosage
        exercises.append(replace(e, dosage=dosage))
    notes = (program.notes[0].replace("drie tot vijf", "twee tot vier"), *program.notes[1:])
    return replace(program, exercises=tuple(exercises), times_per_day=(2, 4), notes=notes)


def expected_without_nine(program: Program) -> Program:
    phases = [replace(p, exercises=tuple(n for n in p.exercises if n != 9)) for p in program.phases]
    exercises = tuple(e for e in program.exercises if e.number != 9)
    return replace(program, exercises=exercises, phases=tuple(phases))


VARIANTS: list[tuple[str, Callable[[str], str], Callable[[Program], Program]]] = [
    ("another order", reordered, lambda p: p),
    ("other numbers", other_numbers, expected_other_numbers),
    ("exercise 9 removed", without_nine, expected_without_nine),
    ("other line breaks", reflowed, lambda p: p),
    ("a page break in the schedule", page_break_in_schedule, lambda p: p),
]


@pytest.mark.parametrize(("name", "made", "expected"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_a_text_made_from_the_card(
    name: str, made: Callable[[str], str], expected: Callable[[Program], Program]
) -> None:
    text = made(TEXT)
    assert text != TEXT
    draft = read_card(text)
    assert draft.program == expected(ORIGINAL.program), name
    assert not [f for f in draft.findings if f.kind == "unread"]
    assert program_from_dict(tomllib.loads(draft_toml(draft, "kaart.txt"))) == draft.program


def test_what_the_card_does_not_say_is_a_marked_guess() -> None:
    """Without "drie tot vijf maal daags", "± 15 sec. rust" and "doe dit 3 keer" in the
    schedule: once a day, no rest, one set, each a guess at its exercise."""
    text = TEXT.replace(
        "* Bovendien dient u de aangegeven oefenserie drie tot vijf maal daags", "*"
    )
    text = text.replace("/ daarna ± 15 sec. rust", "").replace("doe dit 3 keer*", "")
    draft = read_card(text)
    assert draft.program.times_per_day == (1, 1)
    assert [n for n in draft.program.notes if "per dag" in n] == []  # nothing the card lacks
    guesses = {(f.exercise, f.field) for f in draft.findings if f.kind == "guess"}
    assert (None, "times_per_day") in guesses
    for number in (5, 6, 7, 8, 9, 10, 11):
        dosage = draft.program.exercise(number).dosage
        assert (dosage.sets, dosage.rest_s) == (1, 0)
        assert {(number, "sets"), (number, "rest_s")} <= guesses
    assert draft.program.exercise(2).dosage.sets == 3  # "doet dit 3 keer" stays


def same_findings(draft: CardDraft) -> set[tuple[str, int | None, str, str]]:
    """The findings without their lines: a PDF's text breaks lines elsewhere."""
    return {(f.kind, f.exercise, f.field, f.text) for f in draft.findings}


def test_a_pdf_of_the_card_gives_the_same_draft(tmp_path: Path) -> None:
    pdf = tmp_path / "kaart.pdf"
    pdf.write_bytes(text_pdf(TEXT))
    draft = read_card(card_text(pdf))
    assert draft.program == ORIGINAL.program
    assert same_findings(draft) == same_findings(ORIGINAL)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_pdf_printed_by_a_browser_gives_the_same_draft(tmp_path: Path) -> None:
    """Chromium's PDF embeds its fonts as a word processor's does, unlike the small writer."""
    assert CHROMIUM is not None
    page = tmp_path / "kaart.html"
    escaped = TEXT.replace("&", "&amp;").replace("<", "&lt;")
    page.write_text(f'<!doctype html><meta charset="utf-8"><pre>{escaped}</pre>', "utf-8")
    pdf = tmp_path / "kaart.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    draft = read_card(card_text(pdf))
    assert draft.program == ORIGINAL.program
    assert same_findings(draft) == same_findings(ORIGINAL)


def test_import_on_the_command_line(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kaart.pdf").write_bytes(text_pdf(TEXT))
    monkeypatch.chdir(tmp_path)
    result = run_cli(runner, "import", "kaart.pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote kaart.toml: 11 exercises, 2 phases;")
    assert load_program(tmp_path / "kaart.toml").exercises == ORIGINAL.program.exercises
    result = run_cli(runner, "preview", "--program", "kaart.toml", "--json")
    assert result.exit_code == 0, result.output


def test_a_line_it_cannot_read_is_listed_with_its_number(tmp_path: Path, runner: CliRunner) -> None:
    text = TEXT.replace("10x hol en bol /", "10x hol en bol langzaam /")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "langzaam" in t)
    (tmp_path / "kaart.txt").write_text(text, encoding="utf-8")
    result = run_cli(
        runner, "import", str(tmp_path / "kaart.txt"), "--out", str(tmp_path / "k.toml")
    )
    assert result.exit_code == 0, result.output
    assert f"not read: line {line}, exercise 5: 'langzaam' in the dosage." in result.stdout
    assert (
        f"#   line {line}, exercise 5: 'langzaam' in the dosage."
        in (tmp_path / "k.toml").read_text()
    )


def broken_pdf() -> bytes:
    return text_pdf(TEXT)[:400]


LAYOUT = "not an exercise card in the layout"
README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
NOTHING = "PERIODE OEFENING UITVOERING\nGehele periode\nOef. 1. lopen\nLoop.\n"
OTHER_LAYOUTS: list[tuple[str, str | bytes, str]] = [
    ("the README", README, LAYOUT),
    ("a program file", builtin_program_path().read_text("utf-8"), LAYOUT),
    ("an empty file", "", LAYOUT),
    ("descriptions only", blocks(TEXT)[1][0] * 3, LAYOUT),
    ("a schedule of nothing", NOTHING, "no exercise could be read"),
    ("a PDF without text", text_pdf(""), "a PDF without text"),
    ("a broken PDF", broken_pdf(), "a PDF that cannot be read"),
    ("a PDF of a letter", text_pdf("Geachte heer,\nHierbij de factuur.\n"), LAYOUT),
    ("bytes", bytes(range(256)) * 4, "is neither text nor a PDF"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"), OTHER_LAYOUTS, ids=[c[0] for c in OTHER_LAYOUTS]
)
def test_another_layout_is_one_sentence_and_no_file(
    tmp_path: Path, runner: CliRunner, name: str, content: str | bytes, message: str
) -> None:
    card = tmp_path / "kaart.bin"
    card.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    before = tree_hashes(tmp_path)
    result = run_cli(runner, "import", str(card), "--out", str(tmp_path / "k.toml"))
    assert result.exit_code == 2, name
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("audiocoach: ")
    assert message in result.stderr
    assert tree_hashes(tmp_path) == before


BAD_FILES: list[tuple[str, str, str]] = [  # name, argument, message
    ("out exists", "--out=kaart.txt", "kaart.txt already exists; choose another name"),
    ("out in a missing folder", "--out=nergens/k.toml", "The folder nergens does not exist"),
    ("card missing", "geen.txt", "The card geen.txt does not exist"),
    ("card is a folder", ".", "is a folder, not a file"),
]


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_are_one_sentence(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, case: tuple[str, str, str]
) -> None:
    name, arg, message = case
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaart.txt").write_text(TEXT, encoding="utf-8")
    args = ["kaart.txt", arg] if arg.startswith("--") else [arg, "--out", "k.toml"]
    before = tree_hashes(tmp_path)
    result = run_cli(runner, "import", *args)
    assert result.exit_code == 2, name
    assert result.stderr.startswith("audiocoach: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert tree_hashes(tmp_path) == before


def test_a_file_made_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """The last step links the draft into place; a file there by then stays as it was."""
    target = tmp_path / "k.toml"
    target.write_text("van de therapeut", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_new_text(target, "de kaart")
    assert target.read_text(encoding="utf-8") == "van de therapeut"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.toml"]
    write_new_text(tmp_path / "nieuw.toml", "de kaart")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.toml", "nieuw.toml"]
