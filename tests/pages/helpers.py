"""Signing in through the real form, and reading what the pages hand to scripts."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import aiohttp
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from lms_rt.auth.cookies import SESSION_COOKIE
from tests.factories import DEFAULT_PASSWORD

_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def own_origin(client: TestClient) -> str:
    return str(client.make_url("/")).rstrip("/")


def same_site(client: TestClient) -> dict[str, str]:
    """Headers a browser sends on a request from one of this site's pages."""
    return {"Origin": own_origin(client)}


async def form_token(client: TestClient, path: str = "/sign-in") -> str:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    match = _FORM_TOKEN.search(await response.text())
    assert match, "no csrf_token field"
    return match.group(1)


async def post_sign_in(
    client: TestClient, email: str, password: str = DEFAULT_PASSWORD, **fields: str
) -> ClientResponse:
    token = await form_token(client)
    data = {"email": email, "password": password, "csrf_token": token, **fields}
    return await client.post(
        "/sign-in", data=data, headers=same_site(client), allow_redirects=False
    )


async def sign_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Signs the client's cookie jar in; returns the session's CSRF token from the page."""
    response = await post_sign_in(client, email, password)
    assert response.status == 303, await response.text()
    return await page_csrf_token(client)


async def page_csrf_token(client: TestClient) -> str:
    response = await client.get("/my-learning", allow_redirects=False)
    assert response.status == 200, await response.text()
    match = _META_TOKEN.search(await response.text())
    assert match, "no csrf-token meta tag"
    return match.group(1)


def set_cookies(response: ClientResponse) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header of a response, by cookie name."""
    found: dict[str, SimpleCookie] = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = cookie
    return found


def session_cookie_value(client: TestClient) -> str:
    for cookie in client.session.cookie_jar:
        if cookie.key == SESSION_COOKIE:
            return cookie.value
    raise AssertionError("no session cookie in the jar")


async def status_with_cookie(client: TestClient, path: str, value: str) -> int:
    """GET ``path`` from another browser that holds exactly this session cookie value."""
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser,
        browser.get(
            client.make_url(path),
            headers={"Cookie": f"{SESSION_COOKIE}={value}"},
            allow_redirects=False,
        ) as response,
    ):
        return response.status
