"""/ws opened with the pages' session cookie: authenticated at the upgrade, no auth frame;
the session's end closes it with 4401, as for tokens."""

from __future__ import annotations

import aiohttp
import pytest

from lms_rt import keys
from lms_rt.auth.models import AuthSession
from tests.factories import bearer, create_user, login
from tests.harness.ws import WsClient
from tests.pages.helpers import own_origin, same_site, session_cookie_value, sign_in


async def test_a_socket_opened_with_the_cookie_is_authenticated_without_an_auth_frame(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    ws = await WsClient.connect(client, headers=same_site(client))
    authed = await ws.expect("authed")
    assert authed["user_id"] == str(user.id)
    ack = await ws.sub(f"user:{user.id}")
    assert ack["op"] == "ack"
    await client.app[keys.BUS].publish(f"user:{user.id}", "note", {"n": 1})
    [event] = await ws.events(1)
    assert event["data"] == {"n": 1}
    # Another user's channel is still refused.
    other = await create_user(client)
    assert (await ws.sub(f"user:{other.id}"))["code"] == "forbidden"
    await ws.close()


async def test_sign_out_closes_the_cookies_socket_with_4401(client):
    user = await create_user(client)
    csrf = await sign_in(client, user.email)
    ws = await WsClient.connect(client, headers=same_site(client))
    await ws.expect("authed")
    # A token socket of another session of the same user stays open.
    tokens = await login(client, user.email)
    async with aiohttp.ClientSession() as other_browser:
        token_ws = await WsClient.connect(other_browser, str(client.make_url("/ws")))
        await token_ws.auth(tokens["access_token"])
        response = await client.post(
            "/sign-out", data={"csrf_token": csrf}, headers=same_site(client), allow_redirects=False
        )
        assert response.status == 303
        assert await ws.closed_with() == 4401
        await token_ws.send({"op": "ping"})
        assert (await token_ws.expect("pong"))["op"] == "pong"
        await token_ws.close()


async def test_api_logout_all_closes_the_cookies_socket(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    ws = await WsClient.connect(client)
    await ws.expect("authed")
    tokens = await login(client, user.email)
    await client.post("/api/v1/auth/logout-all", headers=bearer(tokens["access_token"]))
    assert await ws.closed_with() == 4401


async def test_a_revoked_cookie_does_not_authenticate_and_the_token_path_still_works(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    value = session_cookie_value(client)
    await AuthSession.filter(id=value.split(".")[0]).update(revoked_at=user.created_at)
    ws = await WsClient.connect(client)
    await ws.send({"op": "sub", "id": 1, "channel": f"user:{user.id}"})
    assert await ws.closed_with() == 4401
    tokens = await login(client, user.email)
    ws = await WsClient.connect(client)
    assert (await ws.auth(tokens["access_token"]))["user_id"] == str(user.id)
    await ws.close()


async def test_a_foreign_origin_cannot_open_a_socket_with_the_cookie(client):
    user = await create_user(client)
    await sign_in(client, user.email)
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    ws = await WsClient.connect(client, headers={"Origin": own_origin(client)})
    await ws.expect("authed")
    await ws.close()


async def test_the_cookie_sockets_count_against_the_per_user_cap(make_client):
    client = await make_client(ws_max_connections_per_user=1)
    user = await create_user(client)
    await sign_in(client, user.email)
    first = await WsClient.connect(client)
    await first.expect("authed")
    second = await WsClient.connect(client)
    assert await second.closed_with() == 4429
    await first.close()
