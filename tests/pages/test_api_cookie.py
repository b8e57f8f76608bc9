"""The API with the pages' session cookie: reads as the user; writes need the session's CSRF
token and an allowed origin (DESIGN §7), otherwise 403 and nothing changes."""

from __future__ import annotations

import pytest

from lms_rt.auth.models import AuthSession
from lms_rt.users.models import User
from tests.factories import bearer, create_user, login
from tests.pages.helpers import own_origin, session_cookie_value, sign_in, status_with_cookie


async def _name(user) -> str:
    return (await User.get(id=user.id)).full_name


async def test_the_cookie_authorises_reads(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    response = await client.get("/api/v1/users/me")
    assert response.status == 200
    assert (await response.json())["id"] == str(user.id)
    sessions = await (await client.get("/api/v1/auth/sessions")).json()
    assert [s["current"] for s in sessions] == [True]


async def test_without_credentials_it_is_401(client):
    assert (await client.get("/api/v1/users/me")).status == 401


@pytest.mark.parametrize(
    "case",
    ["no_token", "wrong_token", "foreign_origin", "no_origin", "null_origin", "foreign_referer"],
)
async def test_writes_without_the_token_or_from_elsewhere_are_403_and_change_nothing(client, case):
    user = await create_user(client, full_name="Before")
    csrf = await sign_in(client, user.email)
    origin = own_origin(client)
    headers = {
        "no_token": {"Origin": origin},
        "wrong_token": {"Origin": origin, "X-CSRF-Token": csrf[:-2] + "xx"},
        "foreign_origin": {"Origin": "https://evil.example", "X-CSRF-Token": csrf},
        "no_origin": {"X-CSRF-Token": csrf},
        "null_origin": {"Origin": "null", "X-CSRF-Token": csrf},
        "foreign_referer": {"Referer": "https://evil.example/page", "X-CSRF-Token": csrf},
    }[case]
    response = await client.patch("/api/v1/users/me", json={"full_name": "After"}, headers=headers)
    assert response.status == 403
    body = await response.json()
    assert body["error"]["code"] == "forbidden"
    assert await _name(user) == "Before"
    # A POST that would end the session is refused the same way.
    logout = await client.post("/api/v1/auth/logout", headers=headers)
    assert logout.status == 403
    assert await AuthSession.filter(user_id=user.id, revoked_at=None).count() == 1


async def test_writes_with_the_token_from_this_site_work(client):
    user = await create_user(client, full_name="Before")
    csrf = await sign_in(client, user.email)
    response = await client.patch(
        "/api/v1/users/me",
        json={"full_name": "After"},
        headers={"Origin": own_origin(client), "X-CSRF-Token": csrf},
    )
    assert response.status == 200, await response.text()
    assert await _name(user) == "After"
    # The Referer's origin stands in for a missing Origin.
    response = await client.patch(
        "/api/v1/users/me",
        json={"full_name": "Again"},
        headers={"Referer": own_origin(client) + "/my-learning", "X-CSRF-Token": csrf},
    )
    assert response.status == 200
    assert await _name(user) == "Again"


async def test_configured_cors_origins_and_the_base_url_are_allowed(make_client):
    client = await make_client(
        cors_origins=["https://app.example"], base_url="https://lms.example/base"
    )
    user = await create_user(client)
    csrf = await sign_in(client, user.email)
    for origin in ("https://app.example", "https://lms.example"):
        response = await client.patch(
            "/api/v1/users/me",
            json={"full_name": origin},
            headers={"Origin": origin, "X-CSRF-Token": csrf},
        )
        assert response.status == 200, origin
    response = await client.patch(
        "/api/v1/users/me",
        json={"full_name": "x"},
        headers={"Origin": "https://lms.example.evil.example", "X-CSRF-Token": csrf},
    )
    assert response.status == 403


async def test_api_logout_by_cookie_ends_that_session(client):
    user = await create_user(client)
    csrf = await sign_in(client, user.email)
    value = session_cookie_value(client)
    response = await client.post(
        "/api/v1/auth/logout", headers={"Origin": own_origin(client), "X-CSRF-Token": csrf}
    )
    assert response.status == 204
    assert await status_with_cookie(client, "/api/v1/users/me", value) == 401


async def test_a_revoked_expired_or_forged_cookie_is_refused(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    value = session_cookie_value(client)
    session_id, _, mac = value.partition(".")
    forged = f"{session_id}.{'A' * len(mac)}"
    assert await status_with_cookie(client, "/api/v1/users/me", forged) == 401
    assert await status_with_cookie(client, "/api/v1/users/me", session_id) == 401
    # Expired.
    session = await AuthSession.get(id=session_id)
    await AuthSession.filter(id=session_id).update(expires_at=session.created_at)
    assert await status_with_cookie(client, "/api/v1/users/me", value) == 401
    await AuthSession.filter(id=session_id).update(expires_at=session.expires_at)
    assert await status_with_cookie(client, "/api/v1/users/me", value) == 200
    # Every session ended from another device ("sign out everywhere").
    tokens = await login(client, user.email)
    ended = await client.post("/api/v1/auth/logout-all", headers=bearer(tokens["access_token"]))
    assert ended.status == 204
    assert await status_with_cookie(client, "/api/v1/users/me", value) == 401


async def test_a_deactivated_users_cookie_is_refused(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    await User.filter(id=user.id).update(is_active=False)
    assert (await client.get("/api/v1/users/me")).status == 401


async def test_a_bearer_token_wins_over_the_cookie(client):
    cookie_user = await create_user(client)
    await sign_in(client, cookie_user.email)
    token_user = await create_user(client, full_name="Token User")
    tokens = await login(client, token_user.email)
    me = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert (await me.json())["id"] == str(token_user.id)
    # Bearer requests need no CSRF token: a page elsewhere cannot make a browser send one.
    response = await client.patch(
        "/api/v1/users/me", json={"full_name": "Changed"}, headers=bearer(tokens["access_token"])
    )
    assert response.status == 200
    assert await _name(token_user) == "Changed"


async def test_public_endpoints_ignore_a_stale_cookie(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    value = session_cookie_value(client)
    tokens = await login(client, user.email)
    await client.post("/api/v1/auth/logout-all", headers=bearer(tokens["access_token"]))
    assert await status_with_cookie(client, "/api/v1/courses", value) == 200
