"""Serve's preview and ``preview`` say the same: the script to read comes from one function
(``pipeline.preview.script_lines``), so the page shows the words as written and the same times
(issue 27)."""

from __future__ import annotations

import re
import threading
from html import unescape

from starlette.applications import Starlette
from starlette.testclient import TestClient
from typer.testing import CliRunner

from audiocoach.serve.worker import run_voices
from helpers import run_cli
from test_serve import Form, client, every_choice, out, token

__all__ = ["client", "out"]  # the fixtures of test_serve, used here


def test_the_preview_shows_the_script_as_preview_script_does(
    client: TestClient, runner: CliRunner
) -> None:
    """The page's script to read is ``preview --script``'s, line for line: the words as
    written ("plafond", not the voice's phonemes), the same times (issue 27)."""
    data: Form = {"csrf": token(client), "reps": "2", "sets": "1", "phase": "1", "tones": "aan"}
    data["label"], data["kies"] = "A.B.", every_choice(None)
    shown = client.post("/voorbeeld", data=data).json()
    scripts = [unescape(s) for s in re.findall(r"<pre>(.*?)</pre>", shown["html"], re.S)]
    assert len(scripts) == 2
    cli = run_cli(runner, "preview", "--script", "--reps", "2", "--sets", "1", "--phase", "1")
    assert cli.exit_code == 0, cli.output
    for script in scripts:
        assert script.strip()
        assert script in cli.stdout
    assert "plafond" in scripts[0]
    assert "[[" not in scripts[0]


def test_a_task_just_answered_leaves_the_speech_process_free(client: TestClient) -> None:
    """The page asks ``busy()`` before a preview: the result of the task before it must not
    be out while the process still counts as busy with it, or a form sent straight after a
    preview shows "waiting" instead of its own preview. The second of two tasks queued at once
    is answered in the speech thread, where its done-callback runs."""
    assert isinstance(client.app, Starlette)
    worker = client.app.state.server.worker
    seen: list[tuple[str, bool]] = []
    worker.submit(run_voices, None)
    second = worker.submit(run_voices, None)
    second.add_done_callback(
        lambda _: seen.append((threading.current_thread().name, worker.busy()))
    )
    second.result(timeout=120)
    assert seen == [("audiocoach-speech", False)]
