"""Who may do what: authentication of a request, role checks and object-level checks.

Every ``/api/v1`` operation declares the roles it admits (``roles=`` on its route); that table
of routes is the role x endpoint matrix, walked by a test. Object-level rules live here so
that every domain answers the same way: another user's private object is *not found* (404),
never *forbidden* (403), so ids reveal nothing.

Credentials: a Bearer access token, or, when no Bearer header is sent, the web pages' session
cookie (:mod:`lms_rt.auth.cookies`), which on state-changing methods also needs the session's
CSRF token and an allowed origin.
"""

from __future__ import annotations

import uuid

from aiohttp import web

from lms_rt import keys
from lms_rt.auth import cookies
from lms_rt.auth.service import authenticate
from lms_rt.auth.tokens import Claims
from lms_rt.errors import Forbidden, NotFound, Unauthorized
from lms_rt.users.models import Role, User

ANYONE_SIGNED_IN = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.INSTRUCTOR})
ADMIN = frozenset({Role.ADMIN})

CALLER = web.RequestKey("caller", tuple)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def caller(request: web.Request) -> tuple[User, Claims]:
    """The signed-in user and their token's claims; 401 without valid credentials."""
    if CALLER in request:
        cached: tuple[User, Claims] = request[CALLER]
        return cached
    token = bearer_token(request)
    if token is None and cookies.has_session_cookie(request):
        by_cookie = await cookies.cookie_caller(request)
        request[CALLER] = by_cookie
        return by_cookie
    if token is None:
        raise Unauthorized(
            "Sign in and send the access token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="lms_rt"'},
        )
    try:
        result = await authenticate(request.app[keys.DEPS], token)
    except Unauthorized as exc:
        exc.headers.setdefault("WWW-Authenticate", 'Bearer realm="lms_rt", error="invalid_token"')
        raise
    request[CALLER] = result
    return result


async def optional_user(request: web.Request) -> User | None:
    """For public endpoints that show more to signed-in users; bad tokens are still 401.

    A session cookie that names no live session (signed out elsewhere) is ignored here: the
    browser sends it unasked, and a public page must not fail because of it. A live one
    counts, with the CSRF rules for state-changing methods.
    """
    if bearer_token(request) is None and (
        not cookies.has_session_cookie(request) or await cookies.read_session(request) is None
    ):
        return None
    user, _ = await caller(request)
    return user


async def authorize(request: web.Request, roles: frozenset[str]) -> User:
    user, _ = await caller(request)
    if user.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(sorted(roles))}")
    return user


def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def ensure_owner_or_admin(user: User, owner_id: uuid.UUID, what: str = "object") -> None:
    """A private object is visible to its owner and to admins; anyone else gets 404."""
    if user.id != owner_id and not is_admin(user):
        raise NotFound(f"No such {what}")
