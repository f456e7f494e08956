"""What the command line prints: one plain line per error, a progress bar, and what a build
made. :mod:`audiocoach.cli` parses and calls the library; this module only words the result.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from audiocoach.errors import AudiocoachError, Interrupted
from audiocoach.model.dosage import choice_needed
from audiocoach.output.export import zip_notice
from audiocoach.output.extras import extra_kinds, kind_of
from audiocoach.pipeline.length import length_warnings
from audiocoach.pipeline.session import ProgressCallback, percent_done
from audiocoach.pipeline.target import Handout, Target
from audiocoach.pipeline.voices import cache_warning, report_missing

if TYPE_CHECKING:
    from audiocoach.model.card.file import Imported


class OneLineErrors(TyperGroup):
    """A usage error (an unknown option, ``--jobs`` without a number) is one sentence on
    stderr with exit status 2, like every other error, instead of click's usage block."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        if not extra.pop("standalone_mode", True):
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except typer.TyperException as error:  # click's usage errors derive from it
            message = " ".join(error.format_message().split())
            typer.echo(f"audiocoach: {one_line(message)}", err=True)
            sys.exit(2)
        except typer.Abort:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


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
            target = percent_done(done, total, what)
            bar.update(target - state["pos"])
            state["pos"] = target

        yield advance


def print_summary(handouts: Sequence[Handout], notes: Sequence[str | None] = ()) -> None:
    """The end of a build: per folder each session with its length, the patient's page, the
    feed and the zip with their paths, each marked "unchanged" when this build left it as it
    was, and one line naming what changed; then ``notes`` (what recordings lacked, and any
    other note the library gives), one line each."""
    for handout in handouts:
        for line in handout_lines(handout):
            typer.echo(line)
    for note in notes:
        if note:
            typer.echo(note)


def handout_lines(handout: Handout) -> list[str]:
    """What :func:`print_summary` says of one folder."""
    changed = set(handout.changed)

    def mark(path: Path) -> str:
        return "" if path.name in changed else "  unchanged"

    lines = []
    for item in handout.files:
        minutes, seconds = divmod(round(item.duration_ms / 1000), 60)
        lines.append(f"{item.path}  ({minutes}:{seconds:02d}){mark(item.path)}")
    online = f", online at {handout.page_url}" if handout.page_url else ""
    lines.append(f"The patient's page: {handout.page}{online}{mark(handout.page)}")
    if handout.feed is not None:
        lines.append(f"The podcast feed: {handout.feed_url} ({handout.feed}){mark(handout.feed)}")
    if handout.zip_path is not None:
        lines.append(f"The zip to send: {handout.zip_path}{mark(handout.zip_path)}")
    lines += [f"Removed {path}: without --base-url there is no feed." for path in handout.removed]
    lines.append(changed_line(handout))
    return lines


def changed_line(handout: Handout) -> str:
    """ "Changed in uit: 2 MP3s, 4 transcripts, index.html.", or that nothing did."""
    names = handout.changed
    mp3s = [n for n in names if n.endswith(".mp3")]
    beside = [kind_of(n) for n in names]
    parts = [_count(len(mp3s), "MP3"), *(_count(beside.count(k), k) for k in extra_kinds())]
    parts += [n for n, kind in zip(names, beside, strict=True) if n not in mp3s and kind is None]
    parts += [f"{path.name} removed" for path in handout.removed]
    said = [part for part in parts if part]
    if not said:
        return f"Nothing changed in {handout.out_dir}: every file is as it was."
    return f"Changed in {handout.out_dir}: {', '.join(said)}."


def _count(number: int, what: str) -> str:
    return "" if number == 0 else f"1 {what}" if number == 1 else f"{number} {what}s"


def print_import(made: Imported) -> None:
    """What ``audiocoach import`` wrote, how much is to be checked, and what was not read."""
    from audiocoach.model.card.draft import CHECK, describe

    findings = made.draft.findings
    unread = [f for f in findings if f.kind == "unread"]
    program = made.draft.program
    typer.echo(
        f"Wrote {made.path}: {len(program.exercises)} exercises, {len(program.phases)} "
        f"phases; {len(findings) - len(unread)} values to check (marked '{CHECK}'), "
        f"{len(unread)} not read."
    )
    for finding in unread:
        typer.echo(f"  not read: {describe(finding)}")
    typer.echo(f"Check it, then: audiocoach preview --program {made.path}")


def print_notices(targets: Sequence[Target], handouts: Sequence[Handout]) -> None:
    """After the files: a warning per long phase and one for a speech cache that could not
    be written (on stderr), and how to make a phase that waits for the therapist's choice
    (one line)."""
    for target, handout in zip(targets, handouts, strict=True):
        whose = f"{target.out_dir.name}: " if len(targets) > 1 else ""
        for warning in length_warnings(target.program, handout.files):
            typer.echo(f"{whose}{warning}", err=True)
    for warning in dict.fromkeys(w for t in targets if (w := cache_warning(t.voice))):
        typer.echo(warning, err=True)
    waiting = {p.number: p for t in targets for p in t.program.phases_awaiting_choice}
    for phase in waiting.values():
        typer.echo(choice_needed(phase))


def report_build(targets: Sequence[Target], handouts: Sequence[Handout]) -> None:
    """What the build made, then its notices; when stdout cannot be written (``> /dev/full``,
    a closed pipe), one sentence on stderr instead and exit 0: the files are in place."""
    try:
        print_summary(handouts, [report_missing(t.voice, t.program, t.out_dir) for t in targets])
        for handout in handouts:
            if handout.zip_path is not None and (notice := zip_notice(handout.zip_path)):
                typer.echo(notice)
        print_notices(targets, handouts)
        sys.stdout.flush()
    except OSError as error:
        with contextlib.suppress(OSError):  # what is still buffered goes nowhere at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        folders = ", ".join(one_line(str(h.out_dir)) for h in handouts)
        typer.echo(
            f"audiocoach: the new files are in place in {folders}, but their list cannot be "
            f"printed: {error.strerror}.",
            err=True,
        )
