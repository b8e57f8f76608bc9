"""TOTP two-factor sign-in with real codes."""

from __future__ import annotations

import time

import pyotp

from lms_rt.users.models import User
from tests.factories import DEFAULT_PASSWORD, bearer, create_user, login


async def _enable_mfa(client, user) -> tuple[str, dict]:
    tokens = await login(client, user.email)
    headers = bearer(tokens["access_token"])
    setup = await client.post("/api/v1/auth/mfa/setup", headers=headers)
    assert setup.status == 200
    body = await setup.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert "issuer=lms_rt" in body["otpauth_uri"]
    wrong = await client.post("/api/v1/auth/mfa/enable", json={"code": "000000"}, headers=headers)
    assert wrong.status == 422
    code = pyotp.TOTP(body["secret"]).now()
    enabled = await client.post("/api/v1/auth/mfa/enable", json={"code": code}, headers=headers)
    assert enabled.status == 204
    return body["secret"], headers


async def test_mfa_login_needs_a_fresh_code(client):
    user = await create_user(client)
    secret, _ = await _enable_mfa(client, user)
    assert (await User.get(id=user.id)).mfa_enabled
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 200
    challenge = await response.json()
    assert challenge["mfa_required"] is True and "access_token" not in challenge
    # The challenge is not an access token.
    assert (
        await client.get("/api/v1/users/me", headers=bearer(challenge["challenge_token"]))
    ).status == 401
    bad = await client.post(
        "/api/v1/auth/mfa/verify",
        json={"challenge_token": challenge["challenge_token"], "code": "123456"},
    )
    assert bad.status == 401
    # The code used to enable is spent; the next time step's code works once.
    totp = pyotp.TOTP(secret)
    next_code = totp.at(time.time() + totp.interval)
    ok = await client.post(
        "/api/v1/auth/mfa/verify",
        json={"challenge_token": challenge["challenge_token"], "code": next_code},
    )
    assert ok.status == 200
    tokens = await ok.json()
    assert (
        await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    ).status == 200
    replay = await client.post(
        "/api/v1/auth/mfa/verify",
        json={"challenge_token": challenge["challenge_token"], "code": next_code},
    )
    assert replay.status == 401


async def test_oauth_form_refuses_mfa_accounts(client):
    user = await create_user(client)
    await _enable_mfa(client, user)
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 401


async def test_disable_needs_password_and_code(client):
    user = await create_user(client)
    secret, headers = await _enable_mfa(client, user)
    totp = pyotp.TOTP(secret)
    code = totp.at(time.time() + totp.interval)
    wrong_password = await client.post(
        "/api/v1/auth/mfa/disable",
        json={"password": "wrong password!", "code": code},
        headers=headers,
    )
    assert wrong_password.status == 401
    assert (await User.get(id=user.id)).mfa_enabled
    disabled = await client.post(
        "/api/v1/auth/mfa/disable",
        json={"password": DEFAULT_PASSWORD, "code": code},
        headers=headers,
    )
    assert disabled.status == 204
    assert not (await User.get(id=user.id)).mfa_enabled
    plain = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert "access_token" in await plain.json()


async def test_setup_twice_once_enabled_is_409(client):
    user = await create_user(client)
    _, headers = await _enable_mfa(client, user)
    assert (await client.post("/api/v1/auth/mfa/setup", headers=headers)).status == 409
