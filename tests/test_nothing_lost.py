"""Nothing lost: a build that is killed or stopped leaves every earlier file as it was, a build
touches only its own files, the next build cleans up after a killed one, and the same inputs
give the same bytes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiocoach.errors import OutputError
from audiocoach.files import COMMIT_SUFFIX, TEMP_PREFIX, atomic_writer, write_bytes
from audiocoach.folders import Bundle, prepare_folder, remove_stale_parts
from audiocoach.model.program import Phase
from audiocoach.script.session import session_file_name
from audiocoach.script.writer import VARIANTS, Variant
from helpers import run_cli, tree_hashes, wait_for_parts
from two_bundles import Bundles, build_command, everything, run_build

LONG_WRITE = ("--phase", "1", "--sets", "10", "--rest", "240")
"""Over two hours of audio (under the three-hour cap): seconds of writing, so the signal
surely lands mid-write."""


def start_build(out: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "build", "--out", str(out), "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_killed_build_leaves_earlier_files_intact(earlier: Path, runner: CliRunner) -> None:
    before = tree_hashes(earlier)
    # One process: a killed worker removes its own temporary file (its parent's death sends it
    # SIGTERM), but nothing is left to clean up after the main process itself.
    build = start_build(earlier, *LONG_WRITE, "--jobs", "1")
    part = wait_for_parts(earlier, build)[0]  # inside the bundle's stage
    build.send_signal(signal.SIGKILL)
    build.communicate()
    assert build.returncode == -signal.SIGKILL
    assert part.exists(), "the killed build's temporary file is left behind"
    assert {
        k: v for k, v in tree_hashes(earlier).items() if not k.startswith(TEMP_PREFIX)
    } == before

    # The next build removes what the killed one left and touches only its own file.
    result = run_cli(
        runner, "build", "--phase", "1", "--reps", "1", "--sets", "1", "--out", str(earlier)
    )
    assert result.exit_code == 0, result.output
    assert not list(earlier.glob(f"{TEMP_PREFIX}[0-9]*"))
    after = tree_hashes(earlier)
    assert after.keys() - before.keys() == {
        "fase-1a-gehele-periode.vtt",
        "fase-1b-gehele-periode-kort.vtt",
        "fase-1a-gehele-periode-tekst.html",
        "fase-1b-gehele-periode-kort-tekst.html",
        "sessies.m3u8",
        "index.html",
    }
    assert before.keys() <= after.keys()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"fase-1a-gehele-periode.mp3", "fase-1b-gehele-periode-kort.mp3"}


@pytest.mark.slow
def test_ctrl_c_stops_cleanly(earlier: Path) -> None:
    before = tree_hashes(earlier)
    build = start_build(earlier, *LONG_WRITE)
    wait_for_parts(earlier, build)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate()
    assert build.returncode == 130, stderr
    assert stderr.decode().splitlines() == [
        "audiocoach: stopped; files that were there before are unchanged."
    ]
    assert tree_hashes(earlier) == before


@pytest.mark.slow
def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    """Two separate processes, same inputs: byte-identical MP3s (no time stamps, no padding)."""
    folders = [tmp_path / "een", tmp_path / "twee"]
    for folder in folders:
        build = start_build(folder, "--phase", "1", "--reps", "2", "--sets", "1")
        _, stderr = build.communicate()
        assert build.returncode == 0, stderr
    first, second = (tree_hashes(f) for f in folders)
    assert first == second
    assert sorted(first) == [
        "fase-1a-gehele-periode-tekst.html",
        "fase-1a-gehele-periode.mp3",
        "fase-1a-gehele-periode.vtt",
        "fase-1b-gehele-periode-kort-tekst.html",
        "fase-1b-gehele-periode-kort.mp3",
        "fase-1b-gehele-periode-kort.vtt",
        "index.html",
        "sessies.m3u8",
    ]


def test_output_folder_is_created(tmp_path: Path) -> None:
    assert prepare_folder(tmp_path / "a" / "b").is_dir()
    assert list((tmp_path / "a" / "b").iterdir()) == []


def test_unwritable_folder_is_found_by_writing(tmp_path: Path) -> None:
    """Below a regular file nothing can be written, not even by root."""
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot be created"):
        prepare_folder(tmp_path / "bestand" / "uit")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        prepare_folder(tmp_path / "bestand")


READ_ONLY_MOUNT = (
    'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
)
"""Make the folder ``$1`` a read-only mount of itself, then run the rest of the arguments."""


def read_only(folder: Path) -> list[str]:
    """The start of a command line under which ``folder`` cannot be written to, even by root:
    a read-only bind mount, in a mount namespace of its own (nothing outside sees it). Where
    no namespace can be made, the folder's mode: enough for anyone but root."""
    namespace = ["unshare", "--mount", "--map-root-user"]
    if (
        shutil.which("unshare")
        and subprocess.run([*namespace, "true"], capture_output=True, check=False).returncode == 0
    ):
        return [*namespace, "sh", "-c", READ_ONLY_MOUNT, "sh", str(folder)]
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere, and no mount namespace can be made here")
    folder.chmod(0o555)
    return []


@pytest.mark.skipif(os.name != "posix", reason="read-only mounts and modes are POSIX")
def test_read_only_folder_is_an_error(tmp_path: Path) -> None:
    """A write-protected stick or a read-only share: os.access() says yes to root there, only
    writing finds out."""
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    probe = (  # in the namespace, where the mount is: the same function, wherever it lives
        f"import sys; from pathlib import Path; from {prepare_folder.__module__} import "
        f"prepare_folder\nfrom {OutputError.__module__} import OutputError\n"
        "try: prepare_folder(Path(sys.argv[1]))\nexcept OutputError as error: print(error)"
    )
    try:
        result = subprocess.run(
            [*read_only(folder), sys.executable, "-c", probe, str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        folder.chmod(0o755)
    assert result.stdout.startswith(f"The output folder {folder} cannot be written to: ")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="process ids are asked on POSIX only")
def test_only_parts_of_gone_builds_are_removed(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{TEMP_PREFIX}{gone.stdout.strip()}-abc.part"
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-abc.part"
    other = tmp_path / "eigen.part"
    for path in (stale, mine, other):
        path.write_bytes(b"x")
    assert remove_stale_parts(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])


def test_failed_write_leaves_the_earlier_file(tmp_path: Path) -> None:
    path = tmp_path / "fase-1.mp3"
    path.write_bytes(b"earlier")

    class Boom(Exception):
        pass

    def half_write() -> None:
        with atomic_writer(path) as handle:
            handle.write(b"half")
            raise Boom

    with pytest.raises(Boom):
        half_write()
    assert path.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [path]
    write_bytes(path, b"new")
    assert path.read_bytes() == b"new"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("title", ["../../x", "..", "/etc/passwd", "a\\b", "C:\\fase", ""])
def test_file_names_are_safe_whatever_the_program_says(title: str, variant: Variant) -> None:
    name = session_file_name(Phase(number=1, title=title, exercises=(1,)), variant)
    assert name.startswith("fase-1a-" if variant == "volledig" else "fase-1b-")
    assert name.endswith(".mp3")
    assert "/" not in name
    assert "\\" not in name
    assert ".." not in name
    assert ":" not in name


@pytest.mark.slow
def test_phase_title_with_dots_builds_inside_the_folder(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "k.toml").write_text(
        '[program]\ntitle = "Kort"\n[[phases]]\nnumber = 1\ntitle = ".."\nexercises = [1]\n'
        '[[exercises]]\nnumber = 1\ntitle = "Brug"\naim = "versterken"\ninstruction = "Til op."\n'
        'dosage = { pattern = "reps", reps = 1, sets = 1, rest_s = 0 }\n',
        encoding="utf-8",
    )
    out = tmp_path / "uit"
    result = run_cli(runner, "build", "--program", str(tmp_path / "k.toml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".audiocoach-manifest.json",
        "fase-1a-programma-tekst.html",
        "fase-1a-programma.mp3",
        "fase-1a-programma.vtt",
        "fase-1b-programma-kort-tekst.html",
        "fase-1b-programma-kort.mp3",
        "fase-1b-programma-kort.vtt",
        "index.html",
        "sessies.m3u8",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.toml", "uit"]


@pytest.fixture(scope="module")
def left_by_a_killed_build(bundles: Bundles) -> Path:
    """A folder a build was killed in while it put its files in place: some of the new
    files are in, the rest wait in its commit folder."""
    work, _, _ = bundles
    out = work / "killed"
    shutil.copytree(work / "reps-2", out)
    killed = run_build(work, out, 3, stop_at="committing-2:KILL")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(out.glob(f"{TEMP_PREFIX}*{COMMIT_SUFFIX}"))
    return out


BUSY = "audiocoach: Another audiocoach build is writing into"


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="folders are locked on POSIX")
@pytest.mark.parametrize("round_", range(20))
def test_two_builds_after_a_killed_one_do_not_race_on_finishing_it(
    bundles: Bundles, left_by_a_killed_build: Path, tmp_path: Path, round_: int
) -> None:
    """Both end with success or one sentence, and the folder holds the whole new bundle:
    the leftover is finished by whichever holds the folder's lock, never by two at once."""
    work, _, new = bundles
    out = tmp_path / "uit"
    shutil.copytree(left_by_a_killed_build, out)
    command = build_command(work, out, 3)
    pipe = subprocess.PIPE
    started = [subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True) for _ in range(2)]
    try:
        ended = [build.communicate(timeout=120)[1] for build in started]  # a hang guard
    finally:
        for build in started:  # none is left running, whatever failed
            build.kill()
            build.wait()
    for build, stderr in zip(started, ended, strict=True):
        assert build.returncode in (0, 2), stderr
        if build.returncode == 2:
            (line,) = stderr.splitlines()
            assert line.startswith(BUSY), line
    assert everything(out) == new


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="folders are locked on POSIX")
def test_twenty_builds_at_once_after_a_killed_one_finish_it_once(
    bundles: Bundles, left_by_a_killed_build: Path, tmp_path: Path
) -> None:
    """20 rounds of 20 at once, in threads (each its own lock, as processes have): each
    finishes the leftover and puts the new bundle in, or is refused with one sentence."""
    work, _, new = bundles
    for round_ in range(20):
        out = tmp_path / f"uit-{round_}"
        shutil.copytree(left_by_a_killed_build, out)
        outcomes: list[str] = []

        def build(out: Path = out, outcomes: list[str] = outcomes) -> None:
            try:
                bundle = Bundle(prepare_folder(out))
            except OutputError as error:
                outcomes.append(str(error))
                return
            for file in (work / "reps-3").iterdir():
                shutil.copyfile(file, bundle.path(file.name))
            bundle.commit()
            bundle.discard()
            outcomes.append("built")

        threads = [threading.Thread(target=build) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 20
        assert {o for o in outcomes if o != "built"} <= {
            f"Another audiocoach build is writing into {out}; wait until it has finished."
        }
        assert "built" in outcomes
        assert everything(out) == new, round_
