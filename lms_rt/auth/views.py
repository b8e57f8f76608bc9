"""``/api/v1/auth``: sign-up, sign-in, tokens, sessions, email verification, reset, MFA."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth import service
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, caller
from lms_rt.auth.schemas import (
    Accepted,
    EmailIn,
    LoginIn,
    MfaChallenge,
    MfaCodeIn,
    MfaDisableIn,
    MfaSetupOut,
    MfaVerifyIn,
    OAuthPasswordForm,
    OAuthToken,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ResetPasswordIn,
    SessionOut,
    TokenIn,
    TokenPair,
)
from lms_rt.errors import Unauthorized
from lms_rt.http.client_ip import client_ip, parse_networks
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User
from lms_rt.users.schemas import UserOut

api = ApiRoutes(tag="auth")


def client_info(request: web.Request) -> service.ClientInfo:
    settings = request.app[keys.SETTINGS]
    return service.ClientInfo(
        ip=client_ip(request, parse_networks(settings.trusted_proxies)),
        user_agent=request.headers.get("User-Agent", ""),
    )


@api.post(
    "/auth/register",
    summary="Create a student account",
    body=RegisterIn,
    response=RegisterOut,
    status=201,
    errors=[409],
)
async def register(request: web.Request, body: RegisterIn) -> RegisterOut:
    """Self-registration always makes a student; admins grant other roles. A mail with a
    link to confirm the address is sent through the job queue."""
    user, tokens = await service.register(request.app[keys.DEPS], body, client_info(request))
    return RegisterOut(user=UserOut.of(user), tokens=tokens)


@api.post(
    "/auth/login",
    summary="Sign in with email and password",
    body=LoginIn,
    response=TokenPair | MfaChallenge,
    errors=[401],
)
async def login(request: web.Request, body: LoginIn) -> TokenPair | MfaChallenge:
    """Returns a token pair, or an MFA challenge for accounts with two-factor sign-in."""
    return await service.login(
        request.app[keys.DEPS], body.email, body.password, client_info(request)
    )


@api.post(
    "/auth/token",
    summary="OAuth2 password grant (for the docs page's Authorize)",
    form=OAuthPasswordForm,
    response=OAuthToken,
    errors=[401],
)
async def oauth_token(request: web.Request, body: OAuthPasswordForm) -> OAuthToken:
    result = await service.login(
        request.app[keys.DEPS],
        body.username.strip().lower(),
        body.password,
        client_info(request),
    )
    if isinstance(result, MfaChallenge):
        raise Unauthorized("This account uses two-factor sign-in: use /auth/login")
    return OAuthToken(access_token=result.access_token, expires_in=result.expires_in)


@api.post(
    "/auth/refresh",
    summary="Rotate a refresh token",
    body=RefreshIn,
    response=TokenPair,
    errors=[401],
)
async def refresh(request: web.Request, body: RefreshIn) -> TokenPair:
    """The presented token stops working. Presenting a token that was already rotated ends
    the whole session, the newest tokens included."""
    return await service.refresh(request.app[keys.DEPS], body.refresh_token)


@api.post("/auth/logout", summary="Sign out this session", status=204, roles=ANYONE_SIGNED_IN)
async def logout(request: web.Request, user: User) -> None:
    """Ends the session: its refresh token and the current access token stop working."""
    _, claims = await caller(request)
    await service.logout(request.app[keys.DEPS], claims)


@api.post("/auth/logout-all", summary="Sign out every session", status=204, roles=ANYONE_SIGNED_IN)
async def logout_all(request: web.Request, user: User) -> None:
    await service.logout_all(request.app[keys.DEPS], user)


@api.get(
    "/auth/sessions",
    summary="Your signed-in sessions",
    response=list[SessionOut],
    roles=ANYONE_SIGNED_IN,
)
async def sessions(request: web.Request, user: User) -> list[SessionOut]:
    _, claims = await caller(request)
    return [
        SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            expires_at=s.expires_at,
            user_agent=s.user_agent,
            ip=s.ip,
            current=str(s.id) == claims.session_id,
        )
        for s in await service.list_sessions(user)
    ]


@api.delete(
    "/auth/sessions/{session_id}",
    summary="End one of your sessions",
    status=204,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def end_session(request: web.Request, user: User) -> None:
    await service.end_session(request.app[keys.DEPS], user, path_uuid(request, "session_id"))


@api.post("/auth/verify-email", summary="Confirm an email address", body=TokenIn, response=UserOut)
async def verify_email(request: web.Request, body: TokenIn) -> UserOut:
    return UserOut.of(await service.verify_email(request.app[keys.DEPS], body.token))


@api.post(
    "/auth/resend-verification",
    summary="Mail a new confirmation link",
    status=202,
    response=Accepted,
    roles=ANYONE_SIGNED_IN,
    errors=[409],
)
async def resend_verification(request: web.Request, user: User) -> Accepted:
    await service.resend_verification(request.app[keys.DEPS], user)
    return Accepted(message="A new confirmation link is on its way")


@api.post(
    "/auth/forgot-password",
    summary="Mail a password-reset link",
    body=EmailIn,
    status=202,
    response=Accepted,
)
async def forgot_password(request: web.Request, body: EmailIn) -> Accepted:
    """Always 202, whether or not an account has this address."""
    await service.request_password_reset(request.app[keys.DEPS], body.email)
    return Accepted(message="If an account uses this address, a reset link is on its way")


@api.post(
    "/auth/reset-password",
    summary="Set a new password with a reset link",
    body=ResetPasswordIn,
    status=204,
)
async def reset_password(request: web.Request, body: ResetPasswordIn) -> None:
    """Ends every session of the account."""
    await service.reset_password(request.app[keys.DEPS], body.token, body.new_password)


@api.post(
    "/auth/mfa/setup",
    summary="Start two-factor set-up",
    response=MfaSetupOut,
    roles=ANYONE_SIGNED_IN,
    errors=[409],
)
async def mfa_setup(request: web.Request, user: User) -> MfaSetupOut:
    """Returns a new TOTP secret and its otpauth URI; it takes effect once confirmed."""
    return await service.mfa_setup(user)


@api.post(
    "/auth/mfa/enable",
    summary="Confirm a code and turn two-factor on",
    body=MfaCodeIn,
    status=204,
    roles=ANYONE_SIGNED_IN,
    errors=[409],
)
async def mfa_enable(request: web.Request, body: MfaCodeIn, user: User) -> None:
    await service.mfa_enable(user, body.code)


@api.post(
    "/auth/mfa/disable",
    summary="Turn two-factor off",
    body=MfaDisableIn,
    status=204,
    roles=ANYONE_SIGNED_IN,
    errors=[409],
)
async def mfa_disable(request: web.Request, body: MfaDisableIn, user: User) -> None:
    await service.mfa_disable(request.app[keys.DEPS], user, body.password, body.code)


@api.post(
    "/auth/mfa/verify",
    summary="Finish a two-factor sign-in",
    body=MfaVerifyIn,
    response=TokenPair,
    errors=[401],
)
async def mfa_verify(request: web.Request, body: MfaVerifyIn) -> TokenPair:
    return await service.verify_mfa(
        request.app[keys.DEPS], body.challenge_token, body.code, client_info(request)
    )
