"""The README's commands run as written after its set-up: in a fresh venv made once by the
README's own set-up command, every command line of its shell examples is run in a shell that
ran the README's activation line, each block in a folder of its own.

Bounded: a ``build`` example runs with ``--phase 1 --reps 1 --sets 1 --rest 0`` appended (the
command line as written, parsed, checked and built by the installed command, in seconds
instead of a minute; the full-size builds are the end-to-end tests' job). ``serve --open``
runs until it says its address (``BROWSER=true``: no browser opens), then gets Ctrl-C. The
set-up's own ``audiocoach build`` runs in full. The examples share a speech cache of their
own (filled by that build), since one of them clears it.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from audiocoach.model.patient import write_example
from pdf_writer import text_pdf
from test_docs import FENCE, README, ROOT, SHELL_FENCES, read, section, setup_commands

SMALL = ["--phase", "1", "--reps", "1", "--sets", "1", "--rest", "0"]
"""What a ``build`` example gets appended, to keep the run bounded (see above)."""

GIVEN = {
    "anna.toml": 'label = "A.N."\n[dosage]\nreps = 8\n',
    "bram.toml": 'label = "B.R."\n[dosage]\nreps = 6\n',
}
"""Files of the practice's own that an example names and no example writes."""


@dataclass(frozen=True)
class Line:
    where: str
    command: str
    error: str | None
    """The answer the README shows on the next line, if any."""


def activation() -> str:
    """The README's line that makes ``audiocoach`` a command, after the set-up commands."""
    block = section(read(README), "## Set-up in two commands")
    line = [match.group(2).strip() for match in FENCE.finditer(block)][2]
    return re.sub(r"\s+#.*$", "", line)


def examples() -> list[list[Line]]:
    """The README's shell blocks after the set-up section, as lines to run (comments and
    shown answers left out). The block that clears the speech cache goes last, so the
    others use what the set-up's build spoke."""
    text = read(README)
    setup = section(text, "## Set-up in two commands")
    after = text.index(setup) + len(setup)
    blocks = []
    for block in FENCE.finditer(text, after):
        if block.group(1) not in SHELL_FENCES:
            continue
        first = text.count("\n", 0, block.start()) + 2
        lines = block.group(2).splitlines()
        found = []
        for number, (line, after_line) in enumerate(
            zip(lines, [*lines[1:], ""], strict=True), first
        ):
            command = re.sub(r"\s+#.*$", "", line.removeprefix("$ ")).strip()
            if not re.match(r"(audiocoach|python) ", command):
                continue
            error = after_line if after_line.startswith("audiocoach: ") else None
            found.append(Line(f"README.md:{number}", command, error))
        if found:
            blocks.append(found)
    return sorted(blocks, key=lambda block: any("cache clear" in line.command for line in block))


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository in which the README's first set-up command ran as written."""
    repo = tmp_path_factory.mktemp("fresh") / "audiocoach"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("src", "scripts_nl"):
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, repo / name)
    command = setup_commands()[0]
    done = subprocess.run(
        ["bash", "-c", command], cwd=repo, env=shell_env(repo / ".speech-cache"),
        capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert (repo / "output" / "index.html").is_file()
    return repo


def shell_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return {**env, "AUDIOCOACH_CACHE_DIR": str(cache), "BROWSER": "true"}


def test_the_readme_shows_examples_after_set_up() -> None:
    """The test below runs something: dozens of lines in several blocks."""
    assert len(examples()) >= 5
    assert sum(len(block) for block in examples()) >= 25


@pytest.mark.slow
@pytest.mark.parametrize("block", examples(), ids=lambda block: block[0].where)
def test_every_example_runs_as_written(installed: Path, tmp_path: Path, block: list[Line]) -> None:
    folder = tmp_path / "werk"
    folder.mkdir()
    (folder / ".venv").symlink_to(installed / ".venv")
    for name, text in GIVEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    card = (ROOT / "tests" / "data" / "si-gewricht-lage-rug.txt").read_text(encoding="utf-8")
    (folder / "kaart.pdf").write_bytes(text_pdf(card))  # the card a practice has, as a PDF
    if not any("init patient.toml" in line.command for line in block):
        write_example(folder / "patient.toml")
    env = shell_env(installed / ".speech-cache")
    for line in block:
        if line.command.startswith("audiocoach serve"):
            serve_until_it_answers(line, folder, env)
            continue
        command = line.command
        if command.startswith("audiocoach build"):
            command = " ".join([command, *SMALL])
        done = subprocess.run(
            ["bash", "-c", f"{activation()} && {command}"], cwd=folder, env=env,
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if line.error is None:
            assert done.returncode == 0, f"{line.where}: {command}\n{done.stdout}{done.stderr}"
        else:
            assert (done.returncode, done.stderr.strip()) == (2, line.error), line.where


def serve_until_it_answers(line: Line, folder: Path, env: dict[str, str]) -> None:
    """Start ``serve`` as written; once it says where it listens, stop it with Ctrl-C."""
    with subprocess.Popen(
        ["bash", "-c", f"{activation()} && exec {line.command}"], cwd=folder, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as server:  # fmt: skip
        assert server.stdout is not None
        assert server.stderr is not None
        try:
            ready, _, _ = select.select([server.stdout, server.stderr], [], [], 120)
            said = server.stdout.readline() if server.stdout in ready else ""
            if not said and "cannot be used" in server.stderr.readline():
                pytest.skip(f"{line.where}: the port is taken on this machine (another test?)")
            assert said.startswith("audiocoach: open http://127.0.0.1:"), (line.where, said)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()  # never a hung suite: the test fails instead
                server.wait()
                raise AssertionError(f"{line.where}: serve did not stop on Ctrl-C") from None
