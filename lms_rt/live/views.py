"""``/api/v1/live``: create, join, read, end and review live sessions."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF
from lms_rt.courses.access import visible_course
from lms_rt.errors import NotFound
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.parsing import path_uuid
from lms_rt.live import sessions
from lms_rt.live.access import hosted_session, is_enrolled, visible_session
from lms_rt.live.models import OPEN_STATES, LiveParticipant, LiveSession
from lms_rt.live.presenters import participant_out, session_out
from lms_rt.live.results import csv_rows, results
from lms_rt.live.schemas import (
    JoinIn,
    JoinOut,
    ResultsOut,
    ResultsQuery,
    SessionCreate,
    SessionOut,
    SnapshotOut,
)
from lms_rt.live.snapshot import snapshot
from lms_rt.users.models import User

api = ApiRoutes(tag="live")


async def _out(session: LiveSession) -> SessionOut:
    count = await LiveParticipant.filter(session_id=session.id, kicked_at=None).count()
    return session_out(session, count)


@api.post(
    "/live/sessions",
    summary="Create a live quiz or live lesson (course staff)",
    body=SessionCreate,
    response=SessionOut,
    status=201,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def create_session(request: web.Request, body: SessionCreate, user: User) -> SessionOut:
    """A live quiz plays the quiz's single choice, multiple choice, true/false and numeric
    questions in order; the six-digit join code is unique among sessions not yet ended."""
    session = await sessions.create_session(request.app[keys.DEPS], user, body)
    return session_out(session, 0)


@api.get(
    "/live/sessions/{session_id}",
    summary="A live session as the caller sees it now",
    response=SnapshotOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_session(request: web.Request, user: User) -> SnapshotOut:
    """Host, participants and enrolled students; an overdue question is closed first."""
    deps = request.app[keys.DEPS]
    session, host = await visible_session(user, path_uuid(request, "session_id"))
    session = await sessions.close_overdue(deps, session)
    return await snapshot(deps, user, session, host)


@api.post(
    "/live/join",
    summary="Join a live session by its code (enrolled students)",
    body=JoinIn,
    response=JoinOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404],
)
async def join(request: web.Request, body: JoinIn, user: User) -> JoinOut:
    """Joining again returns the same participant; a removed participant gets 403."""
    session, participant = await sessions.join(request.app[keys.DEPS], user, body.code)
    return JoinOut(session=await _out(session), participant=participant_out(participant))


@api.get(
    "/courses/{course_id}/live",
    summary="A course's live sessions that have not ended",
    response=list[SessionOut],
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404],
)
async def course_sessions(request: web.Request, user: User) -> list[SessionOut]:
    course, staff = await visible_course(user, request.match_info["course_id"])
    if not staff and not await is_enrolled(user, course.id):
        raise NotFound("No such course")
    rows = await LiveSession.filter(course_id=course.id, state__in=OPEN_STATES).order_by(
        "created_at"
    )
    return [await _out(session) for session in rows]


@api.post(
    "/live/sessions/{session_id}/end",
    summary="End a live session (host)",
    response=SessionOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def end_session(request: web.Request, user: User) -> SessionOut:
    """Closes an open question first; ending an ended session changes nothing."""
    session = await hosted_session(user, path_uuid(request, "session_id"))
    return await _out(await sessions.end(request.app[keys.DEPS], session))


@api.get(
    "/live/sessions/{session_id}/results",
    summary="Results: per question, the ranking and attendance (host; JSON or CSV)",
    query=ResultsQuery,
    response=ResultsOut,
    roles=STAFF,
    errors=[403, 404],
)
async def session_results(
    request: web.Request, query: ResultsQuery, user: User
) -> web.StreamResponse | ResultsOut:
    deps = request.app[keys.DEPS]
    session = await hosted_session(user, path_uuid(request, "session_id"))
    session = await sessions.close_overdue(deps, session)
    out = await results(session, deps.clock.now())
    if query.format == "csv":
        header, rows = csv_rows(out, query.table)
        return csv_response(f"live-{session.id}-{query.table}.csv", header, rows)
    return out
