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
from audiocoach.script import writer as script
from helpers import run_cli, tree_hashes

GOOD_PROGRAM = """\
[program]
title = "{title}"

[[phases]]
number = 1
title = "{phase}"
exercises = [1]

[[exercises]]
number = 1
title = "Bruggetje"
aim = "versterken"
instruction = "Til het bekken op."
dosage = {{ pattern = "reps", reps = {reps}, sets = 1, rest_s = 0 }}
"""


def program_file(title: str = "Kort", phase: str = "Proef", reps: int = 1) -> str:
    return GOOD_PROGRAM.format(title=title, phase=phase, reps=reps)


def program_with(old: str, new: str, text: str | None = None) -> str:
    """The good program with one piece of its text replaced (which must be there)."""
    text = text or program_file()
    assert old in text
    return text.replace(old, new, 1)


SECOND_PHASE = '\n[[phases]]\nnumber = 1\ntitle = "Nog eens"\nexercises = [1]\n'
HUGE = "1" + "0" * 5000
"""More digits than Python reads as a number (4300)."""


# (id, files to write in the work folder, arguments after "build" (or a command and its
# arguments, for an option only that command has), words the message holds)
Case = tuple[str, dict[str, str | bytes], list[str], str]
CASES: list[Case] = [
    ("reps zero", {}, ["--reps", "0"], "--reps must be from 1 to 50, not 0"),
    ("reps negative", {}, ["--reps", "-1"], "--reps must be from 1 to 50, not -1"),
    ("reps 10000", {}, ["--reps", "10000"], "not 10000"),
    ("reps text", {}, ["--reps", "abc"], "--reps must be a whole number, not 'abc'"),
    ("reps float", {}, ["--reps", "2.5"], "--reps must be a whole number, not '2.5'"),
    ("sets zero", {}, ["--sets", "0"], "--sets must be from 1 to 10"),
    ("sets eleven", {}, ["--sets", "11"], "--sets must be from 1 to 10"),
    ("rest negative", {}, ["--rest", "-5"], "--rest must be from 0 to 300 seconds"),
    ("rest too long", {}, ["--rest", "301"], "--rest must be from 0 to 300 seconds"),
    ("hold zero", {}, ["--hold", "0"], "--hold must be from 1 to 120 seconds"),
    ("hold float", {}, ["--hold", "1.5"], "--hold must be a whole number"),
    ("rate too slow", {}, ["--rate", "10"], "--rate must be a whole number of words"),
    ("rate text", {}, ["--rate", "fast"], "--rate must be a whole number"),
    ("phase missing", {}, ["--phase", "3"], "There is no phase 3"),
    ("phase zero", {}, ["--phase", "0"], "--phase must be a phase number"),
    ("select unknown", {}, ["--select", "12"], "exercise 12 does not exist"),
    ("select other phase", {}, ["--select", "1"], "exercise 1 belongs to phase 1"),
    ("select fixed", {}, ["--select", "3"], "exercise 3 always stays in phase 2"),
    ("select text", {}, ["--select", "5,x"], "must be a whole number, not 'x'"),
    ("select empty", {}, ["--select", " "], "--select needs exercise numbers"),
    ("set zero", {}, ["--set", "7.reps=0"], "--set '7.reps=0' must be from 1 to 50"),
    ("set unknown key", {}, ["--set", "7.reps_=6"], "unknown setting 'reps_'"),
    ("set float", {}, ["--set", "7.reps=2.5"], "must be a whole number, not '2.5'"),
    ("set shape", {}, ["--set", "7reps6"], "must look like EXERCISE.SETTING=VALUE"),
    ("set unknown exercise", {}, ["--set", "12.reps=3"], "Exercise 12 does not exist"),
    ("set held exercise", {}, ["--set", "11.reps=3"], "Exercise 11 is held, not counted"),
    ("set unselected", {}, ["--select", "5", "--set", "9.reps=4"], "not selected"),
    (
        "patient unknown key",
        {"p.toml": "reps_ = 6\n"},
        ["p.toml"],
        "unknown key 'reps_'",
    ),
    (
        "patient unknown exercise key",
        {"p.toml": "[exercises.7]\nreps_ = 6\n"},
        ["p.toml"],
        "[exercises.7]: unknown setting 'reps_'",
    ),
    (
        "patient broken toml",
        {"p.toml": "label = 'A.B.'\nreps = = 6\n"},
        ["p.toml"],
        "p.toml is not valid TOML: Invalid value (at line 2, column 8)",
    ),
    (
        "patient toml cut short",
        {"p.toml": "label = 'A.B.'\nselection = [5, 6\n"},
        ["p.toml"],
        "not valid TOML: Unclosed array (at line 3, column 1: the end of the file)",
    ),
    ("patient missing", {}, ["nobody.toml"], "nobody.toml does not exist"),
    ("patient is a folder", {"map/x.txt": ""}, ["map"], "is a folder, not a file"),
    (
        "patient float",
        {"p.toml": "[dosage]\nreps = 2.5\n"},
        ["p.toml"],
        "[dosage] 'reps' must be a whole number from 1 to 50, not 2.5",
    ),
    (
        "patient text number",
        {"p.toml": "[dosage]\nsets = '2'\n"},
        ["p.toml"],
        "must be a whole number from 1 to 10, not '2'",
    ),
    (
        "patient exercise not a number",
        {"p.toml": "[exercises.zeven]\nreps = 6\n"},
        ["p.toml"],
        "[exercises.zeven] must name an exercise number",
    ),
    (
        "patient full name",
        {"p.toml": "label = 'Johanna de Vries-Jansen'\n"},
        ["p.toml"],
        "'label' must be initials",
    ),
    (
        "patient selection other phase",
        {"p.toml": "selection = [1, 5]\n"},
        ["p.toml"],
        "exercise 1 belongs to phase 1",
    ),
    ("patient rate", {"p.toml": "rate = 1000\n"}, ["p.toml"], "'rate' must be a whole number"),
    ("patient voice", {"p.toml": "voice = 3\n"}, ["p.toml"], "'voice' must be text, not 3"),
    ("patient tones", {"p.toml": "tones = 'ja'\n"}, ["p.toml"], "'tones' must be true or false"),
    (
        "patient rest too long",
        {"p.toml": "[dosage]\nrest_s = 400\n"},
        ["p.toml"],
        "[dosage] 'rest_s' must be from 0 to 300 seconds, not 400",
    ),
    (
        "patient exercise hold zero",
        {"p.toml": "[exercises.11]\nhold_s = 0\n"},
        ["p.toml"],
        "[exercises.11] 'hold_s' must be from 1 to 120 seconds, not 0",
    ),
    (
        "patient program missing",
        {"p.toml": "program = 'kaart.toml'\n"},
        ["p.toml"],
        "kaart.toml does not exist",
    ),
    (
        "patient voice_dir missing",
        {"p.toml": "voice_dir = 'opnames'\n"},
        ["p.toml"],
        "'voice_dir'",
    ),
    ("program missing", {}, ["--program", "geen.toml"], "geen.toml does not exist"),
    (
        "program reps zero",
        {"k.toml": program_file(reps=0)},
        ["--program", "k.toml"],
        "'reps' must be from 1 to 50, not 0",
    ),
    (
        "program title ../../x",
        {"k.toml": program_file(title="../../x")},
        ["--program", "k.toml"],
        "The template sessie_begin.j2",
    ),
    (
        "program phase title ../../x",
        {"k.toml": program_file(phase="../../x")},
        ["--program", "k.toml"],
        "The template sessie_begin.j2",
    ),
    ("voice unknown", {}, ["--voice", "klingon"], "The voice 'klingon' does not exist"),
    ("out is a file", {"bestand": "x"}, ["--out", "bestand"], "is a file, not a folder"),
    (
        "out below a file",
        {"bestand": "x"},
        ["--out", "bestand/uit"],
        "cannot be created",
    ),
    # Numbers of thousands of digits, on the command line and in files
    ("reps huge", {}, ["--reps", HUGE], "--reps must be a whole number of at most 9 digits"),
    ("rate huge", {}, ["--rate", HUGE], "--rate must be a whole number of at most 9 digits"),
    ("select huge", {}, ["--select", HUGE], "at most 9 digits"),
    ("phase huge", {}, ["--phase", HUGE], "--phase must be a whole number of at most 9 digits"),
    ("set huge exercise", {}, ["--set", f"{HUGE}.reps=3"], "at most 9 digits"),
    ("set huge value", {}, ["--set", f"7.reps={HUGE}"], "at most 9 digits"),
    ("select far away", {}, ["--select", "999999999"], "exercise 999999999 does not exist"),
    (
        "patient rate huge",
        {"p.toml": f"rate = {HUGE}\n"},
        ["p.toml"],
        "holds a number too long to read",
    ),
    (
        "patient rate long",
        {"p.toml": f"rate = {'9' * 4000}\n"},
        ["p.toml"],
        "not a number of 4000 digits",
    ),
    (
        "patient exercise key huge",
        {"p.toml": f"[exercises.{HUGE}]\nreps = 3\n"},
        ["p.toml"],
        "must name an exercise number",
    ),
    (
        "patient nested deep",
        {"p.toml": "selection = " + "[" * 5000 + "]" * 5000 + "\n"},
        ["p.toml"],
        "nests tables or lists too deeply",
    ),
    (
        "program nested deep",
        {"k.toml": "x = " + "{ a = " * 3000 + "1" + " }" * 3000 + "\n"},
        ["--program", "k.toml"],
        "nests tables or lists too deeply",
    ),
    (
        "program reps huge",
        {"k.toml": program_with("reps = 1", f"reps = {'9' * 4000}")},
        ["--program", "k.toml"],
        "not a number of 4000 digits",
    ),
    # Command line usage
    ("jobs zero", {}, ["--jobs", "0"], "--jobs must be from 1 to 64, not 0"),
    ("jobs text", {}, ["--jobs", "abc"], "--jobs must be a whole number, not 'abc'"),
    ("jobs too many", {}, ["--jobs", "65"], "--jobs must be from 1 to 64, not 65"),
    ("unknown option", {}, ["--frob"], "No such option: --frob"),
    ("serve port zero", {}, ["serve", "--port", "0"], "Invalid value for '--port'"),
    (
        "option without value",
        {},
        ["--out", "uit", "--reps"],
        "Option '--reps' requires an argument",
    ),
    # Program files: numbers, structure and text
    (
        "program exercise number zero",
        {"k.toml": program_with('number = 1\ntitle = "Brug', 'number = 0\ntitle = "Brug')},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not 0",
    ),
    (
        "program exercise number 1000",
        {"k.toml": program_with('number = 1\ntitle = "Brug', 'number = 1000\ntitle = "Brug')},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not 1000",
    ),
    (
        "program phase number negative",
        {"k.toml": program_with("number = 1", "number = -1")},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not -1",
    ),
    (
        "program phase without exercises",
        {"k.toml": program_with("exercises = [1]", "exercises = []")},
        ["--program", "k.toml"],
        "phase 1 has no exercises",
    ),
    (
        "program phase names text",
        {"k.toml": program_with("exercises = [1]", 'exercises = ["een"]')},
        ["--program", "k.toml"],
        "names exercise 'een', which does not exist",
    ),
    (
        "program notes not text",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = [1, 2]')},
        ["--program", "k.toml"],
        "'notes' must be a list of texts, not 1",
    ),
    (
        "program notes not a list",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = "lees"')},
        ["--program", "k.toml"],
        "'notes' must be a list",
    ),
    (
        "program two phases one number",
        {"k.toml": program_file() + SECOND_PHASE},
        ["--program", "k.toml"],
        "two phases have the number 1",
    ),
    (
        "program title line break",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort\\n#EXTINF:1,x"')},
        ["--program", "k.toml"],
        "'title' holds a control character (U+000A)",
    ),
    (
        "program subtitle control",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nsubtitle = "a\\u0001b"')},
        ["--program", "k.toml"],
        "'subtitle' holds a control character (U+0001)",
    ),
    (
        "program phase title escape",
        {"k.toml": program_file(phase="Proef\\u001b[31m")},
        ["--program", "k.toml"],
        "'title' holds a control character (U+001B)",
    ),
    (
        "program note line separator",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = ["a\\u2028b"]')},
        ["--program", "k.toml"],
        "'notes' holds a control character (U+2028)",
    ),
    (
        "program instruction nul",
        {"k.toml": program_with("Til het bekken op.", "Til het\\u0000 bekken op.")},
        ["--program", "k.toml"],
        "'instruction' holds a control character (U+0000)",
    ),
    (
        "program title too long",
        {"k.toml": program_file(title="a" * 3000)},
        ["--program", "k.toml"],
        "'title' is longer than 2000 characters",
    ),
    (
        "program cue line break",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1,',
                '{ pattern = "parts", cues = ["links\\n", "rechts"], reps = 1,',
            )
        },
        ["--program", "k.toml"],
        "'cues' holds a control character (U+000A)",
    ),
    (
        "program many cues",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1,',
                '{ pattern = "parts", cues = ["a", "b", "c", "d", "e", "f", "g"], reps = 1,',
            )
        },
        ["--program", "k.toml"],
        "'cues' must be a list of at most 6 words",
    ),
    (
        "program hours of parts",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1, sets = 1, rest_s = 0 }',
                '{ pattern = "parts", cues = ["a", "b", "c", "d", "e", "f"], reps = 50, '
                "sets = 10, rest_s = 300, move_s = 30 }",
            )
        },
        ["--program", "k.toml"],
        "hours or more; a session may last at most 3 hours",
    ),
    (
        "dosage over three hours",
        {"k.toml": program_with("rest_s = 0 }", "rest_s = 0, move_s = 30 }")},
        ["--program", "k.toml", "--reps", "50", "--sets", "10", "--rest", "300"],
        "a session may last at most 3 hours",
    ),
    (
        "program not utf-8",
        {"k.toml": b'[program]\ntitle = "K\xf6rt"\n'},
        ["--program", "k.toml"],
        "is not UTF-8 text (byte 21 cannot be read)",
    ),
    (
        "program too large",
        {"k.toml": program_file() + "# " + "x" * 300_000 + "\n"},
        ["--program", "k.toml"],
        "is larger than 256 KB",
    ),
    ("program is /dev/null", {}, ["--program", "/dev/null"], "/dev/null is not a regular file"),
    (
        "program name with a line break",
        {},
        ["--program", "geen\nbestand\x1b[2J.toml"],
        "geen\\nbestand\\x1b[2J.toml does not exist",
    ),
    # Patient files: text
    (
        "patient practice line break",
        {"p.toml": 'practice = "Praktijk\\nB"\n'},
        ["p.toml"],
        "'practice' must be one line",
    ),
    (
        "patient label control",
        {"p.toml": 'label = "A.\\u0007B."\n'},
        ["p.toml"],
        "'label' must be initials",
    ),
    ("patient not utf-8", {"p.toml": b"label = '\xff'\n"}, ["p.toml"], "is not UTF-8 text"),
    # --base-url
    ("base url control", {}, ["--base-url", "https://praktijk.nl/\x01x/"], "is not a web address"),
    (
        "base url line break",
        {},
        ["--base-url", "https://praktijk.nl/a\nb/"],
        "is not a web address",
    ),
    # Output folders holding a folder where the build writes a file
    ("out has index.html/", {"uit/index.html/x": ""}, [], "uit/index.html is a folder"),
    ("out has playlist/", {"uit/sessies.m3u8/x": ""}, [], "uit/sessies.m3u8 is a folder"),
    (
        "out has a transcript folder",
        {"uit/fase-2-opbouw.vtt/x": ""},
        [],
        "uit/fase-2-opbouw.vtt is a folder",
    ),
    (
        "out has an mp3 folder",
        {"uit/fase-2-opbouw.mp3/x": ""},
        [],
        "uit/fase-2-opbouw.mp3 is a folder",
    ),
    (
        "out has a manifest folder",
        {"uit/.audiocoach-manifest.json/x": ""},
        [],
        "uit/.audiocoach-manifest.json is a folder",
    ),
    # Recordings
    (
        "recordings twice, in two cases",
        {"opnames/tel-01.wav": "x", "opnames/TEL-01.WAV": "y"},
        ["--voice-dir", "opnames"],
        "The phrase 'tel-01' has two recordings",
    ),
]


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

    Options of the same name are one declaration in ``cli.py`` shared by the commands and
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
    (out / "fase-1-gehele-periode.mp3").write_bytes(b"an earlier build" * 100)
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
    for template in script.templates_dir().glob("*.j2"):
        (folder / template.name).write_text(template.read_text(encoding="utf-8"), "utf-8")
    (folder / "rust.j2").write_text("Rust.\n{% if dosage.rest_s %}\nNog even.\n", "utf-8")
    monkeypatch.setattr(script, "templates_dir", lambda: folder)
    out = prepare(tmp_path, {})
    before = tree_hashes(tmp_path)
    result = run_cli(runner, "build", "--phase", "1", "--out", str(out))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("audiocoach: The template rust.j2 has an error on line 3: ")
    assert not line.endswith("..")
    assert tree_hashes(tmp_path) == before
