"""Every bad value a user can type: one plain sentence, exit status 2, and no file touched.

Each case runs ``audiocoach build`` against an output folder that already holds an earlier
MP3 and a file of the practice's own; the whole tree is hashed before and after.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import typer.main
from typer._click import Command
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from audiocoach.cli import app
from audiocoach.model.dosage import FIELDS
from audiocoach.model.patient import KEYS
from audiocoach.script import writer
from bad_input_files import FILE_CASES, Case
from bad_input_options import OPTION_CASES
from helpers import run_cli, tree_hashes

CASES: list[Case] = [*OPTION_CASES, *FILE_CASES]
"""Every bad value, on the command line and in the files a user writes."""


def command_line(args: list[str]) -> list[str]:
    """The whole command line of a case: ``build`` into ``uit`` unless it names a command."""
    if args and args[0] in COMMANDS:
        return args
    return ["build", *(args if "--out" in args else [*args, "--out", "uit"])]


def all_commands() -> Mapping[str, Command]:
    """The commands by name, as ``audiocoach --help`` lists them."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return group.commands


COMMANDS = all_commands()


def test_every_option_that_takes_a_value_has_a_case() -> None:
    """An option added to any command without a bad value tried here fails this test.

    Options of the same name are one declaration in ``cli_options.py`` shared by the commands and
    checked by the same code: a case for ``build --reps`` covers ``preview --reps``. Flags
    (``--zip``) take no value, so nothing typed after them can be wrong.
    """
    tried = {arg for case in CASES + WAITING_CASES for arg in case[2] if arg.startswith("--")}
    missing = [
        f"{name} {param.opts[0]}"
        for name, command in COMMANDS.items()
        for param in command.params
        if isinstance(param, TyperOption) and not param.is_flag
        if param.opts[0] not in tried
    ]
    assert not missing, f"options without a bad-input case: {missing}"


PATIENT_LINE = re.compile(r"^\s*(?:\[(?P<table>[\w.]+)\]|(?P<key>\w+)\s*=)", re.MULTILINE)


def patient_keys() -> set[str]:
    """The patient-file keys the cases write, as ``key`` or ``table.setting`` (the
    exercise number dropped: ``[exercises.7] reps`` is ``exercises.reps``)."""
    keys = set()
    for _, files, _, _ in CASES + WAITING_CASES:
        text = files.get("p.toml")
        if not isinstance(text, str):
            continue
        table = ""
        for found in PATIENT_LINE.finditer(text):
            if found["table"]:
                table = found["table"].split(".")[0]
                keys.add(table)
            else:
                keys.add(f"{table}.{found['key']}" if table else found["key"])
    return keys


def test_every_patient_file_key_and_setting_has_a_case() -> None:
    """A key added to the patient file, or a dosage setting it may change (under [dosage] or
    [exercises.N]), without a bad value tried here fails this test."""
    written = patient_keys()
    settings = {f"{table}.{name}" for table in ("dosage", "exercises") for name in FIELDS}
    tried_settings = {key.split(".")[1] for key in written & settings}
    assert not set(KEYS) - written, f"patient-file keys without a case: {set(KEYS) - written}"
    assert not set(FIELDS) - tried_settings, (
        f"settings without a case: {set(FIELDS) - tried_settings}"
    )


def prepare(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """The work folder: the case's files and an output folder with earlier files."""
    out = tmp_path / "uit"
    out.mkdir()
    (out / "fase-1a-gehele-periode.mp3").write_bytes(b"an earlier build" * 100)
    (out / "notities.txt").write_text("van de praktijk", encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text == FIFO:
            os.mkfifo(path)
        elif isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return out


FIFO = "<a FIFO>"


def bounded_memory() -> None:
    if hasattr(resource, "RLIMIT_AS"):
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))


# Cases that would wait forever or fill the memory if a check went missing: each runs as a real
# process with a generous time-out as a hang guard.
WAITING_CASES: list[Case] = [
    ("program is /dev/zero", {}, ["--program", "/dev/zero"], "/dev/zero is not a regular file"),
    ("program is a FIFO", {"k.toml": FIFO}, ["--program", "k.toml"], "is not a regular file"),
    ("patient is a FIFO", {"p.toml": FIFO}, ["p.toml"], "p.toml is not a regular file"),
    ("patient is /dev/zero", {}, ["/dev/zero"], "/dev/zero is not a regular file"),
    (
        "patient program is /dev/urandom",
        {"p.toml": "program = '/dev/urandom'\n"},
        ["p.toml"],
        "/dev/urandom is not a regular file",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_bad_input_is_one_plain_sentence_and_touches_nothing(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    _, files, args, message = case
    prepare(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    before = tree_hashes(tmp_path)
    result = run_cli(runner, *command_line(args))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("audiocoach: ")
    assert message in lines[0]
    assert tree_hashes(tmp_path) == before


@pytest.mark.parametrize(
    "case",
    [
        *(c for c in CASES if c[0] in {"reps zero", "patient broken toml", "out below a file"}),
        *(c for c in CASES if c[0] in {"jobs zero", "unknown option", "reps huge"}),
        *WAITING_CASES,
    ],
    ids=lambda case: case[0],
)
def test_bad_input_in_a_real_process(tmp_path: Path, case: Case) -> None:
    """The same, as a user runs it: no traceback on stderr, only the sentence."""
    _, files, args, message = case
    prepare(tmp_path, files)
    before = tree_hashes(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "audiocoach", *command_line(args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,  # a hang guard only
        preexec_fn=bounded_memory,  # reading /dev/zero must fail the test, not the machine
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(tmp_path) == before


def test_broken_template_names_the_template_and_line(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template folder with a syntax error (a practice editing the wording)."""
    folder = tmp_path / "scripts_nl"
    folder.mkdir()
    for template in writer.templates_dir().glob("*.j2"):
        (folder / template.name).write_text(template.read_text(encoding="utf-8"), "utf-8")
    (folder / "rust.j2").write_text("Rust.\n{% if dosage.rest_s %}\nNog even.\n", "utf-8")
    monkeypatch.setattr(writer, "templates_dir", lambda: folder)
    out = prepare(tmp_path, {})
    before = tree_hashes(tmp_path)
    result = run_cli(runner, "build", "--phase", "1", "--out", str(out))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("audiocoach: The template rust.j2 has an error on line 3: ")
    assert not line.endswith("..")
    assert tree_hashes(tmp_path) == before
