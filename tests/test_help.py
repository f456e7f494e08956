"""Every command's help reads as click shows it: flags without a type, values with a metavar
that says what goes there, each default said once, ``-h`` as well as ``--help``, and what
it says of ``build`` is what the README says a build hands out."""

from __future__ import annotations

import re
from dataclasses import fields
from functools import cache

import pytest
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.main import get_command
from typer.testing import CliRunner

from audiocoach.cli import app
from audiocoach.model.patient import PlanOptions
from audiocoach.model.settings import DOSAGE_SETTINGS
from test_docs import README, read, section

TYPE_LABELS = ("<bool>", "<str>", "<int", "<float", "<path>", "<list[", " range>", "<=x<=")
"""What typer writes where no metavar says what goes there."""
METAVAR = re.compile(r"[A-Z][A-Z0-9_]*(?:[.=][A-Z][A-Z0-9_]*)*")
"""``N``, ``FOLDER``, ``EXERCISE.SETTING=VALUE``."""


@cache
def every_command() -> dict[str, TyperCommand | TyperGroup]:
    """Every command and group by its path; the top level is ``""``."""
    found: dict[str, TyperCommand | TyperGroup] = {}

    def walk(path: str, command: object) -> None:
        assert isinstance(command, (TyperCommand, TyperGroup))
        found[path] = command
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(f"{path} {name}".strip(), sub)

    walk("", get_command(app))
    return found


def help_of(path: str, flag: str = "--help") -> str:
    result = CliRunner().invoke(app, [*path.split(), flag], prog_name="audiocoach")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_seen() -> None:
    assert {"", "build", "preview", "init", "phrases", "voices", "serve", "cache"} <= set(
        every_command()
    )
    assert {"cache info", "cache clear"} <= set(every_command())


@pytest.mark.parametrize("path", every_command(), ids=lambda p: p or "audiocoach")
def test_help_reads_as_click_shows_it(path: str) -> None:
    shown = help_of(path)
    assert help_of(path, "-h") == shown, "-h and --help show the same"
    assert shown.startswith(f"Usage: audiocoach {path}".rstrip() + " ")
    labels = [label for label in TYPE_LABELS if label in shown]
    assert not labels, f"'audiocoach {path} --help' shows {labels}:\n{shown}"
    assert "╭" not in shown, "no Rich panels"


@pytest.mark.parametrize("path", every_command(), ids=lambda p: p or "audiocoach")
def test_each_option_says_its_default_once_and_names_its_value(path: str) -> None:
    command = every_command()[path]
    context = command.make_context(f"audiocoach {path}", ["--help"], resilient_parsing=True)
    for param in command.params:
        if isinstance(param, TyperArgument):
            assert param.hidden, "arguments are named in the command's help, as click does"
            assert METAVAR.fullmatch(param.metavar or ""), param.metavar
            assert str(param.metavar) in (command.help or ""), f"{path}: the help names no {param}"
            continue
        assert isinstance(param, TyperOption)
        record = param.get_help_record(context)
        assert record is not None
        declared, text = record
        assert len(re.findall(r"\bdefault\b", text)) <= 1, f"{path} {declared}: {text}"
        if param.is_flag:
            assert " " not in declared.split(", ")[-1], f"a flag takes no value: {declared}"
        else:
            assert METAVAR.fullmatch(param.metavar or ""), f"{path} {declared}"
            assert declared.endswith(f" {param.metavar}")


def test_build_preview_and_phrases_declare_the_plan_options_alike() -> None:
    """The options that lay a plan over a patient file are one declaration each: the same
    flags, metavar and help wherever a command takes them (phrases writes no audio, so it
    takes no voice, rate or tones)."""
    names = {field.name for field in fields(PlanOptions)} - {"dosage"}
    names |= {s.flag.removeprefix("--") for s in DOSAGE_SETTINGS.values() if s.flag}
    declared: dict[str, set[tuple[object, ...]]] = {}
    for path in ("build", "preview", "phrases"):
        taken = {p.name: p for p in every_command()[path].params if p.name in names}
        expected = names - {"voice", "rate", "no_tones"} if path == "phrases" else names
        assert set(taken) == expected, path
        for name, param in taken.items():
            assert isinstance(param, TyperOption)
            declared.setdefault(name, set()).add((tuple(param.opts), param.metavar, param.help))
    assert all(len(ways) == 1 for ways in declared.values()), declared


def test_build_help_names_what_the_readme_says_a_build_hands_out() -> None:
    """Two MP3s per phase and every file beside them, as the README's table lists them."""
    shown = " ".join(help_of("build").split())
    table = section(read(README), "## What a build hands out")
    kinds = {"-kort.mp3", ".vtt", "-tekst.html", "sessies.m3u8", "index.html", "feed.xml", "zip"}
    assert all(kind in table for kind in kinds)
    assert "two MP3s per phase" in shown
    assert "one MP3 per phase" not in shown
    assert [kind for kind in kinds if kind not in shown] == []
