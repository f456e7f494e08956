"""The README and docs/ say what the code does: every command explains itself and is shown,
every command line they show is one the program accepts, the README's test command is the one
CI runs, every library is justified, the figures agree and every link leads somewhere."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from audiocoach.cli import app
from audiocoach.cli_options import plan_options
from audiocoach.errors import AudiocoachError
from audiocoach.model.patient import plan_from_options

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
CI = ROOT / ".ci" / "run"

FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
SHELL_FENCES = {"", "sh", "bash", "shell", "console"}
INLINE_CODE = re.compile(r"`([^`]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
SHELL_OPERATORS = {"&&", "||", "|", ";"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def without_fences(text: str) -> str:
    """The text with its fenced code blocks blanked out (line numbers kept)."""
    return FENCE.sub(lambda block: "\n" * block.group(0).count("\n"), text)


def section(text: str, heading: str) -> str:
    """The section under ``heading`` (a whole heading line), up to the next heading of its
    level or higher."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(f"\n{heading}\n") + 1
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, start + len(heading) + 1)
    return text[start : end.start() if end else len(text)]


# The command line as the program defines it.


Command = TyperCommand | TyperGroup
"""A command or a group as typer makes it (without importing typer's private click)."""


@cache
def commands() -> dict[str, Command]:
    """Every command and group by its path (``build``, ``cache``, ``cache clear``); the top
    level is ``""``."""
    found: dict[str, Command] = {}

    def walk(path: str, command: object) -> None:
        assert isinstance(command, (TyperCommand, TyperGroup))
        found[path] = command
        if isinstance(command, TyperGroup):
            for sub_name, sub in command.commands.items():
                walk(f"{path} {sub_name}".strip(), sub)

    walk("", get_command(app))
    return found


def command_names() -> list[str]:
    """Every command that does something (``build``, ``cache clear``): not the groups."""
    return [
        path for path, command in commands().items() if path and not isinstance(command, TyperGroup)
    ]


def options(command: Command) -> set[str]:
    return {
        "--help",
        "-h",
        *(opt for param in command.params for opt in [*param.opts, *param.secondary_opts]),
    }


# Command lines as the docs show them.


@dataclass(frozen=True)
class Shown:
    """One ``audiocoach ...`` command line the docs show, and where."""

    where: str
    words: tuple[str, ...]
    """What follows ``audiocoach``: the command's path, then its arguments."""
    example: bool
    """From a shell code block: a complete example, not a fragment in a sentence."""
    error: str | None = None
    """The answer the block shows on the next line (``audiocoach: ...``), if any."""

    def split(self) -> tuple[str, list[str]]:
        """The command's path (the longest that exists) and its arguments."""
        for length in range(len(self.words), 0, -1):
            path = " ".join(self.words[:length])
            if path in commands():
                return path, list(self.words[length:])
        return "", list(self.words)

    def __str__(self) -> str:
        return f"{self.where}: audiocoach {shlex.join(self.words)}"


def invocations(words: list[str]) -> Iterator[tuple[str, ...]]:
    """What follows each ``audiocoach`` (or ``.venv/bin/audiocoach``, ``python -m audiocoach``)
    in a shell line, up to ``&&``, ``|`` or the end."""
    command: list[str] = []
    for word in [*words, "&&"]:
        if word in SHELL_OPERATORS:
            for start, first in enumerate(command):
                if first == "audiocoach" or first.endswith("/audiocoach"):
                    yield tuple(command[start + 1 :])
                    break
            command = []
        else:
            command.append(word)


def shown_in(path: Path) -> Iterator[Shown]:
    text = read(path)
    for block in FENCE.finditer(text):
        if block.group(1) not in SHELL_FENCES:
            continue
        first_line = text.count("\n", 0, block.start()) + 2
        lines = block.group(2).splitlines()
        for number, (line, after) in enumerate(
            zip(lines, [*lines[1:], ""], strict=True), first_line
        ):
            if "audiocoach " not in line or line.startswith("audiocoach: "):
                continue
            words = shlex.split(line.removeprefix("$ "), comments=True)
            error = after if after.startswith("audiocoach: ") else None
            for found in invocations(words):
                yield Shown(f"{name(path)}:{number}", found, example=True, error=error)
    prose = without_fences(text)
    for span in INLINE_CODE.finditer(prose):
        code = " ".join(span.group(1).split())
        number = prose.count("\n", 0, span.start()) + 1
        if code.startswith("audiocoach "):
            for found in invocations(shlex.split(code)):
                yield Shown(f"{name(path)}:{number}", found, example=False)
        elif code.split(" ", 1)[0] in commands() and " --" in code:
            # `build --phase N` in a sentence: the command's name without "audiocoach".
            yield Shown(f"{name(path)}:{number}", tuple(shlex.split(code)), example=False)


@cache
def shown() -> list[Shown]:
    return [line for page in PAGES for line in shown_in(page)]


def option_spans(path: Path) -> Iterator[tuple[str, str]]:
    """Options named on their own in the prose, as `--reps N` or `--set 7.reps=6`."""
    prose = without_fences(read(path))
    for span in INLINE_CODE.finditer(prose):
        option = re.match(r"--[a-z][a-z-]*", span.group(1))
        if option:
            number = prose.count("\n", 0, span.start()) + 1
            yield f"{name(path)}:{number}", option.group(0)


# Commands: each has help, and the README shows them all.


@pytest.mark.parametrize("command", command_names())
def test_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= 3, result.output
    assert f"audiocoach {command}" in read(README), (
        f"README does not mention 'audiocoach {command}'"
    )


def test_the_readme_shows_every_command_at_work() -> None:
    """Not only named: each command appears in one of the README's examples."""
    examples = {
        line.split()[0] for line in shown() if line.example and line.where.startswith("README.md")
    }
    assert examples >= set(command_names())


# Every command line the docs show is one the program accepts.


def test_the_docs_show_command_lines() -> None:
    """The test below checks something: the docs show dozens of command lines."""
    assert len([line for line in shown() if line.example]) >= 20
    assert {page.name for page in PAGES} >= {"README.md", "design.md"}


@pytest.mark.parametrize("line", shown(), ids=str)
def test_every_command_line_shown_is_accepted(line: Shown) -> None:
    path, arguments = line.split()
    assert path or not line.words or line.words[0].startswith("-"), f"{line}: no such command"
    command = commands()[path]
    for word in arguments:
        if word.startswith("-") and word != "-":
            option = word.split("=", 1)[0]
            assert option in options(command), f"{line}: 'audiocoach {path}' has no {option}"
    if not line.example or {"--help", "--version"} & set(arguments):
        return
    # Parsed as the program parses it, and its values checked as the command checks them
    # before any work; without running it. An example shown with an error gets that error.
    said: str | None
    try:
        context = command.make_context(f"audiocoach {path}".strip(), arguments)
        check_values(context.params)
    except typer.TyperException as error:
        said = "audiocoach: " + " ".join(error.format_message().split())
    except AudiocoachError as error:
        said = f"audiocoach: {error}"
    else:
        said = None
    assert said == line.error, f"{line}: the program says {said!r}, the docs {line.error!r}"


def check_values(given: dict[str, Any]) -> None:
    """What ``build``, ``preview`` and ``phrases`` check before any work: the dosage, the
    selection and the rate on the built-in program (the docs' patient and program files are
    examples, not files here)."""
    if "reps" not in given:  # not a command with a dosage
        return
    plan_from_options(None, replace(plan_options(given), program_file=None))


def test_every_option_named_exists() -> None:
    """`--jobs N` in a sentence is an option of some command."""
    every = set().union(*(options(command) for command in commands().values()))
    named = [(where, option) for page in PAGES for where, option in option_spans(page)]
    assert len(named) >= 20
    unknown = [f"{where}: {option}" for where, option in named if option not in every]
    assert not unknown, "no command has these options: " + ", ".join(unknown)


# The README's set-up commands are the ones CI runs.


def setup_commands() -> list[str]:
    """The two set-up commands (install and build, install and test); the block after them
    says how to run what they installed."""
    block = section(read(README), "## Set-up in two commands")
    return [match.group(2).strip() for match in FENCE.finditer(block)][:2]


def test_the_readme_test_command_is_what_ci_runs() -> None:
    """`.ci/run` runs the README's second set-up command word for word. It may only keep pip
    quiet (`-q`) and send pytest's output to its log (`2>&1 | tee`): neither changes what is
    installed or run."""
    installs, tests = setup_commands()
    assert installs.endswith("/audiocoach build")
    expected = shlex.split(tests)
    runs = []
    for line in read(CI).splitlines():
        if "pytest" not in line or line.lstrip().startswith("#"):
            continue
        words = shlex.split(line, comments=True)
        kept = [w for i, w in enumerate(words) if not (w == "-q" and words[i - 1] == "install")]
        for redirect in ("2>&1", "|"):
            if redirect in kept:
                kept = kept[: kept.index(redirect)]
        runs.append(kept)
    assert expected in runs, f"{name(CI)} does not run {tests!r}; it runs {runs}"


# Every library is justified in the README.


def test_every_dependency_is_in_the_libraries_table() -> None:
    project = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]
    required = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        required += extra
    names = {re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0] for requirement in required}
    table = section(read(README), "## Libraries, and why each")
    rows = [row.split("|")[1] for row in table.splitlines() if row.startswith("| ")]
    listed = {word for row in rows[1:] for word in re.split(r"[\s,()]+", row) if word}
    assert len(names) >= 10
    missing = sorted(names - listed)
    assert not missing, f"README's 'Libraries, and why each' does not justify {missing}"


# The README's figures are the benchmark log's current ones.


def test_the_readme_figures_are_the_current_benchmark() -> None:
    speed = section(read(README), "## Speed")
    current = section(read(ROOT / "docs" / "benchmarks.md"), "## Current figures")
    rows = [row.split("|")[2:4] for row in speed.splitlines() if row.startswith("| ")][2:]
    figures = [number for row in rows for number in re.findall(r"\d+(?:\.\d+)?", " ".join(row))]
    figures += re.findall(r"\d{4}-\d\d-\d\d", speed)
    assert len(figures) >= 10
    stale = [f for f in figures if not re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", current)]
    assert not stale, f"README's figures not in docs/benchmarks.md's current figures: {stale}"


# Links lead somewhere.


def anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for the headings of a Markdown file."""
    found: set[str] = set()
    for heading in HEADING.findall(without_fences(read(path))):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        unique, repeat = slug, 0
        while unique in found:
            repeat += 1
            unique = f"{slug}-{repeat}"
        found.add(unique)
    return found


def links(path: Path) -> Iterator[tuple[str, str]]:
    prose = INLINE_CODE.sub("", without_fences(read(path)))
    for link in LINK.finditer(prose):
        yield f"{name(path)}:{prose.count(chr(10), 0, link.start()) + 1}", link.group(1)


def test_every_doc_is_linked_from_the_readme() -> None:
    linked = {
        (README.parent / target.split("#")[0]).resolve()
        for _, target in links(README)
        if not re.match(r"[a-z]+:", target)
    }
    assert len(DOCS) >= 3
    assert not [name(doc) for doc in DOCS if doc.resolve() not in linked]


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    broken = []
    for where, target in links(page):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, fragment = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or ROOT not in path.parents:
            broken.append(f"{where}: {target} (no such file in the repository)")
        elif fragment and path.suffix == ".md" and fragment not in anchors(path):
            broken.append(f"{where}: {target} (no heading #{fragment} in {name(path)})")
    assert not broken, "\n".join(broken)
