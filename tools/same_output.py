"""Check that two versions of audiocoach write the same bytes for the same inputs.

Why: a restructuring (modules moved into sub-packages, big modules split) must not change
what a patient hears or what a practice receives. This tool runs a fixed set of commands with
two versions of the source and compares every file they write, byte for byte.

Usage, from anywhere inside the repository, with the project's venv::

    .venv/bin/python tools/same_output.py BASE [OTHER] [--keep]

BASE and OTHER are git revisions (``HEAD``, ``main~3``, a commit). OTHER left out means the
working tree of the current checkout, uncommitted changes included. So before committing a
refactoring, ``python tools/same_output.py HEAD`` says whether it changed any output.

How:

- A revision is checked out into a temporary folder (through a temporary index file:
  ``git read-tree`` and ``git checkout-index``; the repository's own index, branches and
  worktree list are not touched). The working tree is used where it is.
- audiocoach is run from that source without installing it: this venv's Python
  (``sys.executable``) with ``PYTHONPATH=<source>/src``, which comes before the editable
  install's ``.pth``. A probe checks, per side, that ``audiocoach`` is imported from that side's
  tree and that every template and module it opens while running ``preview`` is that side's
  (an audit hook records the files it opens): a side running the other side's code would make
  the comparison vacuous.
- Both sides share one speech cache (``AUDIOCOACH_CACHE_DIR``), and BASE runs first and fills
  it, so both say every text with the very same samples (espeak-ng does not say a text twice
  with exactly the same samples; separate empty caches could differ by milliseconds).
- Every case runs in its own folder, with relative paths, via ``python -m audiocoach ...``;
  each command's stdout and stderr are saved there too (``<name>.stdout``, ``<name>.stderr``,
  with the case folder's and the source's paths replaced by placeholders) and compared like
  the files. A command that exits with an unexpected status is reported with its stderr, and
  counts as a difference.
- Every file of every case is compared (hidden files such as ``.audiocoach-manifest.json``
  included; a build's temporary ``.audiocoach-<pid>-...`` files and folders are ignored, and
  reported when present). A text file that differs is shown as the start of a unified diff,
  any other file by the first byte offset that differs.

Exit status: 0 when every file of every case is identical, 1 when anything differs or a
command failed, 2 when the comparison could not be set up (an unknown revision, audiocoach
imported from the wrong tree).

The speech samples are made by the real engine on this machine. A run takes about two
minutes on two idle cores (MP3 encoding dominates, so the second side, with the warm cache,
is hardly faster), longer on a busy machine. ``--keep`` leaves the temporary folder (sources,
outputs, cache) for a closer look.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from same_output_cases import CASES, Case
from same_output_compare import compare_all

PROBE = r"""
import json, os, runpy, sys

opened = []


def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        opened.append(os.path.abspath(os.fsdecode(args[0])))


sys.addaudithook(hook)
import audiocoach

report = sys.argv[1]
sys.argv = ["audiocoach", "preview"]
code = 0
try:
    runpy.run_module("audiocoach", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
with open(report, "w", encoding="utf-8") as out:
    json.dump({"file": audiocoach.__file__, "code": code, "opened": sorted(set(opened))}, out)
"""


class SetupError(Exception):
    """The comparison cannot be made: one sentence for the user."""


@dataclass
class Side:
    """One version of the source: where it is and what it is called in the report."""

    label: str
    revision: str | None
    root: Path

    @property
    def src(self) -> Path:
        return self.root / "src"


@dataclass
class Outcome:
    """What one case did on one side."""

    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in ``repo``; its stdout, or a SetupError with its stderr."""
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SetupError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def resolve(repo: Path, revision: str) -> str:
    """The commit a revision names."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except SetupError:
        raise SetupError(f"{revision!r} is not a commit in {repo}.") from None


def check_out(repo: Path, commit: str, dest: Path, index: Path) -> None:
    """Write the tree of ``commit`` into ``dest`` without touching the repository's index."""
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    git(repo, "read-tree", commit, env=env)
    git(repo, "checkout-index", "--all", "--force", f"--prefix={dest}{os.sep}", env=env)


def side_env(side: Side, cache: Path) -> dict[str, str]:
    """The environment of every command of one side: its source first on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AUDIOCOACH_", "PYTHON"))
    }
    env["PYTHONPATH"] = str(side.src)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in anyone's source tree
    env["AUDIOCOACH_CACHE_DIR"] = str(cache)
    env["SOURCE_DATE_EPOCH"] = "1764547200"  # the feed's dates: when bytes were first written
    return env


def inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def installed_package() -> Path | None:
    """Where this venv imports audiocoach from without PYTHONPATH (for an editable install,
    the source tree it was installed from), found without importing it."""
    spec = importlib.util.find_spec("audiocoach")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parent


def probe(side: Side, sides: list[Side], work: Path, cache: Path) -> None:
    """Check that this side runs its own code and templates, not the other side's."""
    folder = work / f"probe-{side.label}"
    folder.mkdir()
    report = folder / "probe.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report)],
        cwd=folder,
        env=side_env(side, cache),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not report.is_file():
        raise SetupError(f"{side.label}: the import probe failed:\n{done.stderr}")
    found = json.loads(report.read_text(encoding="utf-8"))
    if found["code"] not in (0, None):
        raise SetupError(f"{side.label}: 'preview' in the probe exited {found['code']}")
    module = Path(found["file"]).resolve()
    if not inside(module, side.src.resolve()):
        raise SetupError(
            f"{side.label}: audiocoach was imported from {module}, not from {side.src}; "
            "the comparison would be vacuous."
        )
    own = side.root.resolve()
    venv = Path(sys.prefix).resolve()
    installed = installed_package()
    others = [s.root.resolve() for s in sides if s.root.resolve() != own]

    def foreign(path: Path) -> bool:
        if inside(path, own):
            return False
        if installed is not None and inside(path, installed):
            return True  # the venv's own audiocoach (an editable install's source tree)
        if inside(path, venv):
            return False  # Python and the dependencies, shared by both sides
        return any(inside(path, other) for other in others)

    opened = [Path(p).resolve() for p in found["opened"]]
    strays = [p for p in opened if foreign(p)]
    if strays:
        listed = "\n  ".join(str(p) for p in strays[:10])
        raise SetupError(
            f"{side.label}: read files of another source tree than its own:\n  {listed}"
        )
    templates = [p for p in opened if p.suffix == ".j2"]
    if not templates or not all(inside(p, own) for p in templates):
        raise SetupError(
            f"{side.label}: its templates are not read from its own tree ({own}): "
            f"{[str(p) for p in templates][:5]}"
        )
    folders = ", ".join(sorted({str(p.parent) for p in templates}))
    print(f"  {side.label}: audiocoach from {module.parent}")
    print(f"  {side.label}: {len(templates)} templates read from {folders}")


def normalise(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def run_case(case: Case, side: Side, folder: Path, cache: Path) -> Outcome:
    """Run one case's commands in ``folder``; stdout and stderr are saved beside the output."""
    outcome = Outcome()
    folder.mkdir(parents=True)
    for name, text in case.inputs.items():
        (folder / name).write_text(text, encoding="utf-8")
    replacements = [(str(folder), "<CASE>"), (str(side.root), "<SOURCE>")]
    started = time.monotonic()
    for command in case.commands:
        done = subprocess.run(
            [sys.executable, "-m", "audiocoach", *command.args],
            cwd=folder,
            env=side_env(side, cache),
            capture_output=True,
            text=True,
            check=False,
        )
        stdout = normalise(done.stdout, replacements)
        stderr = normalise(done.stderr, replacements)
        (folder / f"{command.name}.stdout").write_text(stdout, encoding="utf-8")
        (folder / f"{command.name}.stderr").write_text(
            f"exit status {done.returncode}\n{stderr}", encoding="utf-8"
        )
        if done.returncode != command.expect:
            line = (
                f"{side.label}/{case.name}: 'audiocoach {' '.join(command.args)}' exited "
                f"{done.returncode}, expected {command.expect}"
            )
            outcome.failures.append(line)
            print(f"  FAILED {line}\n--- stderr ---\n{done.stderr}--- end of stderr ---")
    outcome.seconds = time.monotonic() - started
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run audiocoach from two revisions and compare every file they write, "
        "byte for byte.",
    )
    parser.add_argument("base", metavar="BASE", help="git revision to compare against")
    parser.add_argument(
        "other",
        metavar="OTHER",
        nargs="?",
        help="git revision to compare (default: the working tree, uncommitted changes included)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (sources, outputs, cache)"
    )
    options = parser.parse_args(argv)

    started = time.monotonic()
    try:
        repo = Path(git(Path.cwd(), "rev-parse", "--show-toplevel")).resolve()
        base_commit = resolve(repo, options.base)
        other_commit = resolve(repo, options.other) if options.other else None
    except SetupError as error:
        print(f"same_output: {error}", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="audiocoach-same-output-"))
    try:
        return compare_sides(
            repo,
            work,
            options=options,
            base_commit=base_commit,
            other_commit=other_commit,
            started=started,
        )
    except SetupError as error:
        print(f"same_output: {error}", file=sys.stderr)
        return 2
    finally:
        if options.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def compare_sides(
    repo: Path,
    work: Path,
    *,
    options: argparse.Namespace,
    base_commit: str,
    other_commit: str | None,
    started: float,
) -> int:
    """Set up both sides, run every case on each (BASE first), compare, report."""
    cache = work / "cache"
    base = Side("base", base_commit, work / "source-base")
    check_out(repo, base_commit, base.root, work / "index-base")
    if other_commit is None:
        other = Side("other", None, repo)
        changed = git(repo, "status", "--porcelain", "--untracked-files=no")
        other_name = f"working tree of {repo}" + (" (with uncommitted changes)" if changed else "")
    else:
        other = Side("other", other_commit, work / "source-other")
        check_out(repo, other_commit, other.root, work / "index-other")
        other_name = f"{options.other} = {other_commit[:12]}"
    print(f"base:  {options.base} = {base_commit[:12]}  ({base.root})")
    print(f"other: {other_name}")
    print(f"speech cache shared by both: {cache}")

    sides = [base, other]
    failures: list[str] = []
    for side in sides:
        print(f"\n[{side.label}] running {len(CASES)} cases")
        probe(side, sides, work, cache)
        for case in CASES:
            outcome = run_case(case, side, work / "run" / side.label / case.name, cache)
            failures.extend(outcome.failures)
            print(f"  {case.name:<18} {outcome.seconds:6.1f} s")

    total, different = compare_all(work / "run", (base.label, other.label))
    elapsed = time.monotonic() - started
    if different or failures:
        print(
            f"\nNOT THE SAME: {different} file(s) differ, {len(failures)} command(s) failed "
            f"({total} files compared, {elapsed:.0f} s)"
        )
        for failure in failures:
            print(f"  {failure}")
        return 1
    print(f"\nSAME: all {total} files of {len(CASES)} cases are identical ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
