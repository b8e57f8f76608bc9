"""The live lesson room: the host's current step, chat, Q&A with upvotes, raised hands.

Chat and questions are plain text, stored as written; clients show them as text, never as
markup.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, NotFound, RateLimited
from lms_rt.http.ratelimit import RateLimiter
from lms_rt.live.models import (
    LiveKind,
    LiveMessage,
    LiveParticipant,
    LiveSession,
    LiveState,
    LiveUpvote,
    MessageKind,
)
from lms_rt.live.presenters import message_out
from lms_rt.users.models import User

# Enough for a conversation, not for a flood: per user and session.
CHAT_RATE = "5/10second"


def chat_limiter(deps: Deps) -> RateLimiter:
    return RateLimiter(deps.counters, CHAT_RATE, namespace="live-chat")


def _open_lesson(session: LiveSession) -> None:
    if session.kind != LiveKind.LESSON:
        raise Conflict("This is a live quiz, not a live lesson")
    if session.state == LiveState.ENDED:
        raise Conflict("The session has ended")


async def step(
    deps: Deps, session: LiveSession, index: int, payload: dict[str, Any]
) -> dict[str, Any]:
    _open_lesson(session)
    if session.state == LiveState.LOBBY:
        raise Conflict("Start the session first")
    await LiveSession.filter(id=session.id).update(step_index=index, step_payload=payload)
    data = {"index": index, "payload": payload}
    await deps.bus.publish(f"live:{session.id}", "step.changed", data)
    return data


async def post(
    deps: Deps,
    limiter: RateLimiter,
    session: LiveSession,
    author: User,
    kind: MessageKind,
    text: str,
) -> dict[str, Any]:
    _open_lesson(session)
    wait = await limiter.hit(f"{session.id}:{author.id}")
    if wait is not None:
        raise RateLimited(f"Too many messages; wait {wait} s", retry_after=wait)
    message = await LiveMessage.create(
        session_id=session.id,
        kind=kind,
        author_id=author.id,
        author_name=author.full_name,
        text=text,
        created_at=deps.clock.now(),
    )
    out = message_out(message)
    event = "chat.message" if kind == MessageKind.CHAT else "qa.asked"
    await deps.bus.publish(f"live:{session.id}", event, out)
    return out


async def _message(
    session: LiveSession, message_id: uuid.UUID, kind: MessageKind | None = None
) -> LiveMessage:
    message = await LiveMessage.filter(id=message_id, session_id=session.id).first()
    if message is None or (kind is not None and message.kind != kind):
        raise NotFound("No such message in this session")
    return message


async def hide(deps: Deps, session: LiveSession, message_id: uuid.UUID) -> dict[str, Any]:
    message = await _message(session, message_id)
    await LiveMessage.filter(id=message.id).update(hidden_by_host=True)
    data = {"id": str(message.id), "kind": message.kind.value}
    await deps.bus.publish(f"live:{session.id}", "message.hidden", data)
    return data


async def upvote(
    deps: Deps, session: LiveSession, user: User, message_id: uuid.UUID
) -> dict[str, Any]:
    """Once per user: the unique upvote row decides, so a double click counts once."""
    _open_lesson(session)
    message = await _message(session, message_id, MessageKind.QUESTION)
    if message.hidden_by_host:
        raise NotFound("No such message in this session")
    try:
        async with atomic(deps) as effects:
            await LiveUpvote.create(message_id=message.id, user_id=user.id)
            await LiveMessage.filter(id=message.id).update(upvotes=F("upvotes") + 1)
            upvotes = (await LiveMessage.get(id=message.id)).upvotes
            effects.publish(
                f"live:{session.id}", "qa.upvoted", {"id": str(message.id), "upvotes": upvotes}
            )
    except IntegrityError:
        raise Conflict("You have already upvoted this question") from None
    return {"id": str(message.id), "upvotes": upvotes}


async def mark_answered(deps: Deps, session: LiveSession, message_id: uuid.UUID) -> dict[str, Any]:
    message = await _message(session, message_id, MessageKind.QUESTION)
    await LiveMessage.filter(id=message.id).update(answered=True)
    data = {"id": str(message.id), "answered": True}
    await deps.bus.publish(f"live:{session.id}", "qa.answered", data)
    return data


async def raise_hand(
    deps: Deps, session: LiveSession, participant: LiveParticipant
) -> dict[str, Any]:
    _open_lesson(session)
    now = deps.clock.now()
    raised = await LiveParticipant.filter(id=participant.id, hand_raised_at=None).update(
        hand_raised_at=now
    )
    if raised:
        await deps.bus.publish(
            f"live:{session.id}:host",
            "hand.raised",
            {
                "participant_id": str(participant.id),
                "user_id": str(participant.user_id),
                "display_name": participant.display_name,
                "raised_at": now.isoformat(),
            },
        )
    return {"raised": True}


async def lower_hand(
    deps: Deps, session: LiveSession, participant: LiveParticipant
) -> dict[str, Any]:
    lowered = (
        await LiveParticipant.filter(id=participant.id)
        .exclude(hand_raised_at=None)
        .update(hand_raised_at=None)
    )
    if lowered:
        await deps.bus.publish(
            f"live:{session.id}:host",
            "hand.lowered",
            {"participant_id": str(participant.id), "user_id": str(participant.user_id)},
        )
    return {"raised": False}


async def hands(session: LiveSession) -> list[dict[str, Any]]:
    """The queue of raised hands, first raised first."""
    raised = await LiveParticipant.filter(
        session_id=session.id, kicked_at=None, hand_raised_at__not_isnull=True
    ).order_by("hand_raised_at")
    return [
        {
            "participant_id": str(p.id),
            "user_id": str(p.user_id),
            "display_name": p.display_name,
            "raised_at": p.hand_raised_at.isoformat() if p.hand_raised_at else None,
        }
        for p in raised
    ]


async def recent_messages(
    session: LiveSession, staff: bool, limit: int = 100
) -> list[dict[str, Any]]:
    rows = LiveMessage.filter(session_id=session.id)
    if not staff:
        rows = rows.filter(hidden_by_host=False)
    latest = await rows.order_by("-created_at").limit(limit)
    return [message_out(m) for m in reversed(latest)]
