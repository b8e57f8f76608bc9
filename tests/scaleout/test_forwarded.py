"""Behind a TLS-terminating proxy: the forwarded scheme and host, believed only from it."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from lms_rt.app import create_app
from tests.factories import create_user, login
from tests.harness.ws import WsClient

PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "lms.example.org"}


async def _where(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "scheme": request.scheme,
            "host": request.host,
            "secure": request.secure,
            "url": str(request.url),
        }
    )


async def _client_with_probe(make_client, make_settings, trusted_proxies: list[str]):
    """The real app plus one route that shows what handlers see of the request."""
    app = create_app(make_settings(trusted_proxies=trusted_proxies))
    app.router.add_get("/test/where", _where)
    return await make_client(app=app)


async def _seen(client, headers: dict[str, str]) -> dict[str, object]:
    response = await client.get("/test/where", headers=headers)
    assert response.status == 200
    seen: dict[str, object] = await response.json()
    return seen


async def test_a_trusted_proxy_sets_scheme_and_host(make_client, make_settings):
    client = await _client_with_probe(make_client, make_settings, ["127.0.0.1/32"])
    assert await _seen(client, PROXIED) == {
        "scheme": "https",
        "host": "lms.example.org",
        "secure": True,
        "url": "https://lms.example.org/test/where",
    }
    # Only the entry the proxy itself wrote (the last) counts; case does not matter.
    chained = {"X-Forwarded-Proto": "https, HTTP", "X-Forwarded-Host": "a.example, b.example:8443"}
    seen = await _seen(client, chained)
    assert (seen["scheme"], seen["host"]) == ("http", "b.example:8443")
    # Without the headers the request is what arrived.
    direct = await _seen(client, {})
    assert (direct["scheme"], direct["host"]) == ("http", f"{client.host}:{client.port}")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "evil.example/path"},
        {"X-Forwarded-Proto": "", "X-Forwarded-Host": "user@evil.example"},
        {"X-Forwarded-Proto": "https ,", "X-Forwarded-Host": "evil.example, "},
    ],
)
async def test_malformed_forwarded_values_are_ignored(make_client, make_settings, headers):
    client = await _client_with_probe(make_client, make_settings, ["127.0.0.1/32"])
    seen = await _seen(client, headers)
    assert (seen["scheme"], seen["host"]) == ("http", f"{client.host}:{client.port}")


@pytest.mark.parametrize("trusted_proxies", [[], ["10.0.0.0/8"]], ids=["none", "another"])
async def test_forwarded_headers_from_anyone_else_are_ignored(
    make_client, make_settings, trusted_proxies
):
    client = await _client_with_probe(make_client, make_settings, trusted_proxies)
    seen = await _seen(client, PROXIED)
    assert seen == {
        "scheme": "http",
        "host": f"{client.host}:{client.port}",
        "secure": False,
        "url": f"http://{client.host}:{client.port}/test/where",
    }


async def _open_socket(client, origin: str) -> WsClient:
    return await WsClient.connect(client, headers={**PROXIED, "Origin": origin})


async def test_the_websocket_origin_check_uses_the_forwarded_origin(make_client):
    # base_url and LMS_CORS_ORIGINS name neither origin: only the request's own one can match.
    client = await make_client(trusted_proxies=["127.0.0.1/32"])
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    ws = await _open_socket(client, "https://lms.example.org")
    assert (await ws.auth(token))["user_id"] == str(user.id)
    await ws.close()
    # The origin the proxy did not forward is now somebody else's.
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await _open_socket(client, f"http://{client.host}:{client.port}")
    assert refused.value.status == 403


async def test_an_untrusted_peer_cannot_claim_an_origin_by_header(make_client):
    client = await make_client(trusted_proxies=["10.0.0.0/8"])
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await _open_socket(client, "https://lms.example.org")
    assert refused.value.status == 403
    ws = await _open_socket(client, f"http://{client.host}:{client.port}")
    await ws.send({"op": "ping"})
    assert (await ws.expect("pong"))["op"] == "pong"
    await ws.close()
