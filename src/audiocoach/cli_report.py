"""What the command line prints: one plain line per error, a progress bar, and what a build
made. :mod:`audiocoach.cli` parses and calls the library; this module only words the result.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer

from audiocoach.errors import AudiocoachError, Interrupted
from audiocoach.pipeline.build import BuiltFile
from audiocoach.pipeline.session import ProgressCallback


def fail(message: str) -> None:
    """Print one plain sentence on stderr and exit 2.

    A file name or value the user gave may hold a line break or a terminal escape: shown
    escaped, so the sentence stays one line and the terminal shows what was typed."""
    typer.echo(f"audiocoach: {one_line(message)}", err=True)
    raise typer.Exit(2)


def one_line(message: str) -> str:
    """``message`` with every character that is not printable written as its escape."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the library's errors and Ctrl-C into one line each."""
    try:
        yield
    except AudiocoachError as error:
        fail(str(error))
    except KeyboardInterrupt as stop:
        said = str(stop) if isinstance(stop, Interrupted) else ""
        said = said or "stopped; files that were there before are unchanged."
        typer.echo(f"audiocoach: {one_line(said)}", err=True)
        raise typer.Exit(130) from None


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr while work advances, when stderr is a terminal."""
    if not enabled:
        yield None
        return
    with typer.progressbar(length=100, label=label, file=sys.stderr) as bar:
        state = {"pos": 0}

        def advance(done: int, total: int, what: str) -> None:
            bar.label = f"{label}: {what}"
            # Speaking is the first half of the work, encoding the second.
            target = (done / total) * 50 + (50 if what == "encoding" else 0)
            bar.update(int(target) - state["pos"])
            state["pos"] = int(target)

        yield advance


def print_built(built: Sequence[BuiltFile], missing: Sequence[str | None]) -> None:
    """Each file with its length (and whether it was kept), then what recordings lacked."""
    for item in built:
        minutes, seconds = divmod(round(item.duration_ms / 1000), 60)
        kept = "  unchanged" if item.kept else ""
        typer.echo(f"{item.path}  ({minutes}:{seconds:02d}){kept}")
    for message in missing:
        if message:
            typer.echo(message)
