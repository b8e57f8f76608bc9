"""Attendance from presence: each arrival in a live room opens a stretch, each departure
closes one; minutes present are the union of a user's stretches within the session."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from lms_rt.clock import Clock
from lms_rt.live.models import LiveAttendance, LiveParticipant, LiveSession, LiveState
from lms_rt.realtime.registry import Caller, PresenceListener, parse_channel


def presence_listener(clock: Clock) -> PresenceListener:
    async def record(channel: str, caller: Caller, joined: bool) -> None:
        parsed = parse_channel(channel)
        if parsed is None or parsed.kind != "live" or parsed.sub is not None:
            return
        session_id = uuid.UUID(parsed.id)
        now = clock.now()
        if joined:
            # Only participants are on the register (the host runs the room, they do not attend).
            counted = await LiveParticipant.filter(
                session_id=session_id, user_id=caller.user_id
            ).exists()
            live = await LiveSession.filter(id=session_id).exclude(state=LiveState.ENDED).exists()
            if counted and live:
                await LiveAttendance.create(
                    session_id=session_id, user_id=caller.user_id, joined_at=now
                )
            return
        stretch = (
            await LiveAttendance.filter(session_id=session_id, user_id=caller.user_id, left_at=None)
            .order_by("joined_at")
            .first()
        )
        if stretch is not None:
            await LiveAttendance.filter(id=stretch.id, left_at=None).update(left_at=now)

    return record


def minutes_present(
    stretches: Iterable[tuple[datetime, datetime | None]], until: datetime
) -> float:
    """The union of the stretches (overlaps counted once), open ones running until ``until``."""
    spans = sorted((start, end or until) for start, end in stretches)
    total = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).total_seconds()
    return round(total / 60, 2)
