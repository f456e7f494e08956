"""The performance benchmark: audiocoach against a plain pydub script, in one run.

``python benchmarks/run.py`` (from the repository, with audiocoach installed) times, on the
built-in program:

(a) the plain pydub script in ``plain_pydub.py`` (``+=`` for every clip and silence);
(b) ``audiocoach build`` with an empty speech cache;
(e) the same build again with nothing changed;
(c) a build with a warm cache after changing the rep counts (10 -> 12);
(d) the MP3 encoder alone on the samples of (c), one phase after the other on one core;
(f) builds with doubled sets, doubled reps and both, against the default (warm cache);

then prints the ratios and the peak memory, checks them against the issue's targets and exits
with status 1 when one is missed. Every audiocoach build is the real command line in its own
process; its time includes starting Python. Builds of audiocoach and the encoder are timed
twice and the faster run counts (``--repeat``; the one-second build (e) five times); the plain
script runs once (it takes long, and a noisy machine only makes it slower).
"""

from __future__ import annotations

import argparse
import compileall
import functools
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import lameenc

import audiocoach as package
from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.render import render_chunks
from audiocoach.model.program_file import builtin_program_path, load_program
from audiocoach.pipeline.build import prepare
from audiocoach.speech.cache import CachedVoice
from audiocoach.speech.espeak import EspeakVoice

HERE = Path(__file__).resolve().parent

# Runs the command line in a child process and reports its own and its workers' peak memory.
MEASURED_CLI = """
import json, resource, sys
from audiocoach.cli import app
try:
    app(sys.argv[2:], prog_name="audiocoach")
except SystemExit as done:
    if done.code:
        raise
finally:
    kib = {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}
    with open(sys.argv[1], "w") as report:
        json.dump(kib, report)
"""


@dataclass(frozen=True)
class Run:
    """One timed command: wall seconds, and peak resident memory in MB."""

    seconds: float
    self_mb: float = 0.0
    """Peak resident memory of the main process (getrusage)."""
    children_mb: float = 0.0
    """Peak of its largest worker (getrusage)."""
    tree_mb: float = 0.0
    """Peak of main process and workers together, sampled: what was resident at once."""

    @property
    def peak_mb(self) -> float:
        """The larger of: main plus largest worker, and the sampled sum of the whole tree."""
        return max(self.self_mb + self.children_mb, self.tree_mb)


def audiocoach(arguments: Sequence[str], cache: Path) -> Run:
    """``audiocoach ARGUMENTS`` in a fresh process with the given speech cache."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        report = Path(handle.name)
    environment = {**os.environ, "AUDIOCOACH_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED_CLI, str(report), *arguments, "--quiet"], env=environment
    )
    tree = TreeMemory(process.pid)
    tree.start()
    if process.wait():
        raise subprocess.CalledProcessError(process.returncode, arguments)
    seconds = time.perf_counter() - started
    tree.join()
    kib = json.loads(report.read_text())
    report.unlink()
    return Run(seconds, kib["self"] / 1024, kib["children"] / 1024, tree.peak_kib / 1024)


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants together, every 10 ms.

    getrusage reports the largest child, not what was resident at once; this sums the tree.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0

    def run(self) -> None:
        while Path(f"/proc/{self.pid}").exists():
            self.peak_kib = max(self.peak_kib, sum(rss_kib(p) for p in tree_of(self.pid)))
            time.sleep(0.01)


def tree_of(root: int) -> list[int]:
    """The process and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def plain(program_file: Path, out: Path) -> Run:
    """The plain pydub script in its own process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "plain_pydub.py"), str(program_file), str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    return Run(seconds, 0.0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def encoder_alone(program_file: Path, cache: Path) -> tuple[float, float]:
    """Seconds to encode the sessions' samples, one phase after the other, on one core;
    and the minutes of audio encoded."""
    os.environ["AUDIOCOACH_CACHE_DIR"] = str(cache)
    sessions, clips = prepare(load_program(program_file), CachedVoice(EspeakVoice()))
    settings = EncoderSettings()
    seconds = 0.0
    minutes = 0.0
    for session in sessions:
        data = b"".join(c.tobytes() for c in render_chunks(session.timeline, clips))
        started = time.perf_counter()
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(settings.bit_rate_kbps)
        encoder.set_in_sample_rate(22_050)
        encoder.set_channels(1)
        encoder.set_quality(settings.quality)
        encoder.encode(data)
        encoder.flush()
        seconds += time.perf_counter() - started
        minutes += session.timeline.duration_ms / 60_000
    return seconds, minutes


def audio_minutes(program_file: Path, cache: Path) -> float:
    """Minutes of audio a program's sessions last (from the warm cache, nothing built)."""
    os.environ["AUDIOCOACH_CACHE_DIR"] = str(cache)
    sessions, _ = prepare(load_program(program_file), CachedVoice(EspeakVoice()))
    return sum(s.timeline.duration_ms for s in sessions) / 60_000


def variant(folder: Path, name: str, reps: int, sets: int) -> Path:
    """The built-in program with every counted exercise at ``reps`` x ``sets``, and every one of
    phase 2's exercises in it (as ``--select all``): the same four files as every earlier
    measurement, although a default build now leaves phase 2 to the therapist's choice."""
    text = builtin_program_path().read_text(encoding="utf-8")
    every = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"
    chosen = f"exercises = {every}\nfixed = [1, 2, 3, 4]\n"
    assert chosen in text, "phase 2 of the built-in card has changed"
    text = text.replace(chosen, f"exercises = {every}\nfixed = {every}\n")
    text = re.sub(r"\breps = 10\b", f"reps = {reps}", text)
    text = re.sub(r"\bsets = 3\b", f"sets = {sets}", text)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def best(repeat: int, measure: Callable[[], Run]) -> Run:
    runs = [measure() for _ in range(repeat)]
    return min(runs, key=lambda run: run.seconds)


def machine() -> str:
    model = "unknown CPU"
    with Path("/proc/cpuinfo").open(encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {model}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"load average at start {load}"
    )


def build_run(program: Path, out: Path, cache: Path, *, fresh: Sequence[Path] = ()) -> Run:
    """``audiocoach build`` of ``program`` into ``out``, the folders in ``fresh`` removed first."""
    for folder in fresh:
        shutil.rmtree(folder, ignore_errors=True)
    return audiocoach(["build", "--program", str(program), "--out", str(out)], cache)


def scaling(
    root: Path, cache: Path, repeat: int, programs: Sequence[tuple[str, Path]]
) -> dict[str, tuple[Run, float]]:
    """(f): each program built with a warm cache (its new texts said once first): the best
    time, and the minutes of audio it makes."""
    scaled: dict[str, tuple[Run, float]] = {}
    for name, program_file in programs:
        out = root / f"out-{program_file.stem}"
        arguments = ["build", "--force", "--program", str(program_file), "--out", str(out)]
        audiocoach(arguments, cache)
        run = best(repeat, functools.partial(audiocoach, arguments, cache))
        scaled[name] = (run, audio_minutes(program_file, cache))
    return scaled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per audiocoach timing")
    arguments = parser.parse_args()
    repeat = max(1, arguments.repeat)
    print(f"machine: {machine()}", flush=True)
    if sys.dont_write_bytecode:
        # Where Python writes no bytecode (PYTHONDONTWRITEBYTECODE), a package installed from
        # the repository in editable mode would be compiled again by every timed command; a
        # practice's ``pip install`` compiles it once, and so is it here.
        compileall.compile_dir(Path(str(package.__file__)).parent, quiet=1)

    with tempfile.TemporaryDirectory(prefix="audiocoach-bench-") as temporary:
        root = Path(temporary)
        default = variant(root, "default", 10, 3)
        more_reps = variant(root, "reps-12", 12, 3)
        cache = root / "cache"

        print("(a) plain pydub script ...", flush=True)
        a = plain(default, root / "plain")

        out, out_12 = root / "out", root / "out-12"
        print("(b) audiocoach, empty cache ...", flush=True)
        b = best(repeat, functools.partial(build_run, default, out, cache, fresh=(cache, out)))
        print("(e) nothing changed ...", flush=True)
        # A second's run: the best of five, so that another program's moment on a core of
        # this machine does not decide it.
        e = best(max(repeat, 5), functools.partial(build_run, default, out, cache))
        changed_reps = functools.partial(build_run, more_reps, out_12, cache, fresh=(out_12,))
        print("(c) warm cache, rep counts changed ...", flush=True)
        # The first run says the new numbers once; the timed runs are the warm ones.
        first_c = changed_reps()
        c = best(repeat, changed_reps)
        c_cold_numbers = first_c.seconds
        print("(d) encoder alone ...", flush=True)
        d_seconds, d_minutes = min(encoder_alone(more_reps, cache) for _ in range(repeat))

        print("(f) doubled sets and reps ...", flush=True)
        scaled = scaling(
            root,
            cache,
            repeat,
            [
                ("default", default),
                ("sets x2", variant(root, "sets-x2", 10, 6)),
                ("reps x2", variant(root, "reps-x2", 20, 3)),
                ("sets and reps x2", variant(root, "sets-reps-x2", 20, 6)),
            ],
        )

    return report(
        a=a, b=b, c=c, c_cold_numbers=c_cold_numbers, d=(d_seconds, d_minutes), e=e, scaled=scaled
    )


def report(
    *,
    a: Run,
    b: Run,
    c: Run,
    c_cold_numbers: float,
    d: tuple[float, float],
    e: Run,
    scaled: dict[str, tuple[Run, float]],
) -> int:
    """Print the table; 1 when a target is missed."""
    d_seconds, d_minutes = d
    rows: list[Row] = []

    def row(what: str, value: str, target: str, ok: bool | None) -> None:
        rows.append((what, value, target, ok))

    row("(a) plain pydub script (+=, lameenc)", f"{a.seconds:.2f} s", "", None)
    row("(b) audiocoach, empty cache", f"{b.seconds:.2f} s", "", None)
    row("    (b) / (a)", f"1/{a.seconds / b.seconds:.1f}", "<= 1/8", b.seconds <= a.seconds / 8)
    row("(c) warm cache, reps 10 -> 12", f"{c.seconds:.2f} s", "", None)
    row("    (c), first time the new numbers are said", f"{c_cold_numbers:.2f} s", "", None)
    row(f"(d) encoder alone, {d_minutes:.0f} min, one core", f"{d_seconds:.2f} s", "", None)
    row("    (c) / (d)", f"{c.seconds / d_seconds:.2f}x", "<= 1.5x", c.seconds <= 1.5 * d_seconds)
    row("(e) second build, nothing changed", f"{e.seconds:.2f} s", "< 1 s", e.seconds < 1)
    row(
        "peak memory, default build (main + largest worker; all at once, sampled)",
        f"{b.self_mb:.0f} + {b.children_mb:.0f} MB; {b.tree_mb:.0f} MB",
        "< 200 MB",
        b.peak_mb < 200,
    )
    row("    plain pydub script, for comparison", f"{a.children_mb:.0f} MB", "", None)
    rows += scaling_rows(scaled)
    return print_table(rows)


Row = tuple[str, str, str, bool | None]


def scaling_rows(scaled: dict[str, tuple[Run, float]]) -> list[Row]:
    """(f): time grows with the audio, not faster."""
    base_run, base_minutes = scaled["default"]
    rows: list[Row] = []
    for name in ("sets x2", "reps x2", "sets and reps x2"):
        run, minutes = scaled[name]
        ratio = run.seconds / base_run.seconds
        audio = minutes / base_minutes
        if name == "sets and reps x2":
            # Twice the sets of twice the reps is about four times the counting: linear time
            # means the time grows as the audio does, not that it stays within 2.2x.
            what = f"(f) {name}: time / audio ({audio:.2f}x audio)"
            value = f"{ratio:.2f}x / {audio:.2f}x = {ratio / audio:.2f}"
            rows.append((what, value, "<= 1.1 (linear)", ratio / audio <= 1.1))
        else:
            what = f"(f) {name} ({minutes:.0f} min audio, {audio:.2f}x)"
            rows.append((what, f"{ratio:.2f}x time", "<= 2.2x", ratio <= 2.2))
    rows.append(("    (f) default build, warm cache", f"{base_run.seconds:.2f} s", "", None))
    return rows


def print_table(rows: Sequence[Row]) -> int:
    """Print the rows as a Markdown table; 1 when a target is missed."""
    print()
    print("| measurement | result | target | met |")
    print("| --- | --- | --- | --- |")
    for what, value, target, ok in rows:
        met = "" if ok is None else ("yes" if ok else "**no**")
        print(f"| {what} | {value} | {target} | {met} |")
    missed = [what for what, _, _, ok in rows if ok is False]
    if missed:
        print(f"\nmissed: {'; '.join(m.strip() for m in missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
