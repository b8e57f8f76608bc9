"""The backstop job that closes a live question at ``closes_at`` + grace."""

from __future__ import annotations

import uuid
from typing import Any

from arq import Retry

from lms_rt.deps import Deps
from lms_rt.live import closing
from lms_rt.live.models import LiveSession, LiveState


async def close_live_question(ctx: dict[str, Any], session_id: str, index: int) -> str:
    """Idempotent: a question already closed (by the timer, a read, the host or an earlier
    run) is left alone; fired early (clocks differ), it waits for the rest."""
    deps: Deps = ctx["deps"]
    session = await LiveSession.filter(id=uuid.UUID(session_id)).first()
    if (
        session is None
        or session.state != LiveState.QUESTION_OPEN
        or session.current_index != index
    ):
        return "already closed"
    if session.closes_at is None:
        return "untimed"
    remaining = (session.closes_at + closing.GRACE - deps.clock.now()).total_seconds()
    if remaining > 0:
        raise Retry(defer=remaining + 0.05)
    closed = await closing.close_question(deps, session.id, index)
    return "closed" if closed else "already closed"
