"""``live:<id>`` (the room) and ``live:<id>:host`` (its host), and the live methods on ``/ws``.

Host methods are refused (``forbidden``) to anyone who is not staff of the session's course;
participant methods need a place in the room that was not taken away by ``live.kick``.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from aiohttp import web

from lms_rt import keys
from lms_rt.errors import Forbidden, NotFound
from lms_rt.http.parsing import validate
from lms_rt.live import answers, room, sessions
from lms_rt.live.access import (
    active_user,
    find_session,
    hosted_session,
    hosts,
    is_enrolled,
    joined_participant,
    participant_of,
    visible_session,
)
from lms_rt.live.attendance import presence_listener
from lms_rt.live.models import LiveParticipant, LiveSession, MessageKind
from lms_rt.live.presenters import session_out
from lms_rt.live.runtime import LIVE, LiveRuntime, live_runtime_context
from lms_rt.live.schemas import (
    AnswerParams,
    KickParams,
    MessageParams,
    SessionParams,
    StepParams,
    TextParams,
)
from lms_rt.live.snapshot import snapshot
from lms_rt.realtime.registry import Caller, ChannelName, RealtimeRegistry
from lms_rt.users.models import User

P = TypeVar("P", bound=SessionParams)


async def live_channel(caller: Caller, channel: ChannelName) -> bool:
    try:
        session_id = uuid.UUID(channel.id)
    except ValueError:
        return False
    if str(session_id) != channel.id:
        return False  # one spelling per channel
    session = await LiveSession.filter(id=session_id).first()
    user = await User.filter(id=caller.user_id, is_active=True).first()
    if session is None or user is None:
        return False
    if await hosts(user, session):
        return True
    if channel.sub == "host":
        return False
    return await participant_of(user, session) is not None


def register(registry: RealtimeRegistry, app: web.Application) -> None:
    registry.channel("live", live_channel, subs=(None, "host"), presence=_room_presence)
    app.cleanup_ctx.append(live_runtime_context)

    def runtime() -> LiveRuntime:
        return app[LIVE]

    async def attendance(channel: str, caller: Caller, joined: bool) -> None:
        await presence_listener(app[keys.DEPS].clock)(channel, caller, joined)

    registry.on_presence(attendance)

    async def as_host(
        caller: Caller, model: type[P], params: dict[str, Any]
    ) -> tuple[P, User, LiveSession]:
        data = validate(model, params)
        user = await active_user(caller.user_id)
        return data, user, await hosted_session(user, data.session_id)

    async def as_member(
        caller: Caller, model: type[P], params: dict[str, Any]
    ) -> tuple[P, User, LiveSession, LiveParticipant | None]:
        """The host, or a participant still in the room."""
        data = validate(model, params)
        user = await active_user(caller.user_id)
        session = await find_session(data.session_id)
        if await hosts(user, session):
            return data, user, session, None
        participant = await participant_of(user, session)
        if participant is None:
            if await is_enrolled(user, session.course_id):
                raise Forbidden("Join the session first")
            raise NotFound("No such live session")
        return data, user, session, participant

    async def as_participant(
        caller: Caller, model: type[P], params: dict[str, Any]
    ) -> tuple[P, LiveSession, LiveParticipant]:
        data = validate(model, params)
        user = await active_user(caller.user_id)
        session = await find_session(data.session_id)
        return data, session, await joined_participant(user, session)

    # --- quiz: host -------------------------------------------------------------------------

    async def start(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, _, session = await as_host(caller, SessionParams, params)
        session = await sessions.start(app[keys.DEPS], session)
        return _state(session)

    async def next_question(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, _, session = await as_host(caller, SessionParams, params)
        session = await sessions.next_question(app[keys.DEPS], runtime(), session)
        return _state(session)

    async def close(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, _, session = await as_host(caller, SessionParams, params)
        await sessions.close_early(app[keys.DEPS], session)
        return _state(await LiveSession.get(id=session.id))

    async def reveal(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, _, session = await as_host(caller, SessionParams, params)
        return {"top": await sessions.reveal(app[keys.DEPS], session)}

    async def end(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, _, session = await as_host(caller, SessionParams, params)
        return _state(await sessions.end(app[keys.DEPS], session))

    async def kick(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, _, session = await as_host(caller, KickParams, params)
        await sessions.kick(app[keys.DEPS], session, data.participant_id)
        return {"kicked": str(data.participant_id)}

    # --- quiz: participants -----------------------------------------------------------------

    async def answer(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data = validate(AnswerParams, params)
        return await answers.answer(
            app[keys.DEPS],
            runtime(),
            caller.user_id,
            data.session_id,
            data.question_id,
            data.choice,
        )

    async def live_snapshot(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data = validate(SessionParams, params)
        user = await active_user(caller.user_id)
        session, host = await visible_session(user, data.session_id)
        session = await sessions.close_overdue(app[keys.DEPS], session)
        shot = await snapshot(app[keys.DEPS], user, session, host)
        return shot.model_dump(mode="json")

    # --- lesson -----------------------------------------------------------------------------

    async def step(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, _, session = await as_host(caller, StepParams, params)
        return await room.step(app[keys.DEPS], session, data.index, data.payload)

    async def chat_send(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, user, session, _ = await as_member(caller, TextParams, params)
        deps = app[keys.DEPS]
        return await room.post(
            deps, runtime().chat_limiter, session, user, MessageKind.CHAT, data.text
        )

    async def qa_ask(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, user, session, _ = await as_member(caller, TextParams, params)
        deps = app[keys.DEPS]
        return await room.post(
            deps, runtime().chat_limiter, session, user, MessageKind.QUESTION, data.text
        )

    async def qa_upvote(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, user, session, _ = await as_member(caller, MessageParams, params)
        return await room.upvote(app[keys.DEPS], session, user, data.message_id)

    async def message_hide(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, _, session = await as_host(caller, MessageParams, params)
        return await room.hide(app[keys.DEPS], session, data.message_id)

    async def qa_answered(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data, _, session = await as_host(caller, MessageParams, params)
        return await room.mark_answered(app[keys.DEPS], session, data.message_id)

    async def hand_raise(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, session, participant = await as_participant(caller, SessionParams, params)
        return await room.raise_hand(app[keys.DEPS], session, participant)

    async def hand_lower(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        _, session, participant = await as_participant(caller, SessionParams, params)
        return await room.lower_hand(app[keys.DEPS], session, participant)

    for name, handler in (
        ("live.start", start),
        ("live.next", next_question),
        ("live.close", close),
        ("live.reveal", reveal),
        ("live.end", end),
        ("live.kick", kick),
        ("live.answer", answer),
        ("live.snapshot", live_snapshot),
        ("live.step", step),
        ("chat.send", chat_send),
        ("chat.hide", message_hide),
        ("qa.ask", qa_ask),
        ("qa.upvote", qa_upvote),
        ("qa.answered", qa_answered),
        ("hand.raise", hand_raise),
        ("hand.lower", hand_lower),
    ):
        registry.method(name, handler)


def _room_presence(channel: ChannelName) -> str | None:
    """Who is in the room shows in the room; the host channel shows no one."""
    return f"live:{channel.id}" if channel.sub is None else None


def _state(session: LiveSession) -> dict[str, Any]:
    return session_out(session, 0).model_dump(mode="json", exclude={"participant_count"})
