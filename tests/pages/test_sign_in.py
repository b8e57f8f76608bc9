"""The sign-in and sign-out forms: the cookie, its flags, CSRF on the forms, throttling, MFA."""

from __future__ import annotations

import aiohttp
import pyotp

from lms_rt.auth.cookies import PRESESSION_COOKIE, SESSION_COOKIE
from lms_rt.auth.models import AuthSession, RefreshToken
from lms_rt.users.models import User
from tests.factories import DEFAULT_PASSWORD, create_user, login
from tests.pages.helpers import (
    form_token,
    post_sign_in,
    same_site,
    session_cookie_value,
    set_cookies,
    sign_in,
    status_with_cookie,
)


async def test_sign_in_sets_an_httponly_lax_cookie_naming_a_new_session(client):
    user = await create_user(client)
    page = await client.get("/sign-in")
    assert page.status == 200
    html = await page.text()
    for label in ('<label for="email">', '<label for="password">'):
        assert label in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # The form's token is bound to a pre-session cookie, scoped to the form.
    pre = set_cookies(page)[PRESESSION_COOKIE][PRESESSION_COOKIE]
    assert pre["httponly"] and pre["samesite"] == "Lax" and pre["path"] == "/sign-in"

    response = await post_sign_in(client, user.email, next="/my-learning")
    assert response.status == 303
    assert response.headers["Location"] == "/my-learning"
    cookie = set_cookies(response)[SESSION_COOKIE][SESSION_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # not production: tests and development run on plain http
    assert 29 * 86400 < int(cookie["max-age"]) <= 30 * 86400
    # The same session row as the API login makes; the cookie names it, signed.
    [session] = await AuthSession.filter(user_id=user.id)
    assert session.revoked_at is None
    assert cookie.value.startswith(f"{session.id}.")
    assert cookie.value.count(".") == 1, "a session reference, not a JWT"
    assert await RefreshToken.filter(session_id=session.id).count() == 1
    assert (await User.get(id=user.id)).last_login_at is not None


async def test_in_production_the_cookies_are_secure(make_client):
    client = await make_client(env="production")
    user = await create_user(client)
    page = await client.get("/sign-in")
    pre = set_cookies(page)[PRESESSION_COOKIE][PRESESSION_COOKIE]
    assert pre["secure"] is True
    # This test speaks plain http, where a browser would not send a Secure cookie back: the
    # cookie goes by hand, as a browser would send it over https.
    token = (await page.text()).split('name="csrf_token" value="')[1].split('"')[0]
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser,
        browser.post(
            client.make_url("/sign-in"),
            data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
            headers={**same_site(client), "Cookie": f"{PRESESSION_COOKIE}={pre.value}"},
            allow_redirects=False,
        ) as response,
    ):
        assert response.status == 303
        cookie = set_cookies(response)[SESSION_COOKIE][SESSION_COOKIE]
    assert cookie["secure"] is True and cookie["httponly"] is True
    assert page.headers["Strict-Transport-Security"]


async def test_wrong_password_is_the_form_again_with_401_and_sets_nothing(client):
    user = await create_user(client)
    response = await post_sign_in(client, user.email, password="not the password")
    assert response.status == 401
    html = await response.text()
    assert "Incorrect email or password." in html
    assert f'value="{user.email}"' in html
    assert "Set-Cookie" not in response.headers
    assert await AuthSession.all().count() == 0
    unknown = await post_sign_in(client, "nobody@example.org")
    assert unknown.status == 401 and "Set-Cookie" not in unknown.headers
    assert (await client.get("/my-learning", allow_redirects=False)).status == 303


async def test_sign_in_form_refuses_a_missing_or_foreign_csrf_token(client):
    user = await create_user(client)
    await form_token(client)
    no_token = await client.post(
        "/sign-in",
        data={"email": user.email, "password": DEFAULT_PASSWORD},
        headers=same_site(client),
        allow_redirects=False,
    )
    assert no_token.status == 403
    token = await form_token(client)
    foreign = await client.post(
        "/sign-in",
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert foreign.status == 403
    assert SESSION_COOKIE not in set_cookies(foreign)
    assert await AuthSession.all().count() == 0


async def test_failed_sign_ins_are_throttled_with_the_api_login(make_client):
    client = await make_client(login_failures_per_account="2/15minute")
    user = await create_user(client)
    for _ in range(2):
        assert (await post_sign_in(client, user.email, password="wrong")).status == 401
    throttled = await post_sign_in(client, user.email)
    assert throttled.status == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in await throttled.text()
    assert SESSION_COOKIE not in set_cookies(throttled)
    # One budget for the form and the API.
    api = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert api.status == 429


async def test_an_api_login_failure_counts_against_the_form_too(make_client):
    client = await make_client(login_failures_per_account="1/15minute")
    user = await create_user(client)
    api = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong"})
    assert api.status == 401
    assert (await post_sign_in(client, user.email)).status == 429


async def test_two_factor_accounts_sign_in_with_a_code_step(client):
    secret = pyotp.random_base32()
    user = await create_user(client, mfa_enabled=True, mfa_secret=secret)
    step = await post_sign_in(client, user.email)
    assert step.status == 200
    html = await step.text()
    assert '<label for="code">' in html and 'name="challenge_token"' in html
    assert await AuthSession.all().count() == 0
    token = await form_token(client)
    challenge = html.split('name="challenge_token" value="')[1].split('"')[0]
    wrong = await client.post(
        "/sign-in",
        data={"csrf_token": token, "challenge_token": challenge, "code": "000000"},
        headers=same_site(client),
        allow_redirects=False,
    )
    assert wrong.status == 401 and SESSION_COOKIE not in set_cookies(wrong)
    totp = pyotp.TOTP(secret)
    ok = await client.post(
        "/sign-in",
        data={"csrf_token": token, "challenge_token": challenge, "code": totp.now()},
        headers=same_site(client),
        allow_redirects=False,
    )
    assert ok.status == 303, await ok.text()
    assert SESSION_COOKIE in set_cookies(ok)
    assert (await client.get("/api/v1/users/me")).status == 200


async def test_next_only_leads_to_this_site(client):
    user = await create_user(client)
    for target, expected in [
        ("/my-learning?tab=1", "/my-learning?tab=1"),
        ("//evil.example/x", "/my-learning"),
        ("https://evil.example/", "/my-learning"),
        ("/\\evil.example", "/my-learning"),
    ]:
        client.session.cookie_jar.clear()
        response = await post_sign_in(client, user.email, next=target)
        assert response.headers["Location"] == expected
    # Signed in already: the form sends you on.
    again = await client.get("/sign-in?next=/my-learning", allow_redirects=False)
    assert again.status == 303 and again.headers["Location"] == "/my-learning"


async def test_signing_in_again_ends_the_session_it_replaces(client):
    user = await create_user(client)
    token = await form_token(client)
    presession = _jar_value(client, PRESESSION_COOKIE)
    await sign_in(client, user.email)
    first = session_cookie_value(client)
    # A second sign-in in the same browser, from a form opened before the first.
    client.session.cookie_jar.update_cookies(
        {PRESESSION_COOKIE: presession}, response_url=client.make_url("/sign-in")
    )
    other = await create_user(client)
    response = await client.post(
        "/sign-in",
        data={"email": other.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        headers=same_site(client),
        allow_redirects=False,
    )
    assert response.status == 303
    assert session_cookie_value(client) != first
    assert await status_with_cookie(client, "/api/v1/users/me", first) == 401
    me = await client.get("/api/v1/users/me")
    assert (await me.json())["id"] == str(other.id)


def _jar_value(client, name: str) -> str:
    for cookie in client.session.cookie_jar:
        if cookie.key == name:
            return cookie.value
    raise AssertionError(f"no {name} cookie")


async def test_sign_out_revokes_the_session_and_clears_the_cookie(client):
    user = await create_user(client)
    csrf = await sign_in(client, user.email)
    value = session_cookie_value(client)
    response = await client.post(
        "/sign-out", data={"csrf_token": csrf}, headers=same_site(client), allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/sign-in"
    cleared = set_cookies(response)[SESSION_COOKIE][SESSION_COOKIE]
    assert cleared.value == "" and cleared["max-age"] == "0"
    [session] = await AuthSession.filter(user_id=user.id)
    assert session.revoked_at is not None and session.revoke_reason == "logout"
    # The same cookie, presented again, is refused.
    assert await status_with_cookie(client, "/api/v1/users/me", value) == 401
    assert await status_with_cookie(client, "/my-learning", value) == 303


async def test_sign_out_needs_the_csrf_token_and_this_origin(client):
    user = await create_user(client)
    csrf = await sign_in(client, user.email)
    for data, headers in [
        ({}, same_site(client)),
        ({"csrf_token": "wrong"}, same_site(client)),
        ({"csrf_token": csrf}, {"Origin": "https://evil.example"}),
        ({"csrf_token": csrf}, {}),
    ]:
        response = await client.post("/sign-out", data=data, headers=headers, allow_redirects=False)
        assert response.status == 403
        assert SESSION_COOKIE not in set_cookies(response)
    [session] = await AuthSession.filter(user_id=user.id)
    assert session.revoked_at is None
    assert (await client.get("/api/v1/users/me")).status == 200


async def test_api_logout_with_a_bearer_token_of_the_same_user_leaves_the_cookie_session(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    tokens = await login(client, user.email)
    response = await client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert response.status == 204
    assert (await client.get("/api/v1/users/me")).status == 200
