"""Writing audit events inside the transaction of the change they record.

``record`` must be called inside that transaction (``atomic``): the event commits with the
change or not at all. The request id and client address come from the request being served
(set by :func:`audit_context`), and so does the actor unless given; a job's events have none.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from lms_rt import keys
from lms_rt.audit.models import AuditEvent
from lms_rt.auth.permissions import CALLER
from lms_rt.http.client_ip import client_ip, parse_networks
from lms_rt.logs import request_id_var
from lms_rt.users.models import User

_request: contextvars.ContextVar[web.Request | None] = contextvars.ContextVar(
    "audit_request", default=None
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def audit_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Remember the request (cheap); its address is worked out only if an event is written."""
    token = _request.set(request)
    try:
        return await handler(request)
    finally:
        _request.reset(token)


def _caller_id() -> uuid.UUID | None:
    request = _request.get()
    if request is None or CALLER not in request:
        return None
    user: User = request[CALLER][0]
    return user.id


def _address() -> str:
    request = _request.get()
    if request is None:
        return ""
    settings = request.app[keys.SETTINGS]
    return client_ip(request, parse_networks(settings.trusted_proxies)) or ""


async def record(
    action: str,
    target_type: str,
    target_id: uuid.UUID | str,
    *,
    actor_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    return await AuditEvent.create(
        created_at=at or datetime.now(UTC),
        actor_id=actor_id or _caller_id(),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary,
        reason=reason,
        request_id=request_id_var.get() or "",
        ip=_address()[:64],
    )
