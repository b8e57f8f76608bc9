"""The web pages' cookie session, and the CSRF rules that come with it.

The cookie names an :class:`AuthSession` (the same rows the API login makes) by its id,
signed with HMAC-SHA256 under ``settings.secret_key``. It carries no claims of its own:
every request looks the session up, so a sign-out, a "sign out everywhere", a password reset
or a deactivated account refuses the cookie at once, and it never outlives its session.

Each session has a CSRF token derived from the same secret and the session id (nothing is
stored). A request authenticated by the cookie with a state-changing method must send it in
``X-CSRF-Token`` (forms: the ``csrf_token`` field) and come from an allowed origin (the
``Origin`` header, else the ``Referer``'s origin): ``settings.cors_origins``, the origin of
``settings.base_url`` and the request's own origin. Before a session exists the sign-in form
is protected the same way by a random pre-session cookie and a token derived from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.models import AuthSession
from lms_rt.auth.service import utcnow
from lms_rt.auth.tokens import Claims, TokenType, random_token
from lms_rt.config import Settings
from lms_rt.errors import Forbidden, Unauthorized
from lms_rt.users.models import User

SESSION_COOKIE = "lms_session"
PRESESSION_COOKIE = "lms_presession"
# The pre-session cookie only ever matters to the sign-in form.
PRESESSION_PATH = "/sign-in"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# "Your sessions" orders by last use; writing it on every request would add a write to every
# read, so a cookie session's last use is recorded at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=5)

_SESSION_PURPOSE = "lms_rt.session-cookie.v1"
_CSRF_PURPOSE = "lms_rt.csrf.v1"
_SIGN_IN_CSRF_PURPOSE = "lms_rt.sign-in-csrf.v1"


def _mac(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


# --- values ----------------------------------------------------------------------------------


def session_cookie_value(secret: str, session_id: uuid.UUID | str) -> str:
    sid = str(session_id)
    return f"{sid}.{_mac(secret, _SESSION_PURPOSE, sid)}"


def session_id_of(secret: str, value: str | None) -> uuid.UUID | None:
    """The session a cookie value names, if its signature is right."""
    if not value or len(value) > 200:
        return None
    sid, _, mac = value.partition(".")
    try:
        session_id = uuid.UUID(sid)
    except ValueError:
        return None
    if not _same(mac, _mac(secret, _SESSION_PURPOSE, str(session_id))):
        return None
    return session_id


def csrf_token(secret: str, session_id: uuid.UUID | str) -> str:
    """The session's CSRF token: the same for the session's whole life, useless without it."""
    return _mac(secret, _CSRF_PURPOSE, str(session_id))


def sign_in_csrf_token(secret: str, presession: str) -> str:
    return _mac(secret, _SIGN_IN_CSRF_PURPOSE, presession)


# --- cookies on responses --------------------------------------------------------------------


def set_session_cookie(
    response: web.StreamResponse, settings: Settings, session_id: uuid.UUID, expires_at: datetime
) -> None:
    max_age = max(0, int((expires_at - utcnow()).total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(settings.secret_key, session_id),
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.env == "production",
    )


def clear_session_cookie(response: web.StreamResponse, settings: Settings) -> None:
    response.del_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.env == "production",
    )


def presession(request: web.Request) -> str | None:
    value = request.cookies.get(PRESESSION_COOKIE)
    # random_token() makes 43 URL-safe characters; anything else was not made here.
    if value is None or not 32 <= len(value) <= 64:
        return None
    return value


def new_presession() -> str:
    return random_token()


def set_presession(response: web.StreamResponse, settings: Settings, value: str) -> None:
    """The sign-in form's pre-session cookie; it ends with the browser session."""
    response.set_cookie(
        PRESESSION_COOKIE,
        value,
        path=PRESESSION_PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.env == "production",
    )


def clear_presession(response: web.StreamResponse, settings: Settings) -> None:
    response.del_cookie(
        PRESESSION_COOKIE,
        path=PRESESSION_PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.env == "production",
    )


# --- origins ---------------------------------------------------------------------------------


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(request: web.Request) -> set[str]:
    settings = request.app[keys.SETTINGS]
    origins = {origin.rstrip("/").lower() for origin in settings.cors_origins}
    for url in (settings.base_url, f"{request.scheme}://{request.host}"):
        origin = _origin_of(url)
        if origin:
            origins.add(origin)
    return origins


def request_origin(request: web.Request) -> str | None:
    """Where the request comes from: ``Origin``, else the origin of ``Referer``."""
    origin = request.headers.get("Origin")
    if origin is not None:
        # "null" (sandboxed frames, some redirects) matches nothing.
        return _origin_of(origin)
    referer = request.headers.get("Referer")
    return _origin_of(referer) if referer else None


def check_origin(request: web.Request) -> None:
    origin = request_origin(request)
    if origin is None:
        raise Forbidden("A request signed in by cookie must say where it comes from (Origin)")
    if origin not in allowed_origins(request):
        raise Forbidden("Requests from this origin may not use the session cookie")


def check_csrf(request: web.Request, expected: str, presented: str | None) -> None:
    """403 unless the request comes from an allowed origin and presents the token."""
    check_origin(request)
    if not presented:
        raise Forbidden(f"Send the session's CSRF token in the {CSRF_HEADER} header")
    if not _same(presented, expected):
        raise Forbidden("The CSRF token does not match this session")


def check_sign_in_csrf(request: web.Request, presented: str | None) -> None:
    """The sign-in form before any session: an allowed origin, and the token derived from
    the pre-session cookie (so a page elsewhere cannot sign the browser in as someone else)."""
    check_origin(request)
    value = presession(request)
    if value is None:
        raise Forbidden("The sign-in form's cookie is missing; load the form again")
    if not _same(presented, sign_in_csrf_token(request.app[keys.SETTINGS].secret_key, value)):
        raise Forbidden("The sign-in form's CSRF token does not match")


# --- the session behind a request ------------------------------------------------------------


@dataclass(frozen=True)
class CookieSession:
    session: AuthSession
    user: User
    csrf_token: str

    @property
    def claims(self) -> Claims:
        """Claims shaped like an access token's, for code that asks which session this is
        (sign-out, "your sessions", keeping this session on a password change)."""
        return Claims(
            subject=str(self.user.id),
            type=TokenType.ACCESS,
            jti=f"cookie:{self.session.id}",
            expires_at=self.session.expires_at,
            session_id=str(self.session.id),
            raw={"sub": str(self.user.id), "sid": str(self.session.id), "via": "cookie"},
        )


_LOOKED_UP: web.RequestKey[CookieSession | None] = web.RequestKey("cookie_session")


def has_session_cookie(request: web.Request) -> bool:
    return SESSION_COOKIE in request.cookies


async def read_session(request: web.Request) -> CookieSession | None:
    """The live session the cookie names, or None (no cookie, a bad signature, or a session
    that was revoked, expired or belongs to a deactivated user). Looked up once per request."""
    if _LOOKED_UP in request:
        return request[_LOOKED_UP]
    found = await _look_up(request)
    request[_LOOKED_UP] = found
    return found


async def _look_up(request: web.Request) -> CookieSession | None:
    settings = request.app[keys.SETTINGS]
    session_id = session_id_of(settings.secret_key, request.cookies.get(SESSION_COOKIE))
    if session_id is None:
        return None
    now = utcnow()
    session = (
        await AuthSession.filter(
            id=session_id, revoked_at=None, expires_at__gt=now, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if session is None:
        return None
    if now - session.last_used_at > LAST_USED_RESOLUTION:
        await AuthSession.filter(id=session.id).update(last_used_at=now)
    return CookieSession(
        session=session, user=session.user, csrf_token=csrf_token(settings.secret_key, session.id)
    )


async def cookie_caller(request: web.Request) -> tuple[User, Claims]:
    """The API's view of a cookie: 401 when it names no live session; 403 when a
    state-changing request lacks the CSRF token or comes from elsewhere."""
    current = await read_session(request)
    if current is None:
        raise Unauthorized("Your session has ended; sign in again")
    if request.method not in SAFE_METHODS:
        check_csrf(request, current.csrf_token, request.headers.get(CSRF_HEADER))
    return current.user, current.claims
