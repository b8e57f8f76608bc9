"""How the websocket gateway authenticates sockets and learns of ended sessions."""

from __future__ import annotations

import uuid

from aiohttp import web

from lms_rt import keys
from lms_rt.auth import cookies
from lms_rt.auth.models import AuthSession
from lms_rt.auth.service import authenticate, utcnow
from lms_rt.deps import Deps
from lms_rt.realtime.registry import Caller


class SessionAuthenticator:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def authenticate(self, token: str) -> tuple[Caller, float]:
        user, claims = await authenticate(self.deps, token)
        caller = Caller(
            user_id=str(user.id),
            role=user.role.value,
            name=user.full_name,
            session_id=claims.session_id or "",
        )
        return caller, claims.expires_at.timestamp()

    async def authenticate_upgrade(self, request: web.Request) -> tuple[Caller, float] | None:
        """The caller a live session cookie names on the upgrade request, or None: no cookie,
        or one whose session has ended (the socket may still send an ``auth`` frame). Its
        expiry is the session's; revocation closes the socket as for tokens."""
        current = await cookies.read_session(request)
        if current is None:
            return None
        caller = Caller(
            user_id=str(current.user.id),
            role=current.user.role.value,
            name=current.user.full_name,
            session_id=str(current.session.id),
        )
        return caller, current.session.expires_at.timestamp()

    async def live_sessions(self, session_ids: set[str]) -> set[str]:
        ids = [uuid.UUID(value) for value in session_ids if _is_uuid(value)]
        live: set[str] = set()
        # Chunked: a statement takes at most 32,767 parameters.
        for start in range(0, len(ids), 1000):
            rows = await AuthSession.filter(
                id__in=ids[start : start + 1000],
                revoked_at=None,
                expires_at__gt=utcnow(),
                user__is_active=True,
            ).values_list("id", flat=True)
            live.update(str(row) for row in rows)
        return live


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def session_authenticator(app: web.Application) -> SessionAuthenticator:
    return SessionAuthenticator(app[keys.DEPS])
