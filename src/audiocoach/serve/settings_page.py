"""The practice's settings page: set once, kept in the output folder (:mod:`.practice`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from audiocoach.model.settings import RATE
from audiocoach.serve.app import Server, server_of
from audiocoach.serve.practice import check_practice, save_practice


async def _page(
    server: Server, values: dict[str, str], errors: dict[str, str], status: int, saved: bool
) -> Response:
    voices, voices_error = await server.voice_list()
    if voices_error and "stem" not in errors:
        errors = {**errors, "stem": voices_error}
    return server.page(
        "praktijk.html.j2",
        status,
        csrf=server.token,
        values=values,
        errors=errors,
        voices=voices,
        rate_label=RATE.label,
        rate_span=RATE.dutch_span,
        saved=saved,
    )


async def _show(request: Request) -> Response:
    server = server_of(request)
    saved = request.query_params.get("opgeslagen") == "1"
    return await _page(server, server.practice.values(), {}, 200, saved)


async def _save(request: Request) -> Response:
    from audiocoach.serve.routes import checked_post

    server = server_of(request)
    form = await checked_post(request)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and len(v) <= 2000}
    voices, _ = await server.voice_list()
    practice, errors = check_practice(values, [v for v, _ in voices])
    if errors:
        return await _page(server, values, errors, 400, False)
    save_practice(server.out, practice)
    return RedirectResponse("/praktijk?opgeslagen=1", status_code=303)


ROUTES = [
    Route("/praktijk", _show, methods=["GET"]),
    Route("/praktijk", _save, methods=["POST"]),
]
"""The practice's settings."""
