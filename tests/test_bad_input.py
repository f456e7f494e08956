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
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.testing import CliRunner

from audiocoach.cli import app
from audiocoach.cli_report import one_line
from audiocoach.model.patient import KEYS
from audiocoach.model.settings import DOSAGE_SETTINGS
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


def all_commands() -> Mapping[str, TyperCommand | TyperGroup]:
    """The commands by name, as ``audiocoach --help`` lists them."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    found = {}
    for name, command in group.commands.items():
        assert isinstance(command, (TyperCommand, TyperGroup))
        found[name] = command
    return found


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
    settings = {f"{table}.{name}" for table in ("dosage", "exercises") for name in DOSAGE_SETTINGS}
    tried_settings = {key.split(".")[1] for key in written & settings}
    assert not set(KEYS) - written, f"patient-file keys without a case: {set(KEYS) - written}"
    assert not set(DOSAGE_SETTINGS) - tried_settings, (
        f"settings without a case: {set(DOSAGE_SETTINGS) - tried_settings}"
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


def few_open_files() -> None:
    """``ulimit -n 16``, as a shell may set it."""
    bounded_memory()
    resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))


LIMITED = {"open files 16": few_open_files}
"""Cases run under a limit of the process, by id."""


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
    (
        "open files 16",
        {},
        ["--phase", "1", "--reps", "1", "--sets", "1"],
        "lets a program open only 16 files at once and a build needs 64",
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
    if case in FILE_CASES:  # a program or patient file's error names the file
        named = {*files, *(arg for arg in args if arg.endswith(".toml") or "/" in arg)}
        assert any(one_line(name) in lines[0] for name in named), (named, lines[0])


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        *(c for c in CASES if c[0] in {"reps zero", "patient broken toml", "out below a file"}),
        *(c for c in CASES if c[0] in {"jobs zero", "unknown option", "reps huge"}),
        *(c for c in CASES if c[0] in {"out not utf-8", "patient program path nul"}),
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
        # Reading /dev/zero must fail the test, not the machine.
        preexec_fn=LIMITED.get(case[0], bounded_memory),
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(tmp_path) == before


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_summary_that_cannot_be_printed_is_one_sentence_and_the_files_are_in_place(
    tmp_path: Path,
) -> None:
    """``audiocoach build > /dev/full``: the files went in, only their list cannot be shown.
    One sentence, and exit status 0, as the files are in place."""
    out = prepare(tmp_path, {})
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "audiocoach", "build", "--phase", "1", "--reps", "1",
             "--sets", "1", "--out", "uit"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False, cwd=tmp_path,
            timeout=300,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "audiocoach: the new files are in place in uit, but their list cannot be printed: "
        "No space left on device."
    ]
    assert (out / "index.html").is_file()
    assert (out / "notities.txt").read_text(encoding="utf-8") == "van de praktijk"


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
