"""The web app: one page to make a patient's audio, on 127.0.0.1 only.

Starlette, because it is small, typed, well kept, and has what this needs and no more: routes,
a test client, a Host check (``TrustedHostMiddleware``) and file responses that answer range
requests (so the MP3s can be played and sought in the page). uvicorn serves it.

Safe by default, for a server on the therapist's own computer:

- it binds 127.0.0.1 only (:func:`serve`), and refuses a request whose ``Host`` is not the
  local address, so a web page elsewhere cannot reach it by DNS rebinding;
- every POST carries a token that only this server's own pages hold (CSRF); a foreign
  ``Origin`` is refused too;
- files are read from and written to the chosen output folder only, never outside it;
- builds and previews run one at a time in one process of their own (:mod:`.worker`).
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import socket
import threading
import webbrowser
from collections.abc import AsyncIterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from audiocoach.errors import AudiocoachError, OutputError
from audiocoach.folders import prepare_folder
from audiocoach.model.program_file import load_program
from audiocoach.serve.form import (
    OVERALL,
    FormState,
    check_form,
    default_state,
    open_choices,
    program_files,
    saved_patients,
    state_from_patient,
)
from audiocoach.serve.pages import exercise_fields, minutes, preview_view, templates
from audiocoach.serve.worker import BuildRequest, SpeechWorker

DEFAULT_PORT = 8017
"""The port ``audiocoach serve`` listens on unless ``--port`` says otherwise."""
HOST = "127.0.0.1"
LOCAL_NAMES = ["127.0.0.1", "localhost"]
PREVIEW_TIMEOUT_S = 300
"""A preview waits behind any build in the queue: give it that long."""

_SECURITY_HEADERS = {
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
        self._voices: Future[Any] = self.worker.submit("voices", None)

    def voices(self) -> list[tuple[str, str]]:
        """The engine's Dutch voices, asked once of the speech process."""
        try:
            found: list[tuple[str, str]] = self._voices.result(timeout=PREVIEW_TIMEOUT_S)
        except Exception:
            return []
        return found

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=_SECURITY_HEADERS)

    def form_page(self, state: FormState, status: int = 200, preview: Any = None) -> HTMLResponse:
        program = state.program or load_program()
        return self.page(
            "form.html.j2",
            status,
            csrf=self.token,
            values=state.values,
            errors=state.errors,
            exercise_errors=any(k.startswith("oef-") for k in state.errors),
            selected=state.selected,
            tones=state.tones,
            programs=program_files(self.out),
            patients=saved_patients(self.out),
            builtin_title=load_program().title,
            phases=program.phases,
            choices=[program.exercise(n) for n in open_choices(program)],
            open_phases=" en ".join(f"fase {p.number}" for p in program.phases if p.open),
            exercises=exercise_fields(program),
            voices=self.voices(),
            preview=preview,
        )

    def preview(self, state: FormState) -> list[dict[str, Any]]:
        """The sessions' lengths, time per day and script, from the speech process."""
        assert state.checked is not None
        data = self.worker.submit("preview", state.checked.plan).result(PREVIEW_TIMEOUT_S)
        return preview_view(data)

    def start_build(self, state: FormState) -> BuildState:
        """Queue the build of a checked form; the page follows it by its id."""
        checked = state.checked
        assert checked is not None
        build = BuildState(secrets.token_urlsafe(12), checked.label, checked.folder)
        request = BuildRequest(
            checked.plan,
            self.out / checked.folder,
            checked.practice,
            checked.patient_toml,
            checked.label,
        )

        def progress(percent: int, what: str) -> None:
            build.percent, build.what = percent, what

        with self._lock:
            self.builds[build.id] = build
            build.future = self.worker.submit("build", request, progress)
        build.future.add_done_callback(lambda done: _finish(build, done))
        return build

    def waiting_before(self, build: BuildState) -> int:
        """How many builds run or wait before this one."""
        with self._lock:
            ahead = [
                b
                for b in self.builds.values()
                if not b.finished and b.future is not None and b is not build
            ]
        order = list(self.builds)
        return sum(1 for b in ahead if order.index(b.id) < order.index(build.id))

    def file(self, relative: str) -> Path:
        """A file of the output folder by its path there; nothing outside it, no hidden files."""
        parts = Path(relative).parts
        if not parts or any(p.startswith(".") or p in ("..", "/") for p in parts):
            raise HTTPException(404, "Dat bestand is er niet.")
        path = (self.out / relative).resolve()
        if not path.is_relative_to(self.out) or not path.is_file():
            raise HTTPException(404, "Dat bestand is er niet.")
        return path


def _finish(build: BuildState, done: Future[Any]) -> None:
    if done.cancelled():
        build.error = "The build was cancelled because the server stopped."
        return
    error = done.exception()
    if isinstance(error, AudiocoachError):
        build.error = str(error)
    elif error is not None:
        build.error = f"The build failed: {error}"
    else:
        result = done.result()
        for item in result["files"]:
            item["minutes"] = minutes(item["duration_s"])
        build.percent, build.result = 100, result


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


async def _checked_post(request: Request) -> FormData:
    """The posted form, when it comes from this server's own page; 403 otherwise."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"http://{request.headers.get('host', '')}":
        raise HTTPException(403, "Refused: this request comes from another web site.")
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, _server(request).token):
        raise HTTPException(
            403, "Refused: the form has no valid token; reload the page and try again."
        )
    return form


def _check(request: Request, form: FormData) -> FormState:
    server = _server(request)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "kies"}
    chosen = [v for v in form.getlist("kies") if isinstance(v, str)]
    return check_form(values, chosen, server.out, [v for v, _ in server.voices()])


def _home(request: Request) -> Response:
    """The form: empty, or filled in from a saved patient file (``?patient=a-b/patient.toml``)."""
    server = _server(request)
    name = request.query_params.get("patient")
    if not name:
        return server.form_page(default_state())
    try:
        state = state_from_patient(server.file(name), server.out)
    except AudiocoachError as error:
        state = default_state()
        state.errors["form"] = str(error)
        return server.form_page(state, 400)
    return server.form_page(state)


async def _submit(request: Request) -> Response:
    """ "Maak audio" queues the build; "Bekijk" shows the lengths and script (no script needed)."""
    server = _server(request)
    form = await _checked_post(request)
    state = _check(request, form)
    if state.checked is None:
        return server.form_page(state, 400)
    if form.get("actie") == "maak":
        build = server.start_build(state)
        return RedirectResponse(f"/bouw/{build.id}", status_code=303)
    try:
        preview = server.preview(state)
    except AudiocoachError as error:
        state.errors["form"] = str(error)
        return server.form_page(state, 400)
    return server.form_page(state, preview=preview)


async def _preview(request: Request) -> Response:
    """The page's script asks this as the form changes: the messages, and the preview."""
    server = _server(request)
    state = _check(request, await _checked_post(request))
    html = ""
    if state.checked is not None:
        try:
            shown = server.preview(state)
        except AudiocoachError as error:
            state.errors["form"] = str(error)
        else:
            html = server.templates.get_template("preview.html.j2").render(preview=shown)
    return JSONResponse({"errors": state.errors, "html": html}, headers=_SECURITY_HEADERS)


def _build_state(request: Request) -> BuildState:
    build = _server(request).builds.get(request.path_params["id"])
    if build is None:
        raise HTTPException(404, "There is no such build.")
    return build


def _build_page(request: Request) -> Response:
    """The progress bar while the build waits or runs (the page reloads itself); then links."""
    server = _server(request)
    build = _build_state(request)
    return server.page(
        "build.html.j2",
        state=build,
        position=server.waiting_before(build) if not build.finished else 0,
        base=f"/uit/{build.folder}/",
        folder_path=server.out / build.folder,
    )


def _build_status(request: Request) -> Response:
    build = _build_state(request)
    return JSONResponse(
        {
            "percent": build.percent,
            "what": build.what,
            "finished": build.finished,
            "error": build.error,
            "result": build.result,
            "folder": build.folder,
        }
    )


def _files(request: Request) -> Response:
    return FileResponse(_server(request).file(request.path_params["path"]))


def create_app(out: Path, worker: SpeechWorker | None = None) -> Starlette:
    """The app for one output folder; ``worker`` runs builds (one is started when not given)."""
    server = Server(out, worker)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        server.worker.close()

    app = Starlette(
        routes=[
            Route("/", _home, methods=["GET"]),
            Route("/", _submit, methods=["POST"]),
            Route("/voorbeeld", _preview, methods=["POST"]),
            Route("/bouw/{id}", _build_page, methods=["GET"]),
            Route("/bouw/{id}/status", _build_status, methods=["GET"]),
            Route("/uit/{path:path}", _files, methods=["GET"]),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_NAMES)],
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
    print(f"audiocoach: open {url} in a browser (the files go to {out}); Ctrl-C stops.")
    if open_browser:

        def open_when_started() -> None:
            # A bounded wait for the socket to listen, then the browser.
            for _ in range(200):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=open_when_started, daemon=True).start()
    server.run()


__all__ = ["DEFAULT_PORT", "OVERALL", "create_app", "serve"]
