"""``/sign-in``, ``/sign-out`` and ``/my-learning``: the web pages' cookie session.

Signing in goes through the API's own login (``auth.service.login``): the same password check,
failure throttling, MFA and ``AuthSession`` row. The browser keeps only a cookie naming that
session (:mod:`lms_rt.auth.cookies`); the token pair the login also issues is dropped, and
since only its hash is stored nobody can use it. Signing out is the API's logout, which also
closes the session's websockets.

Forms answer with pages, never JSON: a wrong password is the form again with 401, throttling
429 with ``Retry-After``, a missing or wrong CSRF token 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from lms_rt import keys
from lms_rt.auth import cookies, service
from lms_rt.auth.models import AuthSession
from lms_rt.auth.schemas import LoginIn, MfaChallenge, MfaVerifyIn, TokenPair
from lms_rt.auth.tokens import InvalidToken, TokenType
from lms_rt.auth.views import client_info
from lms_rt.errors import Forbidden, RateLimited, Unauthorized
from lms_rt.pages.my_learning import course_cards

routes = web.RouteTableDef()

SIGN_IN = "/sign-in"
MY_LEARNING = "/my-learning"
SIGN_IN_TEMPLATE = "pages/sign_in.html"
MAX_NEXT_LENGTH = 500


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (no ``//host`` or scheme)."""
    if (
        not value
        or len(value) > MAX_NEXT_LENGTH
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)
    ):
        return MY_LEARNING
    return value


def redirect(location: str) -> web.Response:
    # A response rather than a raised HTTPSeeOther, so cookies can be set on it.
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    # Pages carry CSRF tokens and personal data: never stored by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def sign_in_form(
    request: web.Request,
    *,
    next_url: str,
    status: int = 200,
    error: str | None = None,
    email: str = "",
    challenge: str | None = None,
) -> web.Response:
    """The form (or its two-factor step) with a CSRF token bound to the pre-session cookie,
    which is set here when the browser has none yet."""
    settings = request.app[keys.SETTINGS]
    presession = cookies.presession(request)
    fresh = presession is None
    if presession is None:
        presession = cookies.new_presession()
    response = render(
        request,
        SIGN_IN_TEMPLATE,
        {
            "csrf_token": cookies.sign_in_csrf_token(settings.secret_key, presession),
            "next_url": next_url,
            "error": error,
            "email": email,
            "challenge": challenge,
        },
        status=status,
    )
    if fresh:
        cookies.set_presession(response, settings, presession)
    return response


@routes.get(SIGN_IN, name="sign_in")
async def sign_in_page(request: web.Request) -> web.Response:
    next_url = safe_next(request.query.get("next"))
    if await cookies.read_session(request) is not None:
        return redirect(next_url)
    return sign_in_form(request, next_url=next_url)


@routes.post(SIGN_IN)
async def sign_in(request: web.Request) -> web.Response:
    form = await request.post()
    next_url = safe_next(_field(form, "next"))
    email = _field(form, "email").strip()[:320]
    challenge = _field(form, "challenge_token") or None
    try:
        cookies.check_sign_in_csrf(request, _field(form, cookies.CSRF_FIELD))
    except Forbidden:
        return sign_in_form(
            request,
            next_url=next_url,
            status=403,
            email=email,
            error="This form expired or did not come from this site. Please sign in again.",
        )
    deps = request.app[keys.DEPS]
    try:
        if challenge is not None:
            pair = await _second_factor(request, challenge, _field(form, "code").strip())
            if pair is None:
                return sign_in_form(
                    request,
                    next_url=next_url,
                    status=401,
                    error="Signing in took too long. Please start again.",
                )
        else:
            try:
                credentials = LoginIn(email=email, password=_field(form, "password"))
            except ValidationError:
                return sign_in_form(
                    request,
                    next_url=next_url,
                    status=422,
                    email=email,
                    error="Enter your email address and your password.",
                )
            result = await service.login(
                deps, credentials.email, credentials.password, client_info(request)
            )
            if isinstance(result, MfaChallenge):
                return sign_in_form(request, next_url=next_url, challenge=result.challenge_token)
            pair = result
    except Unauthorized:
        return sign_in_form(
            request,
            next_url=next_url,
            status=401,
            email=email,
            challenge=challenge,
            error="That code did not work. Try the newest code from your app."
            if challenge
            else "Incorrect email or password.",
        )
    except RateLimited as exc:
        response = sign_in_form(
            request,
            next_url=next_url,
            status=429,
            email=email,
            error="Too many failed sign-ins. Please wait a while and try again.",
        )
        response.headers.update(exc.headers)
        return response
    return await _signed_in(request, pair, next_url)


async def _second_factor(request: web.Request, challenge: str, code: str) -> TokenPair | None:
    """The token pair, or None when the challenge itself is no longer good (start again);
    a wrong code raises Unauthorized (and counts towards the throttle, as in the API)."""
    deps = request.app[keys.DEPS]
    try:
        deps.auth.tokens.decode(challenge, TokenType.MFA_CHALLENGE)
    except InvalidToken:
        return None
    try:
        body = MfaVerifyIn(challenge_token=challenge, code=code)
    except ValidationError as exc:
        raise Unauthorized("Invalid two-factor code") from exc
    return await service.verify_mfa(deps, body.challenge_token, body.code, client_info(request))


async def _signed_in(request: web.Request, pair: TokenPair, next_url: str) -> web.Response:
    deps = request.app[keys.DEPS]
    settings = request.app[keys.SETTINGS]
    claims = deps.auth.tokens.decode(pair.access_token, TokenType.ACCESS)
    session = await AuthSession.get(id=claims.session_id)
    # A browser holds one session: the one this sign-in replaces ends, as a sign-out would.
    previous = await cookies.read_session(request)
    if previous is not None and previous.session.id != session.id:
        await service.logout(deps, previous.claims)
    response = redirect(next_url)
    cookies.set_session_cookie(response, settings, session.id, session.expires_at)
    cookies.clear_presession(response, settings)
    return response


@routes.post("/sign-out", name="sign_out")
async def sign_out(request: web.Request) -> web.Response:
    """Ends the session as ``POST /api/v1/auth/logout`` does (its websockets close with 4401)
    and clears the cookie. A cookie whose session already ended is just cleared."""
    settings = request.app[keys.SETTINGS]
    current = await cookies.read_session(request)
    if current is not None:
        form = await request.post()
        presented = _field(form, cookies.CSRF_FIELD) or request.headers.get(cookies.CSRF_HEADER)
        try:
            cookies.check_csrf(request, current.csrf_token, presented)
        except Forbidden as exc:
            return render(request, "pages/forbidden.html", {"reason": exc.message}, status=403)
        await service.logout(request.app[keys.DEPS], current.claims)
    response = redirect(SIGN_IN)
    cookies.clear_session_cookie(response, settings)
    return response


@routes.get(MY_LEARNING, name="my_learning")
async def my_learning(request: web.Request) -> web.Response:
    current = await cookies.read_session(request)
    if current is None:
        response = redirect(f"{SIGN_IN}?{urlencode({'next': MY_LEARNING})}")
        if cookies.has_session_cookie(request):
            cookies.clear_session_cookie(response, request.app[keys.SETTINGS])
        return response
    return render(
        request,
        "pages/my_learning.html",
        {
            "user": current.user,
            "csrf_token": current.csrf_token,
            "courses": await course_cards(current.user),
        },
    )
