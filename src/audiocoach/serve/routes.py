"""The routes of a patient's audio: the form, its preview, the build, its files.

Every route that waits for the speech process awaits it in a thread (:meth:`Server.ask`), so
the start page and a build's progress answer while the speech process works; a preview that
would have to wait behind a build says so ("In de wachtrij") instead of waiting.
"""

from __future__ import annotations

import hmac
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from audiocoach.errors import AudiocoachError
from audiocoach.model.base_url import folder_url
from audiocoach.model.patient import Plan
from audiocoach.model.program_file import load_program
from audiocoach.serve import messages
from audiocoach.serve.app import SECURITY_HEADERS, BuildState, Server, server_of
from audiocoach.serve.form import ALL, Checked, FormState, check_form, open_choices
from audiocoach.serve.pages import exercise_fields, overall_fields, preview_view, rate_field
from audiocoach.serve.patients import free_folder, occupant, saved_patients
from audiocoach.serve.programs import form_values, program_files
from audiocoach.serve.worker import BuildRequest


async def checked_post(request: Request) -> FormData:
    """The posted form, when it comes from this server's own page; 403 otherwise."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"http://{request.headers.get('host', '')}":
        raise HTTPException(403, messages.FOREIGN)
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, server_of(request).token):
        raise HTTPException(403, messages.NO_TOKEN)
    return form


def new_state(server: Server) -> FormState:
    """The empty form: the built-in card, the practice's defaults, nothing of phase 2 chosen."""
    practice = server.practice
    values = {"practice": practice.name, "voice": practice.voice, "rate": practice.rate}
    values = {k: v for k, v in values.items() if v}
    return FormState(values, set(), False, True, load_program())


async def form_page(server: Server, state: FormState, status: int = 200, **more: Any) -> Response:
    """The form with the state's values and messages, and what ``more`` adds (a preview,
    a question)."""
    from audiocoach.speech.engines import voice_label

    program = state.program or load_program()
    voices, voices_error = await server.voice_list()
    voice = state.values.get("voice", "")
    known = [v for v, _ in voices]
    errors = dict(state.errors)
    if voices_error and "voice" not in errors:
        errors["voice"] = voices_error
    context: dict[str, Any] = {"preview": None, "waiting": False, "ask": None, **more}
    return server.page(
        "form.html.j2",
        status,
        csrf=server.token,
        values=state.values,
        errors=errors,
        exercise_errors=any(k.startswith("oef-") for k in errors),
        selected=state.selected,
        every=state.every,
        all_value=ALL,
        tones=state.tones,
        programs=program_files(server.out),
        patients=saved_patients(server.out),
        builtin_title=load_program().title,
        phases=program.phases,
        choices=[program.exercise(n) for n in open_choices(program)],
        open_phases=" en ".join(f"fase {p.number}" for p in program.phases if p.open),
        exercises=exercise_fields(program),
        overall=overall_fields(),
        rate=rate_field(),
        voices=voices,
        other_voice=voice if voice and voice not in known else "",
        other_voice_label=voice_label(voice),
        **context,
    )


async def _state(request: Request, form: FormData) -> FormState:
    server = server_of(request)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "kies"}
    chosen = [v for v in form.getlist("kies") if isinstance(v, str)]
    voices, _ = await server.voice_list()
    return check_form(values, chosen, server.out, [v for v, _ in voices])


async def _home(request: Request) -> Response:
    """The start page: the form, empty or filled in from a patient of the folder
    (``?patient=a-b/patient.toml``), and the folder's patients to reopen."""
    server = server_of(request)
    name = request.query_params.get("patient")
    if not name:
        return await form_page(server, new_state(server))
    path = server.file(name)
    try:
        values, selected, every, tones, program = form_values(path, server.out)
    except AudiocoachError as error:
        print(f"audiocoach serve: {error}", file=sys.stderr)
        state = new_state(server)
        state.errors["form"] = messages.NO_PATIENT
        return await form_page(server, state, 400)
    values["opened"] = path.parent.name
    values["shown_program"] = values.get("program", "")
    return await form_page(server, FormState(values, selected, every, tones, program))


async def preview_of(
    server: Server, plan: Callable[[], Plan], errors: dict[str, str]
) -> tuple[Any, bool]:
    """The page's preview of the plan (the patient form's and the program editor's alike),
    and whether it is waiting (``True`` when the speech process is busy or slow). A plan that
    cannot be made (a session over the cap) or a preview that fails puts its Dutch sentence
    in ``errors["form"]``."""
    if server.busy():
        return None, True
    try:
        data = await server.preview(plan())
    except AudiocoachError as error:
        errors["form"] = messages.dutch(error)
        return None, False
    except TimeoutError:
        return None, True
    return preview_view(data), False


async def _preview_of(server: Server, state: FormState) -> tuple[Any, bool]:
    """The preview of a checked form, or ``waiting`` when the speech process is busy."""
    checked = state.checked
    assert checked is not None
    return await preview_of(server, lambda: checked.plan, state.errors)


async def _submit(request: Request) -> Response:
    """ "Maak audio" queues the build; "Bekijk" shows the lengths and script."""
    server = server_of(request)
    form = await checked_post(request)
    state = await _state(request, form)
    if state.checked is None:
        return await form_page(server, state, 400)
    if form.get("actie") != "maak" and form.get("bestaat") is None:  # the question's answer builds
        preview, waiting = await _preview_of(server, state)
        status = 400 if "form" in state.errors else 200
        return await form_page(server, state, status, preview=preview, waiting=waiting)
    target = server.out / state.checked.folder
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        state.errors["label"] = messages.FOLDER_LINK
        return await form_page(server, state, 400)
    checked = _where(server, state.checked, form)
    if checked is None:
        ask = occupant(server.out, state.checked.folder)
        return await form_page(server, state, 409, ask=ask)
    build = server.start_build(_request(server, checked), checked.folder)
    return RedirectResponse(f"/bouw/{build.id}", status_code=303)


def _where(server: Server, checked: Checked, form: FormData) -> Checked | None:
    """The folder to build into; ``None`` when it holds another patient and the therapist
    has not yet said whether to replace that patient or keep both."""
    here = occupant(server.out, checked.folder)
    if here is None or form.get("opened") == checked.folder:
        return checked
    answer = form.get("bestaat")
    if answer == "vervang":
        return checked
    if answer == "nieuw":
        return replace(checked, folder=free_folder(server.out, checked.folder))
    return None


def _request(server: Server, checked: Checked) -> BuildRequest:
    base = server.practice.base_url
    return BuildRequest(
        checked.plan,
        server.out / checked.folder,
        checked.practice,
        checked.patient_toml,
        checked.label,
        base_url=folder_url(base, checked.folder) if base else None,
    )


async def _preview(request: Request) -> Response:
    """The page's script asks this as the form changes: the messages, and the preview."""
    server = server_of(request)
    state = await _state(request, await checked_post(request))
    html, waiting = "", False
    if state.checked is not None:
        shown, waiting = await _preview_of(server, state)
        template = server.templates.get_template("preview.html.j2")
        html = template.render(preview=shown, waiting=waiting)
    answer = {"errors": state.errors, "html": html, "waiting": waiting}
    return JSONResponse(answer, headers=SECURITY_HEADERS)


def _build_state(request: Request) -> BuildState:
    build = server_of(request).builds.get(request.path_params["id"])
    if build is None:
        raise HTTPException(404, messages.NO_BUILD)
    return build


def _build_page(request: Request) -> Response:
    """The progress bar while the build waits or runs (the page reloads itself); then links."""
    from audiocoach.output.webpage import qr_data_url

    server = server_of(request)
    build = _build_state(request)
    qr = None
    if build.result is not None and build.base_url:
        qr = qr_data_url(f"{build.base_url}index.html")
    return server.page(
        "build.html.j2",
        state=build,
        position=server.waiting_before(build) if not build.finished else 0,
        base=f"/uit/{build.folder}/",
        qr=qr,
        address=f"{build.base_url}index.html" if build.base_url else "",
    )


def _build_status(request: Request) -> Response:
    build = _build_state(request)
    fields = ("percent", "what", "finished", "error", "result", "folder")
    return JSONResponse({name: getattr(build, name) for name in fields})


def _files(request: Request) -> Response:
    return FileResponse(server_of(request).file(request.path_params["path"]))


ROUTES = [
    Route("/", _home, methods=["GET"]),
    Route("/", _submit, methods=["POST"]),
    Route("/voorbeeld", _preview, methods=["POST"]),
    Route("/bouw/{id}", _build_page, methods=["GET"]),
    Route("/bouw/{id}/status", _build_status, methods=["GET"]),
    Route("/uit/{path:path}", _files, methods=["GET"]),
]
"""The patient's form, its preview, a build's progress and result, the folder's files."""
