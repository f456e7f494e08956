"""The web app: the therapist's screen for a practice's day, on 127.0.0.1 only.

Starlette, because it is small, typed, well kept, and has what this needs and no more: routes,
a test client, a Host check (``TrustedHostMiddleware``) and file responses that answer range
requests (so the MP3s can be played and sought in the page). uvicorn serves it.

Safe by default, for a server on the therapist's own computer:

- it binds 127.0.0.1 only (:func:`serve`), and refuses a request whose ``Host`` is not the
  local address, so a web page elsewhere cannot reach it by DNS rebinding;
- every POST carries a token that only this server's own pages hold (CSRF); a foreign
  ``Origin`` is refused too;
- files are read from and written to the chosen output folder only, never outside it: no
  hidden file, no symbolic link, no name a file of the folder cannot have;
- builds and previews run one at a time in one process of their own (:mod:`.worker`), and
  the app awaits them in a thread, so a page or a progress poll never waits for them.

The routes live in modules of their own (:mod:`.routes` for the patient's form and builds,
:mod:`.settings_page` for the practice's settings, :mod:`.editor` for the program editor);
:func:`create_app` takes more, so a later page adds its own module without touching these.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute

from audiocoach.errors import AudiocoachError, OutputError
from audiocoach.folders import prepare_folder
from audiocoach.model.patient import Plan
from audiocoach.pipeline.preview import clock
from audiocoach.serve import messages
from audiocoach.serve.pages import templates
from audiocoach.serve.practice import Practice, load_practice
from audiocoach.serve.worker import BuildRequest, SpeechWorker, run_build, run_preview, run_voices

DEFAULT_PORT = 8017
"""The port ``audiocoach serve`` listens on unless ``--port`` says otherwise."""
HOST = "127.0.0.1"
LOCAL_NAMES = ["127.0.0.1", "localhost"]
TASK_TIMEOUT_S = 300
"""A preview or the list of voices, once its turn has come, is given that long."""
MAX_PATH = 200
"""Characters of a file's path in a URL: no file of the output folder has a longer one."""
MAX_NAME = 120
"""Bytes of one name in that path (a file system allows 255)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "media-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    # "no-referrer" made Chromium send "Origin: null" with the form, which is refused.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class BuildState:
    """One build asked for on the page: waiting, running, done or failed."""

    id: str
    label: str
    folder: str
    percent: int = 0
    what: str = "wachten"
    result: dict[str, Any] | None = None
    error: str | None = None
    future: Future[Any] | None = field(default=None, repr=False)
    base_url: str | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None or self.error is not None


class Server:
    """The app's state: the output folder, the CSRF token, the builds, the speech process."""

    def __init__(self, out: Path, worker: SpeechWorker | None = None) -> None:
        self.out = prepare_folder(out).resolve()
        self.token = secrets.token_urlsafe(32)
        self.worker = worker or SpeechWorker()
        self.templates = templates()
        self.builds: dict[str, BuildState] = {}
        self._lock = threading.Lock()
        self._voices = self.worker.submit(run_voices, None)

    @property
    def practice(self) -> Practice:
        """The practice's settings, as saved in the output folder."""
        return load_practice(self.out)

    def voices(self) -> tuple[list[tuple[str, str]], str]:
        """The engine's Dutch voices, asked once of the speech process, and a message when
        they could not be asked (never an empty list that hides the failure)."""
        try:
            found = self._voices.result(timeout=TASK_TIMEOUT_S)
        except AudiocoachError as error:
            return [], messages.dutch(error)
        except Exception as error:  # the engine crashed, or the process did not answer
            print(f"audiocoach serve: the voices could not be listed: {error}", file=sys.stderr)
            return [], messages.VOICES_FAILED
        return found, ""

    async def voice_list(self) -> tuple[list[tuple[str, str]], str]:
        """:meth:`voices`, waited for in a thread: never on the event loop."""
        return await anyio.to_thread.run_sync(self.voices)

    async def preview(self, plan: Plan) -> dict[str, Any]:
        """The speech process's preview of ``plan``, waited for in a thread."""
        future = self.worker.submit(run_preview, plan)
        return await anyio.to_thread.run_sync(future.result, TASK_TIMEOUT_S)

    def busy(self) -> bool:
        """Whether the speech process has work: a preview asked now would wait for it."""
        return self.worker.busy()

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def start_build(self, request: BuildRequest, folder: str) -> BuildState:
        """Queue a build; the page follows it by its id."""
        build = BuildState(secrets.token_urlsafe(12), request.label, folder)
        build.base_url = request.base_url

        def progress(percent: int, what: str) -> None:
            build.percent, build.what = percent, what

        with self._lock:
            self.builds[build.id] = build
            build.future = self.worker.submit(run_build, request, progress)
        build.future.add_done_callback(lambda done: _finish(build, done))
        return build

    def waiting_before(self, build: BuildState) -> int:
        """How many builds run or wait before this one."""
        with self._lock:
            order = list(self.builds)
            ahead = [b for b in self.builds.values() if not b.finished and b is not build]
        return sum(1 for b in ahead if order.index(b.id) < order.index(build.id))

    def file(self, relative: str) -> Path:
        """A file of the output folder by its path there; nothing outside it, no hidden
        files, no links, no name no file can have (404 for all of them)."""
        if len(relative) > MAX_PATH or not relative.isprintable() or "\\" in relative:
            raise HTTPException(404, messages.NO_FILE)
        parts = Path(relative).parts
        if not parts or any(p.startswith(".") or p in ("..", "/") for p in parts):
            raise HTTPException(404, messages.NO_FILE)
        path = self.out
        try:
            for part in parts:
                path = path / part
                if len(part.encode("utf-8")) > MAX_NAME or path.is_symlink():
                    raise HTTPException(404, messages.NO_FILE)
            if not path.is_file() or not path.resolve().is_relative_to(self.out):
                raise HTTPException(404, messages.NO_FILE)
        except (OSError, ValueError):  # a name the system cannot have
            raise HTTPException(404, messages.NO_FILE) from None
        return path


def _finish(build: BuildState, done: Future[Any]) -> None:
    if done.cancelled():
        build.error = messages.CANCELLED
        return
    error = done.exception()
    if isinstance(error, AudiocoachError):
        build.error = messages.dutch(error)
    elif error is not None:
        print(f"audiocoach serve: the build failed: {error}", file=sys.stderr)
        build.error = messages.FAILED
    else:
        result = done.result()
        for item in result["files"]:
            item["minutes"] = clock(round(item["duration_s"] * 1000))
        build.percent, build.result = 100, result


def server_of(request: Request) -> Server:
    """The app's :class:`Server`, for a route."""
    server: Server = request.app.state.server
    return server


async def _error_page(request: Request, error: Exception) -> Response:
    """A refused request: one Dutch sentence on a page, no traceback."""
    assert isinstance(error, HTTPException)
    detail = error.detail
    if detail not in vars(messages).values():  # Starlette's own English ("Not Found")
        detail = _STATUS_SENTENCES.get(error.status_code, messages.REFUSED)
    return server_of(request).page("fout.html.j2", error.status_code, message=detail)


_STATUS_SENTENCES = {404: messages.NO_PAGE, 405: messages.NOT_HERE}


def create_app(
    out: Path, worker: SpeechWorker | None = None, more_routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """The app for one output folder; ``worker`` runs builds (one is started when not given);
    ``more_routes`` are pages of other modules."""
    from audiocoach.serve import editor, routes, settings_page

    server = Server(out, worker)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        server.worker.close()

    app = Starlette(
        routes=[*routes.ROUTES, *settings_page.ROUTES, *editor.ROUTES, *more_routes],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_NAMES)],
        exception_handlers={HTTPException: _error_page},
        lifespan=lifespan,
    )
    app.state.server = server
    return app


def check_port(port: int) -> None:
    """Say in one sentence that the port is taken, before the server tries and logs a trace."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise OutputError(
                f"Port {port} on {HOST} cannot be used ({error.strerror}); "
                "choose another with --port."
            ) from None


def serve(out: Path, port: int = DEFAULT_PORT, open_browser: bool = False) -> None:
    """Run the app on 127.0.0.1 until Ctrl-C; print its address, and open it when asked."""
    import uvicorn

    check_port(port)
    app = create_app(out)
    url = f"http://{HOST}:{port}/"
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)

    def say_when_started() -> None:
        # The address once the socket listens (a Ctrl-C after it is uvicorn's to handle, so
        # the speech process is closed), then the browser; a bounded wait.
        for _ in range(600):
            if server.started:
                print(
                    f"audiocoach: open {url} in a browser (the files go to {out}); Ctrl-C stops.",
                    flush=True,
                )
                if open_browser:
                    webbrowser.open(url)
                return
            threading.Event().wait(0.05)

    threading.Thread(target=say_when_started, daemon=True).start()
    try:
        server.run()
    finally:
        app.state.server.worker.close()  # also when Ctrl-C came before uvicorn's own handler


__all__ = ["DEFAULT_PORT", "create_app", "serve"]
