"""Live quiz pages: the host's console and the player's screen, both driven over ``/ws``.

The pages carry only what is needed to start; everything after comes from the session's
channels and ``live.snapshot`` (so a reload mid-question picks up where it was).
"""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from lms_rt import keys
from lms_rt.auth import cookies
from lms_rt.errors import Invalid, LmsError
from lms_rt.live import sessions
from lms_rt.live.access import hosts, participant_of
from lms_rt.live.models import LiveKind, LiveSession
from lms_rt.users.models import User

routes = web.RouteTableDef()


async def _signed_in(request: web.Request) -> tuple[User, str]:
    found = await cookies.read_session(request)
    if found is None:
        raise web.HTTPSeeOther(f"/sign-in?next={request.path}")
    return found.user, found.csrf_token


async def _session(request: web.Request) -> LiveSession:
    try:
        session_id = uuid.UUID(request.match_info["session_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    session = await LiveSession.filter(id=session_id).first()
    if session is None:
        raise web.HTTPNotFound()
    return session


def _data(session: LiveSession, user: User) -> dict[str, Any]:
    return {"session_id": str(session.id), "user_id": str(user.id), "title": session.title}


@routes.get("/live/host/{session_id}", name="live_host_page")
async def host_page(request: web.Request) -> web.StreamResponse:
    user, csrf = await _signed_in(request)
    session = await _session(request)
    if not await hosts(user, session):
        raise web.HTTPNotFound()
    return aiohttp_jinja2.render_template(
        "dashboards/live_host.html",
        request,
        {"session": session, "data": _data(session, user), "csrf_token": csrf},
    )


@routes.get("/live/play", name="live_play_join")
async def join_page(request: web.Request) -> web.StreamResponse:
    _, csrf = await _signed_in(request)
    return aiohttp_jinja2.render_template(
        "dashboards/live_join.html", request, {"csrf_token": csrf, "error": ""}
    )


@routes.post("/live/play")
async def join(request: web.Request) -> web.StreamResponse:
    user, csrf = await _signed_in(request)
    form = await request.post()
    cookies.check_csrf(request, csrf, str(form.get("csrf_token", "")))
    code = str(form.get("code", "")).strip()
    try:
        if not (len(code) == 6 and code.isdigit()):
            raise Invalid("Enter the six-digit code your teacher shows")
        session, _ = await sessions.join(request.app[keys.DEPS], user, code)
    except LmsError as exc:
        response = aiohttp_jinja2.render_template(
            "dashboards/live_join.html", request, {"csrf_token": csrf, "error": exc.message}
        )
        response.set_status(exc.status)
        return response
    if session.kind == LiveKind.LESSON:
        raise web.HTTPSeeOther(f"/live/lesson/{session.id}")
    raise web.HTTPSeeOther(f"/live/play/{session.id}")


@routes.get("/live/play/{session_id}", name="live_player_page")
async def player_page(request: web.Request) -> web.StreamResponse:
    user, csrf = await _signed_in(request)
    session = await _session(request)
    if await participant_of(user, session) is None:
        raise web.HTTPSeeOther("/live/play")
    return aiohttp_jinja2.render_template(
        "dashboards/live_player.html",
        request,
        {"session": session, "data": _data(session, user), "csrf_token": csrf},
    )


@routes.get("/live/lesson/{session_id}", name="live_lesson_page")
async def lesson_page(request: web.Request) -> web.StreamResponse:
    """One page for the room: the host sees the controls and the raised hands as well."""
    user, csrf = await _signed_in(request)
    session = await _session(request)
    host = await hosts(user, session)
    if not host and await participant_of(user, session) is None:
        raise web.HTTPSeeOther("/live/play")
    return aiohttp_jinja2.render_template(
        "dashboards/live_lesson.html",
        request,
        {
            "session": session,
            "host": host,
            "data": {**_data(session, user), "host": host},
            "csrf_token": csrf,
        },
    )
