"""Sign-up, sign-in, token rotation, sessions, email verification, password reset and MFA."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from lms_rt.auth import totp
from lms_rt.auth.models import AuthSession, OneTimeToken, RefreshToken, TokenPurpose
from lms_rt.auth.schemas import MfaChallenge, MfaSetupOut, RegisterIn, TokenPair
from lms_rt.auth.tokens import Claims, InvalidToken, TokenType, random_token, token_hash
from lms_rt.db import after_commit, atomic
from lms_rt.deps import Deps
from lms_rt.errors import BadRequest, Conflict, Invalid, NotFound, Unauthorized
from lms_rt.users.models import Role, User

log = logging.getLogger(__name__)

BAD_CREDENTIALS = "Incorrect email or password"


def _wrong_code() -> Invalid:
    return Invalid("The code does not match", details=[{"field": "code", "message": "wrong code"}])


@dataclass(frozen=True)
class ClientInfo:
    """Who is on the other end, for the "your sessions" list and throttling."""

    ip: str
    user_agent: str


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- sessions and tokens -------------------------------------------------------------------


async def _open_session(deps: Deps, user: User, client: ClientInfo) -> TokenPair:
    now = utcnow()
    async with atomic(deps):
        session = await AuthSession.create(
            user=user,
            expires_at=now + deps.auth.tokens.refresh_ttl,
            user_agent=client.user_agent[:300],
            ip=client.ip[:64],
        )
        pair = await _issue_pair(deps, user, session)
        await User.filter(id=user.id).update(last_login_at=now)
    return pair


async def _issue_pair(
    deps: Deps, user: User, session: AuthSession, token_id: uuid.UUID | None = None
) -> TokenPair:
    tokens = deps.auth.tokens
    access, access_exp = tokens.access(str(user.id), str(session.id), user.role.value)
    refresh, refresh_exp = tokens.refresh(str(user.id), str(session.id))
    await RefreshToken.create(
        id=token_id or uuid.uuid4(),
        session=session,
        token_hash=token_hash(refresh),
        expires_at=refresh_exp,
    )
    now = utcnow()
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=int((access_exp - now).total_seconds()),
        refresh_expires_in=int((refresh_exp - now).total_seconds()),
    )


def announce_ended_sessions(user_id: uuid.UUID | str) -> None:
    """After commit, the websocket gateway re-checks this user's sockets (closing with 4401)."""
    after_commit().publish(f"auth:{user_id}", "sessions.ended", {})


def announce_access_changed(user_id: uuid.UUID | str) -> None:
    """After commit, every process re-checks what this user's sockets follow (an enrollment
    dropped, a place on a course's staff or in a live session taken away, a role changed):
    a channel they may no longer follow ends with a ``forbidden`` frame."""
    after_commit().publish(f"auth:{user_id}", "access.changed", {})


async def revoke_sessions(
    user_id: uuid.UUID, reason: str, *, except_session: uuid.UUID | str | None = None
) -> int:
    """Must run inside ``atomic``: the gateway hears of it only once it is committed."""
    query = AuthSession.filter(user_id=user_id, revoked_at=None)
    if except_session is not None:
        query = query.exclude(id=except_session)
    ended = await query.update(revoked_at=utcnow(), revoke_reason=reason)
    if ended:
        announce_ended_sessions(user_id)
    return ended


async def authenticate(deps: Deps, access_token: str) -> tuple[User, Claims]:
    """The user behind an access token, refusing revoked sessions and deactivated users."""
    try:
        claims = deps.auth.tokens.decode(access_token, TokenType.ACCESS)
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from exc
    session = (
        await AuthSession.filter(
            id=claims.session_id, user_id=claims.subject, revoked_at=None, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if session is None:
        raise Unauthorized("session ended; sign in again")
    return session.user, claims


async def refresh(deps: Deps, refresh_token: str) -> TokenPair:
    """Rotate: the presented token dies and a new pair is issued in the same session.

    Presenting a token that was already rotated means it leaked or raced: the whole family
    (session) is revoked, the newest pair included. Of two concurrent refreshes with one token,
    the conditional update lets exactly one win.
    """
    try:
        deps.auth.tokens.decode(refresh_token, TokenType.REFRESH)
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from exc
    row = await RefreshToken.filter(token_hash=token_hash(refresh_token)).first()
    if row is None:
        raise Unauthorized("unknown refresh token")
    now = utcnow()
    pair: TokenPair | None = None
    successor = uuid.uuid4()
    async with atomic(deps):
        won = await RefreshToken.filter(id=row.id, revoked_at=None).update(
            revoked_at=now, replaced_by=successor
        )
        if won:
            session = (
                await AuthSession.filter(id=row.session_id, revoked_at=None, user__is_active=True)
                .select_related("user")
                .first()
            )
            if session is None or session.expires_at <= now:
                raise Unauthorized("session ended; sign in again")
            pair = await _issue_pair(deps, session.user, session, successor)
            await AuthSession.filter(id=session.id).update(last_used_at=now)
    if pair is None:
        async with atomic(deps):
            revoked = await AuthSession.filter(id=row.session_id, revoked_at=None).update(
                revoked_at=now, revoke_reason="refresh_reuse"
            )
            if revoked:
                log.warning("refresh token reuse: session %s revoked", row.session_id)
                session_row = await AuthSession.get(id=row.session_id)
                announce_ended_sessions(session_row.user_id)
        raise Unauthorized("refresh token already used; the session has been ended")
    return pair


async def logout(deps: Deps, claims: Claims) -> None:
    async with atomic(deps):
        ended = await AuthSession.filter(id=claims.session_id, revoked_at=None).update(
            revoked_at=utcnow(), revoke_reason="logout"
        )
        if ended:
            announce_ended_sessions(claims.subject)


async def logout_all(deps: Deps, user: User) -> None:
    async with atomic(deps):
        await revoke_sessions(user.id, "logout_all")


async def list_sessions(user: User) -> list[AuthSession]:
    return await AuthSession.filter(
        user_id=user.id, revoked_at=None, expires_at__gt=utcnow()
    ).order_by("-last_used_at")


async def end_session(deps: Deps, user: User, session_id: uuid.UUID) -> None:
    """Another user's session is "not found", never "forbidden": ids reveal nothing."""
    async with atomic(deps):
        ended = await AuthSession.filter(id=session_id, user_id=user.id, revoked_at=None).update(
            revoked_at=utcnow(), revoke_reason="ended_by_user"
        )
        if not ended:
            raise NotFound("No such session")
        announce_ended_sessions(user.id)


# --- sign-up and sign-in -------------------------------------------------------------------


async def register(deps: Deps, data: RegisterIn, client: ClientInfo) -> tuple[User, TokenPair]:
    password_hash = await deps.auth.hasher.hash(data.password)
    try:
        async with atomic(deps) as effects:
            user = await User.create(
                email=data.email,
                password_hash=password_hash,
                full_name=data.full_name,
                timezone=data.timezone,
                role=Role.STUDENT,
            )
            raw = await _one_time_token(
                user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=deps.settings.email_token_hours)
            )
            effects.enqueue(*verification_mail(deps, user, raw))
    except IntegrityError as exc:
        raise Conflict("An account with this email already exists") from exc
    return user, await _open_session(deps, user, client)


def verification_mail(
    deps: Deps, user: User, raw_token: str
) -> tuple[str, str, str, dict[str, object], str]:
    return (
        "send_email",
        user.email,
        "verify_email",
        {
            "name": user.full_name,
            "verify_url": f"{deps.settings.base_url}/verify-email?token={raw_token}",
            "valid_hours": deps.settings.email_token_hours,
        },
        f"verify_email:{token_hash(raw_token)}",
    )


async def login(
    deps: Deps, email: str, password: str, client: ClientInfo
) -> TokenPair | MfaChallenge:
    throttle = deps.auth.throttle
    await throttle.check(email, client.ip)
    user = await User.filter(email=email).first()
    ok = await deps.auth.hasher.verify(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        await throttle.failed(email, client.ip)
        raise Unauthorized(BAD_CREDENTIALS)
    await throttle.succeeded(email)
    if user.mfa_enabled:
        challenge, expires = deps.auth.tokens.mfa_challenge(str(user.id))
        return MfaChallenge(
            challenge_token=challenge, expires_in=int((expires - utcnow()).total_seconds())
        )
    return await _open_session(deps, user, client)


async def verify_mfa(deps: Deps, challenge_token: str, code: str, client: ClientInfo) -> TokenPair:
    try:
        claims = deps.auth.tokens.decode(challenge_token, TokenType.MFA_CHALLENGE)
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from exc
    await deps.auth.throttle.check(f"mfa:{claims.subject}", client.ip)
    user = await User.filter(id=claims.subject, is_active=True, mfa_enabled=True).first()
    if user is None or not await _accept_totp(user, user.mfa_secret, code):
        await deps.auth.throttle.failed(f"mfa:{claims.subject}", client.ip)
        raise Unauthorized("Invalid two-factor code")
    return await _open_session(deps, user, client)


async def _accept_totp(user: User, secret: str | None, code: str) -> bool:
    """Valid, and its time step newer than any used before (a code works once)."""
    if not secret:
        return False
    step = totp.matching_step(secret, code, user.mfa_last_step)
    if step is None:
        return False
    query = User.filter(id=user.id)
    query = (
        query.filter(mfa_last_step=None)
        if user.mfa_last_step is None
        else query.filter(mfa_last_step=user.mfa_last_step)
    )
    return bool(await query.update(mfa_last_step=step))


# --- one-time tokens: verification and reset -----------------------------------------------


async def _one_time_token(user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    raw = random_token()
    await OneTimeToken.create(
        user=user, purpose=purpose, token_hash=token_hash(raw), expires_at=utcnow() + ttl
    )
    return raw


async def _consume(raw: str, purpose: TokenPurpose) -> OneTimeToken:
    now = utcnow()
    row = await OneTimeToken.filter(token_hash=token_hash(raw), purpose=purpose).first()
    if row is None or row.expires_at <= now:
        raise BadRequest("This link is invalid or has expired")
    used = await OneTimeToken.filter(id=row.id, used_at=None).update(used_at=now)
    if not used:
        raise BadRequest("This link has already been used")
    return row


async def verify_email(deps: Deps, raw: str) -> User:
    async with atomic(deps):
        row = await _consume(raw, TokenPurpose.VERIFY_EMAIL)
        await User.filter(id=row.user_id, email_verified_at=None).update(email_verified_at=utcnow())
        return await User.get(id=row.user_id)


async def resend_verification(deps: Deps, user: User) -> None:
    if user.email_verified_at is not None:
        raise Conflict("Your email address is already verified")
    async with atomic(deps) as effects:
        raw = await _one_time_token(
            user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=deps.settings.email_token_hours)
        )
        effects.enqueue(*verification_mail(deps, user, raw))


async def request_password_reset(deps: Deps, email: str) -> None:
    """Hands the whole lookup to a job, so the answer is the same (and as fast) for any email."""
    await deps.jobs.enqueue("send_password_reset", email)


async def reset_password(deps: Deps, raw: str, new_password: str) -> None:
    password_hash = await deps.auth.hasher.hash(new_password)
    async with atomic(deps):
        row = await _consume(raw, TokenPurpose.RESET_PASSWORD)
        user_id = row.user_id
        await User.filter(id=user_id).update(password_hash=password_hash)
        await revoke_sessions(user_id, "password_reset")
        # A reset also proves the address: the link arrived there.
        await User.filter(id=user_id, email_verified_at=None).update(email_verified_at=utcnow())


# --- two-factor set-up ---------------------------------------------------------------------


async def mfa_setup(user: User) -> MfaSetupOut:
    if user.mfa_enabled:
        raise Conflict("Two-factor sign-in is already on; turn it off first")
    secret = totp.new_secret()
    await User.filter(id=user.id).update(mfa_pending_secret=secret)
    return MfaSetupOut(secret=secret, otpauth_uri=totp.provisioning_uri(secret, user.email))


async def mfa_enable(user: User, code: str) -> None:
    if user.mfa_enabled:
        raise Conflict("Two-factor sign-in is already on")
    if not user.mfa_pending_secret:
        raise Conflict("Start with POST /auth/mfa/setup")
    if not await _accept_totp(user, user.mfa_pending_secret, code):
        raise Invalid(
            "The code does not match", details=[{"field": "code", "message": "wrong code"}]
        )
    await User.filter(id=user.id).update(
        mfa_enabled=True, mfa_secret=user.mfa_pending_secret, mfa_pending_secret=None
    )


async def mfa_disable(deps: Deps, user: User, password: str, code: str) -> None:
    if not user.mfa_enabled:
        raise Conflict("Two-factor sign-in is not on")
    if not await deps.auth.hasher.verify(password, user.password_hash):
        raise Unauthorized("Incorrect password")
    if not await _accept_totp(user, user.mfa_secret, code):
        raise Invalid(
            "The code does not match", details=[{"field": "code", "message": "wrong code"}]
        )
    await User.filter(id=user.id).update(mfa_enabled=False, mfa_secret=None, mfa_last_step=None)
