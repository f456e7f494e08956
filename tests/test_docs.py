"""Every command explains itself and is documented, as sqlite-utils does for its CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from audiocoach.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    """Every command and sub-command path, e.g. ``build`` or ``cache clear``."""
    root = get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    names = []
    for name, command in root.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            names += [f"{name} {sub}" for sub in command.commands]
        else:
            names.append(name)
    return names


def test_there_are_commands() -> None:
    assert {"build", "preview"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_command_has_help_and_is_in_the_readme(name: str) -> None:
    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= 3, result.output
    assert f"audiocoach {name}" in README, f"README does not mention 'audiocoach {name}'"
