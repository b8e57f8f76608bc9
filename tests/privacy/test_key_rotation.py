"""JWT signing keys rotate: tokens name their key (``kid``); every listed key verifies, one
signs; a token whose key is no longer listed, or was never, is refused (401, socket 4401)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt

from lms_rt.app import create_app
from lms_rt.auth.models import AuthSession
from lms_rt.auth.tokens import ALGORITHM
from tests.conftest import TEST_SECRET
from tests.factories import bearer, create_user, login
from tests.harness.ws import WsClient

KEY_A = "key-a-0123456789-0123456789-0123456789"
KEY_B = "key-b-9876543210-9876543210-9876543210"
UNKNOWN_KEY = "token signed with an unknown key"


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def signed(claims: dict, header: dict, secret: str = TEST_SECRET) -> str:
    """An HS256 token with exactly this header (PyJWT refuses to write some of them)."""

    def b64(data: dict) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = f"{b64({'alg': 'HS256', 'typ': 'JWT', **header})}.{b64(claims)}"
    mac = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return f"{head}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


async def restart(aiohttp_client, make_settings, **settings):
    """The next deploy: a new server on the same database with other settings."""
    return await aiohttp_client(create_app(make_settings(**settings)))


async def me(client, token: str):
    return await client.get("/api/v1/users/me", headers=bearer(token))


async def refresh(client, token: str):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_tokens_of_a_retired_key_verify_while_it_is_listed(
    make_client, make_settings, aiohttp_client
):
    first = await make_client(jwt_keys={"a": KEY_A})
    user = await create_user(first)
    kept = await login(first, user.email)
    rotated = await login(first, user.email)
    assert {kid(kept["access_token"]), kid(kept["refresh_token"])} == {"a"}
    await first.close()

    # B signs; A still verifies.
    second = await restart(
        aiohttp_client, make_settings, jwt_keys={"a": KEY_A, "b": KEY_B}, jwt_signing_key_id="b"
    )
    assert (await me(second, kept["access_token"])).status == 200
    response = await refresh(second, rotated["refresh_token"])
    assert response.status == 200, await response.text()
    under_b = await response.json()
    assert {kid(under_b["access_token"]), kid(under_b["refresh_token"])} == {"b"}
    assert (await me(second, under_b["access_token"])).status == 200
    await second.close()

    # A is dropped: its access and refresh tokens are refused; B's keep working.
    third = await restart(aiohttp_client, make_settings, jwt_keys={"b": KEY_B})
    refused = await me(third, kept["access_token"])
    assert refused.status == 401
    assert (await refused.json())["error"]["message"] == UNKNOWN_KEY
    refused = await refresh(third, kept["refresh_token"])
    assert refused.status == 401
    assert (await refused.json())["error"]["message"] == UNKNOWN_KEY
    # Refused for its key, not taken for a reused token: the session was not ended.
    session_id = jwt.decode(kept["access_token"], options={"verify_signature": False})["sid"]
    assert await AuthSession.filter(id=session_id, revoked_at=None).exists()
    assert (await me(third, under_b["access_token"])).status == 200
    assert (await refresh(third, under_b["refresh_token"])).status == 200


async def test_a_token_naming_an_unknown_key_is_refused_over_rest_and_the_socket(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    # Signed with the right secret, but naming a key the server does not list.
    for header in ({"kid": "retired"}, {"kid": 7}, {"kid": None}):
        forged = signed(claims, header)
        response = await me(client, forged)
        assert response.status == 401
        ws = await WsClient.connect(client)
        await ws.send({"op": "auth", "token": forged})
        assert await ws.closed_with() == 4401
    assert (await me(client, signed(claims, {"kid": "default"}))).status == 200
    forged = signed(claims, {"kid": "retired"})
    assert (await (await me(client, forged)).json())["error"]["message"] == UNKNOWN_KEY
    refresh_claims = jwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    refused = await refresh(client, signed(refresh_claims, {"kid": "retired"}))
    assert refused.status == 401
    assert (await refused.json())["error"]["message"] == UNKNOWN_KEY
    assert (await refresh(client, tokens["refresh_token"])).status == 200


async def test_the_single_secret_setting_is_the_default_key(
    make_client, make_settings, aiohttp_client
):
    client = await make_client()
    user = await create_user(client)
    tokens = await login(client, user.email)
    assert kid(tokens["access_token"]) == "default"
    # Tokens made before tokens carried a kid are checked with the default key.
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    legacy = jwt.encode(claims, TEST_SECRET, algorithm=ALGORITHM)
    assert "kid" not in jwt.get_unverified_header(legacy)
    assert (await me(client, legacy)).status == 200
    await client.close()

    # Rotating away from it: list it as "default" while its tokens live, then drop it.
    second = await restart(
        aiohttp_client,
        make_settings,
        jwt_keys={"default": TEST_SECRET, "b": KEY_B},
        jwt_signing_key_id="b",
    )
    assert (await me(second, legacy)).status == 200
    assert (await me(second, tokens["access_token"])).status == 200
    await second.close()
    third = await restart(aiohttp_client, make_settings, jwt_keys={"b": KEY_B})
    assert (await me(third, legacy)).status == 401
    assert (await me(third, tokens["access_token"])).status == 401
