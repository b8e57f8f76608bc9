"""Sign-up, sign-in, refresh rotation, sessions, email verification and password reset."""

from __future__ import annotations

import asyncio
import email
import re
from email import policy

import pytest

from lms_rt import keys
from lms_rt.auth.models import AuthSession, RefreshToken
from lms_rt.users.models import Role, User
from tests.factories import DEFAULT_PASSWORD, bearer, create_user, login

REGISTER = {"email": "Mona@Example.org", "password": "a long secret", "full_name": "Mona"}


async def drain_jobs(client) -> None:
    """Wait for the in-process runner's jobs, and the jobs they enqueue."""
    await client.app[keys.JOBS].drain()


def outbox(client) -> list[email.message.EmailMessage]:
    folder = client.app[keys.SETTINGS].outbox_dir
    return (
        [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)
        ]
        if folder.exists()
        else []
    )


def link_token(message: email.message.EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"token=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
async def inline(make_client):
    """An app whose jobs run in-process, so mail lands in the outbox during the test."""
    return await make_client(redis_url="")


# --- register ------------------------------------------------------------------------------


async def test_register_makes_a_student_with_tokens_and_mails_a_link(inline):
    response = await inline.post("/api/v1/auth/register", json=REGISTER)
    assert response.status == 201
    body = await response.json()
    assert body["user"]["email"] == "mona@example.org"
    assert body["user"]["role"] == "student"
    assert body["user"]["email_verified"] is False
    assert "password" not in str(body["user"])
    me = await inline.get("/api/v1/users/me", headers=bearer(body["tokens"]["access_token"]))
    assert (await me.json())["id"] == body["user"]["id"]
    await drain_jobs(inline)
    [message] = outbox(inline)
    assert message["To"] == "mona@example.org"
    token = link_token(message)
    verified = await inline.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status == 200 and (await verified.json())["email_verified"] is True
    again = await inline.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status == 400


@pytest.mark.parametrize("role", ["admin", "instructor", "student"])
async def test_register_refuses_any_role_field(client, role):
    response = await client.post("/api/v1/auth/register", json={**REGISTER, "role": role})
    assert response.status == 422
    assert [d["field"] for d in (await response.json())["error"]["details"]] == ["role"]
    assert await User.all().count() == 0


async def test_register_duplicate_email_any_case_is_409(client):
    assert (await client.post("/api/v1/auth/register", json=REGISTER)).status == 201
    again = await client.post(
        "/api/v1/auth/register", json={**REGISTER, "email": "MONA@example.ORG"}
    )
    assert again.status == 409
    assert await User.all().count() == 1


async def test_concurrent_registrations_create_one_account(client):
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/register", json=REGISTER) for _ in range(4))
    )
    assert sorted(r.status for r in responses) == [201, 409, 409, 409]
    assert await User.all().count() == 1


@pytest.mark.parametrize(
    ("password", "field"),
    [("short", "password"), ("x" * 129, "password")],
)
async def test_register_password_length_rules(client, password, field):
    response = await client.post("/api/v1/auth/register", json={**REGISTER, "password": password})
    assert response.status == 422
    assert (await response.json())["error"]["details"][0]["field"] == field


async def test_long_and_non_ascii_passwords_never_truncate(client):
    base = "é" * 40  # 80 bytes: past bcrypt's 72-byte limit
    await create_user(client, email="long@example.org", password=base + "A")
    assert (
        await client.post(
            "/api/v1/auth/login", json={"email": "long@example.org", "password": base + "A"}
        )
    ).status == 200
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "long@example.org", "password": base + "B"}
    )
    assert wrong.status == 401
    emoji = "🔑" * 32  # 128 characters of 4 bytes each
    await create_user(client, email="emoji@example.org", password=emoji)
    assert (
        await client.post(
            "/api/v1/auth/login", json={"email": "emoji@example.org", "password": emoji}
        )
    ).status == 200


# --- login ---------------------------------------------------------------------------------


async def test_unknown_email_and_wrong_password_look_the_same(client):
    await create_user(client, email="known@example.org")
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.org", "password": "whatever1234"}
    )
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "known@example.org", "password": "whatever1234"}
    )
    assert unknown.status == wrong.status == 401
    assert await unknown.json() == await wrong.json()


async def test_deactivated_account_cannot_sign_in(client):
    user = await create_user(client, is_active=False)
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 401


async def test_login_records_last_login(client):
    user = await create_user(client)
    assert user.last_login_at is None
    await login(client, user.email)
    assert (await User.get(id=user.id)).last_login_at is not None


async def test_oauth_password_form_gives_an_access_token(client):
    user = await create_user(client, role=Role.INSTRUCTOR)
    response = await client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": user.email.upper(),
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.status == 200
    body = await response.json()
    assert body["token_type"] == "bearer"
    me = await client.get("/api/v1/users/me", headers=bearer(body["access_token"]))
    assert (await me.json())["role"] == "instructor"


async def test_failed_logins_are_throttled_per_account(make_client):
    client = await make_client(login_failures_per_account="3/15minute")
    user = await create_user(client)
    bad = {"email": user.email, "password": "not the password"}
    statuses = []
    for i in range(5):
        response = await client.post(
            "/api/v1/auth/login", json=bad, headers={"X-Forwarded-For": f"198.51.100.{i}"}
        )
        statuses.append(response.status)
    assert statuses == [401, 401, 401, 429, 429]
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password waits until the window passes.
    right = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert right.status == 429


async def test_failed_logins_are_throttled_per_ip_despite_rotating_forwarded_for(make_client):
    client = await make_client(login_failures_per_ip="4/15minute")
    statuses = []
    for i in range(6):
        response = await client.post(
            "/api/v1/auth/login",
            json={"email": f"guess{i}@example.org", "password": "not the password"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        statuses.append(response.status)
    assert statuses == [401, 401, 401, 401, 429, 429]


# --- refresh, logout, sessions -------------------------------------------------------------


async def test_refresh_rotates_and_the_old_token_dies(client):
    user = await create_user(client)
    first = await login(client, user.email)
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert response.status == 200
    second = await response.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = await client.get("/api/v1/users/me", headers=bearer(second["access_token"]))
    assert me.status == 200
    rows = await RefreshToken.all().order_by("created_at")
    assert rows[0].revoked_at is not None and rows[0].replaced_by == rows[1].id


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client):
    user = await create_user(client)
    first = await login(client, user.email)
    second = await (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reuse.status == 401
    # The thief's replay also killed the legitimate newest pair.
    assert (
        await client.get("/api/v1/users/me", headers=bearer(second["access_token"]))
    ).status == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    ).status == 401
    session = await AuthSession.get(user_id=user.id)
    assert session.revoke_reason == "refresh_reuse"


async def test_parallel_refresh_with_one_token_exactly_one_succeeds(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(5)
        )
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [200, 401, 401, 401, 401]
    # Strict: the losers' reuse ended the family, the winner's new pair included.
    [winner] = [await r.json() for r in responses if r.status == 200]
    assert (
        await client.get("/api/v1/users/me", headers=bearer(winner["access_token"]))
    ).status == 401


async def test_refresh_rejects_access_tokens_and_garbage(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    for bad in (tokens["access_token"], "garbage", tokens["refresh_token"] + "x"):
        response = await client.post("/api/v1/auth/refresh", json={"refresh_token": bad})
        assert response.status == 401


async def test_logout_denies_the_current_access_token_and_refresh(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    other = await login(client, user.email)
    headers = bearer(tokens["access_token"])
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status == 204
    assert (await client.get("/api/v1/users/me", headers=headers)).status == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).status == 401
    # Another session of the same user is untouched.
    assert (
        await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))
    ).status == 200


async def test_logout_all_ends_every_session(client):
    user = await create_user(client)
    sessions = [await login(client, user.email) for _ in range(3)]
    assert (
        await client.post("/api/v1/auth/logout-all", headers=bearer(sessions[0]["access_token"]))
    ).status == 204
    for tokens in sessions:
        assert (
            await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
        ).status == 401


async def test_sessions_list_and_end_one(client):
    user = await create_user(client)
    mine = await login(client, user.email)
    phone = await client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": DEFAULT_PASSWORD},
        headers={"User-Agent": "PhoneBrowser/1.0"},
    )
    phone_tokens = await phone.json()
    listed = await (
        await client.get("/api/v1/auth/sessions", headers=bearer(mine["access_token"]))
    ).json()
    assert len(listed) == 2
    assert sum(s["current"] for s in listed) == 1
    phone_session = next(s for s in listed if s["user_agent"] == "PhoneBrowser/1.0")
    ended = await client.delete(
        f"/api/v1/auth/sessions/{phone_session['id']}", headers=bearer(mine["access_token"])
    )
    assert ended.status == 204
    assert (
        await client.get("/api/v1/users/me", headers=bearer(phone_tokens["access_token"]))
    ).status == 401
    again = await client.delete(
        f"/api/v1/auth/sessions/{phone_session['id']}", headers=bearer(mine["access_token"])
    )
    assert again.status == 404


# --- password reset ------------------------------------------------------------------------


async def test_forgot_password_is_202_for_known_and_unknown_emails(inline):
    user = await create_user(inline, email="reset@example.org")
    known = await inline.post("/api/v1/auth/forgot-password", json={"email": user.email})
    unknown = await inline.post("/api/v1/auth/forgot-password", json={"email": "ghost@example.org"})
    assert known.status == unknown.status == 202
    assert await known.json() == await unknown.json()
    await drain_jobs(inline)
    messages = outbox(inline)
    assert [m["To"] for m in messages] == ["reset@example.org"]


async def test_reset_password_sets_it_and_ends_every_session(inline):
    user = await create_user(inline, email="reset@example.org")
    before = await login(inline, user.email)
    await inline.post("/api/v1/auth/forgot-password", json={"email": user.email})
    await drain_jobs(inline)
    token = link_token(outbox(inline)[0])
    new_password = "a brand new passphrase"
    response = await inline.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": new_password}
    )
    assert response.status == 204
    assert (
        await inline.get("/api/v1/users/me", headers=bearer(before["access_token"]))
    ).status == 401
    await login(inline, user.email, new_password)
    old = await inline.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert old.status == 401
    reused = await inline.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": "yet another one!"}
    )
    assert reused.status == 400


async def test_reset_with_unknown_token_changes_nothing(client):
    response = await client.post(
        "/api/v1/auth/reset-password",
        json={"token": "not-a-real-token", "new_password": "long enough pass"},
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_request"


async def test_deactivation_stops_access_tokens_at_once(client):
    admin = await create_user(client, role=Role.ADMIN)
    student = await create_user(client)
    admin_tokens = await login(client, admin.email)
    student_tokens = await login(client, student.email)
    headers = bearer(student_tokens["access_token"])
    assert (await client.get("/api/v1/users/me", headers=headers)).status == 200
    await User.filter(id=student.id).update(is_active=False)
    assert (await client.get("/api/v1/users/me", headers=headers)).status == 401
    admin_me = await client.get("/api/v1/users/me", headers=bearer(admin_tokens["access_token"]))
    assert admin_me.status == 200
