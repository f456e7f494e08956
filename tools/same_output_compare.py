"""How tools/same_output.py compares two runs of a case: file by file, byte for byte.

A text file that differs is shown as the start of a unified diff, any other file by the first
byte offset that differs; a build's temporary files are ignored and reported when present.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from same_output_cases import CASES, Case

TEMPORARY = re.compile(r"^\.audiocoach-(\d+-.*|.*\.(part|probe|stage|commit))$")
"""What a build leaves only while it runs (or when killed): files and folders under a
temporary name, ``.audiocoach-<pid>-...``. The manifest (``.audiocoach-manifest.json``) is
not one of them."""

TEXT_SUFFIXES = {
    ".csv",
    ".html",
    ".json",
    ".m3u8",
    ".stderr",
    ".stdout",
    ".toml",
    ".txt",
    ".vtt",
    ".xml",
}
DIFF_LINES = 16
"""Lines of unified diff shown for a text file that differs."""
DIFF_LINE_WIDTH = 160
CHUNK = 1 << 20


def files_of(folder: Path) -> tuple[set[str], list[str]]:
    """Relative paths of every file under ``folder``, and the temporary ones left out."""
    found: set[str] = set()
    ignored: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if TEMPORARY.match(name):
                ignored.append((here / name).relative_to(folder).as_posix() + "/")
                dirnames.remove(name)
        for name in filenames:
            relative = (here / name).relative_to(folder).as_posix()
            if TEMPORARY.match(name):
                ignored.append(relative)
            else:
                found.add(relative)
    return found, ignored


def first_difference(a: Path, b: Path) -> int | None:
    """The first byte offset where two files differ (the shorter one's end counts)."""
    offset = 0
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            ca, cb = fa.read(CHUNK), fb.read(CHUNK)
            if ca != cb:
                for i, (x, y) in enumerate(zip(ca, cb, strict=False)):
                    if x != y:
                        return offset + i
                return offset + min(len(ca), len(cb))
            if not ca:
                return None
            offset += len(ca)


def as_text(data: bytes, path: str) -> str | None:
    if Path(path).suffix not in TEXT_SUFFIXES or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def clip(line: str, start: int) -> str:
    """At most DIFF_LINE_WIDTH characters of a line, from a little before column ``start``:
    a long line (a page with embedded data, a manifest entry) is shown where it changed."""
    if len(line) <= DIFF_LINE_WIDTH:
        return line
    begin = max(0, min(start - DIFF_LINE_WIDTH // 3, len(line) - DIFF_LINE_WIDTH))
    head = "[...]" if begin > 0 else ""
    tail = "[...]" if begin + DIFF_LINE_WIDTH < len(line) else ""
    return f"{head}{line[begin : begin + DIFF_LINE_WIDTH]}{tail}"


def changed_at(line: str, counterpart: str) -> int:
    """The first column where two lines differ."""
    for column, (x, y) in enumerate(zip(line, counterpart, strict=False)):
        if x != y:
            return column
    return min(len(line), len(counterpart))


def text_diff(old: str, new: str, names: tuple[str, str]) -> list[str]:
    """A unified diff (one line of context) whose long lines are clipped around the change."""
    a, b = old.splitlines(), new.splitlines()
    lines = [f"--- {names[0]}", f"+++ {names[1]}"]
    for group in difflib.SequenceMatcher(None, a, b).get_grouped_opcodes(1):
        _, i1, _, j1, _ = group[0]
        _, _, i2, _, j2 = group[-1]
        lines.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@")
        for tag, k1, k2, m1, m2 in group:
            if tag == "equal":
                lines.extend(" " + clip(line, 0) for line in a[k1:k2])
                continue
            for n, line in enumerate(a[k1:k2]):
                counterpart = b[m1 + n] if m1 + n < m2 else ""
                lines.append("-" + clip(line, changed_at(line, counterpart)))
            for n, line in enumerate(b[m1:m2]):
                counterpart = a[k1 + n] if k1 + n < k2 else ""
                lines.append("+" + clip(line, changed_at(line, counterpart)))
    return lines


def describe(relative: str, a: Path, b: Path, labels: tuple[str, str]) -> str:
    """What differs in one file: the first byte offset, and for text the start of a diff."""
    offset = first_difference(a, b)
    summary = f"first difference at byte {offset} ({a.stat().st_size} vs {b.stat().st_size} bytes)"
    if a.stat().st_size > 8 * CHUNK or b.stat().st_size > 8 * CHUNK:
        return summary
    old, new = as_text(a.read_bytes(), relative), as_text(b.read_bytes(), relative)
    if old is None or new is None:
        return summary
    diff = text_diff(old, new, (f"{labels[0]}/{relative}", f"{labels[1]}/{relative}"))
    body = "".join(f"\n      {line}" for line in diff[:DIFF_LINES])
    left = len(diff) - DIFF_LINES
    more = f"\n      ... {left} more diff lines" if left > 0 else ""
    return f"{summary}{body}{more}"


def compare(case: Case, a: Path, b: Path, labels: tuple[str, str]) -> tuple[int, list[str]]:
    """Compare one case's folders: the number of files compared, and what differs."""
    files_a, ignored_a = files_of(a)
    files_b, ignored_b = files_of(b)
    problems: list[str] = []
    for relative in sorted(files_a - files_b):
        problems.append(f"only in {labels[0]}: {relative}")
    for relative in sorted(files_b - files_a):
        problems.append(f"only in {labels[1]}: {relative}")
    common = sorted(files_a & files_b)
    for relative in common:
        if first_difference(a / relative, b / relative) is not None:
            problems.append(
                f"differs: {relative}: {describe(relative, a / relative, b / relative, labels)}"
            )
    for label, ignored in zip(labels, (ignored_a, ignored_b), strict=True):
        if ignored:
            print(f"  note: {case.name}: ignored temporary entries in {label}: {ignored}")
    return len(common), problems


def compare_all(runs: Path, labels: tuple[str, str]) -> tuple[int, int]:
    """Compare every case's two runs byte for byte and print a line each: (files, differing)."""
    print("\ncomparison, byte for byte")
    different = 0
    total = 0
    for case in CASES:
        count, problems = compare(
            case, runs / labels[0] / case.name, runs / labels[1] / case.name, labels
        )
        total += count
        verdict = "identical" if not problems else f"{len(problems)} DIFFER"
        print(f"  {case.name:<18} {count:3d} files  {verdict}   ({case.what})")
        for problem in problems:
            print(f"    {problem}")
        different += len(problems)
    return total, different
