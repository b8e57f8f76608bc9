"""The /ws gateway in one process: auth, channel policies, faults, resume, presence."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import aiohttp
import pytest

from lms_rt import keys
from lms_rt.auth.tokens import TokenIssuer, TokenType
from lms_rt.realtime.registry import Caller, ChannelName
from lms_rt.realtime.setup import GATEWAY, REALTIME
from lms_rt.users.models import Role
from tests.factories import bearer, create_user, login
from tests.harness.ws import WsClient


async def signed_in_socket(client, role: Role = Role.STUDENT, **kwargs):
    user = await create_user(client, role=role)
    tokens = await login(client, user.email)
    ws = await WsClient.connect(client, **kwargs)
    await ws.auth(tokens["access_token"])
    return user, tokens, ws


async def publish(client, channel: str, type: str = "note", **data) -> int:
    return await client.app[keys.BUS].publish(channel, type, data)


# --- auth and channel policies -----------------------------------------------------------


async def test_own_user_channel_receives_events_in_order(client):
    user, _, ws = await signed_in_socket(client)
    ack = await ws.sub(f"user:{user.id}")
    assert ack["op"] == "ack" and ack["seq"] == 0 and ack["epoch"]
    for i in range(5):
        await publish(client, f"user:{user.id}", n=i)
    events = await ws.events(5)
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert [e["data"]["n"] for e in events] == [0, 1, 2, 3, 4]
    assert all(e["channel"] == f"user:{user.id}" and e["type"] == "note" for e in events)


async def test_profile_update_reaches_the_users_sockets(client):
    user, tokens, ws = await signed_in_socket(client)
    await ws.sub(f"user:{user.id}")
    response = await client.patch(
        "/api/v1/users/me", json={"full_name": "New Name"}, headers=bearer(tokens["access_token"])
    )
    assert response.status == 200
    [event] = await ws.events(1)
    assert event["type"] == "user.updated" and event["data"] == {"changed": ["full_name"]}


async def test_another_users_channel_is_refused_but_the_socket_stays(client):
    _, _, ws = await signed_in_socket(client)
    other = await create_user(client)
    refused = await ws.sub(f"user:{other.id}")
    assert refused == {
        "op": "error",
        "id": 1,
        "code": "forbidden",
        "status": 4403,
        "message": f"you may not follow user:{other.id}",
    }
    for channel in ("course:abc:staff", "nonsense:1", "auth:" + str(other.id)):
        assert (await ws.sub(channel))["code"] == "forbidden"
    pong = await ws.send({"op": "ping"}) or await ws.expect("pong")
    assert isinstance(pong["t"], int)


async def test_admin_cannot_read_another_users_private_channel(client):
    _, _, ws = await signed_in_socket(client, Role.ADMIN)
    other = await create_user(client)
    assert (await ws.sub(f"user:{other.id}"))["status"] == 4403


async def test_frames_before_auth_are_refused(client):
    ws = await WsClient.connect(client)
    await ws.send({"op": "sub", "id": 1, "channel": "user:x"})
    assert await ws.closed_with() == 4401


async def test_no_auth_frame_closes_with_4408(make_client):
    client = await make_client(ws_auth_timeout_seconds=0.3)
    ws = await WsClient.connect(client)
    assert await ws.closed_with() == 4408


@pytest.mark.parametrize("kind", ["garbage", "refresh", "expired", "wrong_key"])
async def test_bad_tokens_close_with_4401(client, settings, kind):
    user = await create_user(client)
    tokens = await login(client, user.email)
    issuer = TokenIssuer(settings)
    token = {
        "garbage": "not-a-jwt",
        "refresh": tokens["refresh_token"],
        "expired": _token_expiring(issuer, tokens, seconds=-60),
        "wrong_key": TokenIssuer(settings.model_copy(update={"secret_key": "k" * 40})).access(
            str(user.id), "s", "student"
        )[0],
    }[kind]
    ws = await WsClient.connect(client)
    await ws.send({"op": "auth", "token": token})
    assert await ws.closed_with() == 4401


def _token_expiring(issuer: TokenIssuer, tokens: dict, seconds: float) -> str:
    claims = issuer.decode(tokens["access_token"], TokenType.ACCESS)
    token, _ = issuer._encode(
        claims.subject,
        TokenType.ACCESS,
        timedelta(seconds=seconds),
        sid=claims.session_id,
        role="student",
    )
    return token


async def test_expired_token_closes_after_grace_unless_refreshed(make_client, settings):
    client = await make_client(ws_reauth_grace_seconds=0.5)
    user = await create_user(client)
    tokens = await login(client, user.email)
    issuer = TokenIssuer(settings)
    short = _token_expiring(issuer, tokens, seconds=1)
    kept = await WsClient.connect(client)
    await kept.auth(short)
    dropped = await WsClient.connect(client)
    await dropped.auth(_token_expiring(issuer, tokens, seconds=1))
    await kept.auth(tokens["access_token"])  # a fresh token in time
    assert await dropped.closed_with(timeout=5) == 4401
    await kept.send({"op": "ping"})
    assert (await kept.expect("pong"))["op"] == "pong"


async def test_logout_closes_the_sessions_sockets(client):
    user, tokens, ws = await signed_in_socket(client)
    other_tokens = await login(client, user.email)
    other = await WsClient.connect(client)
    await other.auth(other_tokens["access_token"])
    response = await client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    assert response.status == 204
    assert await ws.closed_with() == 4401
    await other.send({"op": "ping"})
    assert (await other.expect("pong"))["op"] == "pong"


async def test_deactivation_closes_the_users_sockets(client):
    admin = await create_user(client, role=Role.ADMIN)
    admin_headers = bearer((await login(client, admin.email))["access_token"])
    user, _, ws = await signed_in_socket(client)
    response = await client.delete(f"/api/v1/users/{user.id}", headers=admin_headers)
    assert response.status == 204
    assert await ws.closed_with() == 4401


async def test_connection_cap_per_user(make_client):
    client = await make_client(ws_max_connections_per_user=2)
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    sockets = [await WsClient.connect(client) for _ in range(3)]
    for ws in sockets[:2]:
        await ws.auth(token)
    await sockets[2].send({"op": "auth", "token": token})
    assert await sockets[2].closed_with() == 4429


# --- faults --------------------------------------------------------------------------------


async def test_wrong_origin_is_refused_at_the_handshake(make_client):
    client = await make_client(cors_origins="https://app.example.org")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={"Origin": "https://evil.example.com"})
    assert refused.value.status == 403
    ws = await client.ws_connect("/ws", headers={"Origin": "https://app.example.org"})
    await ws.close()


async def test_unknown_ops_methods_and_bad_json_keep_the_socket(client):
    _, _, ws = await signed_in_socket(client)
    await ws.ws.send_str("{not json")
    assert (await ws.expect("error"))["code"] == "bad_request"
    await ws.send({"op": "dance", "id": 7})
    assert (await ws.expect("error"))["id"] == 7
    reply = await ws.call("no.such.method")
    assert reply["op"] == "error" and reply["code"] == "bad_request"
    await ws.send({"op": "ping"})
    assert (await ws.expect("pong"))["op"] == "pong"


async def test_binary_frame_closes_with_1003(client):
    _, _, ws = await signed_in_socket(client)
    await ws.ws.send_bytes(b"\x00\x01")
    assert await ws.closed_with() == 1003


async def test_oversized_frame_closes_with_1009(make_client):
    client = await make_client(ws_max_frame_bytes=1024)
    _, _, ws = await signed_in_socket(client)
    await ws.ws.send_str('{"op":"ping","pad":"' + "x" * 4096 + '"}')
    assert await ws.closed_with() == 1009


async def test_message_flood_is_throttled(make_client):
    client = await make_client(ws_messages_per_second=5, ws_message_burst=10)
    _, _, ws = await signed_in_socket(client)
    for _ in range(40):
        await ws.send({"op": "ping"})
    assert await ws.closed_with() == 4429


# --- resume --------------------------------------------------------------------------------


async def test_resume_replays_exactly_the_missed_events(client):
    user, tokens, ws = await signed_in_socket(client)
    channel = f"user:{user.id}"
    ack = await ws.sub(channel)
    for i in range(3):
        await publish(client, channel, n=i)
    seen = await ws.events(3)
    await ws.close()
    for i in range(3, 53):
        await publish(client, channel, n=i)
    again = await WsClient.connect(client)
    await again.auth(tokens["access_token"])
    resumed = await again.sub(channel, since=seen[-1]["seq"], epoch=ack["epoch"])
    assert resumed["seq"] == 53
    missed = await again.events(50)
    assert [e["seq"] for e in missed] == list(range(4, 54))
    await publish(client, channel, n=53)
    [live] = await again.events(1)
    assert live["seq"] == 54
    await again.send({"op": "ping"})
    assert (await again.expect("pong"))["op"] == "pong"
    assert not [f for f in again.backlog if f.get("op") == "event"]


async def test_resume_beyond_history_or_with_another_epoch_resets(make_client):
    client = await make_client(ws_history_size=5)
    user, tokens, ws = await signed_in_socket(client)
    channel = f"user:{user.id}"
    ack = await ws.sub(channel)
    await publish(client, channel)
    await ws.events(1)
    await ws.close()
    for _ in range(300):
        await publish(client, channel)
    again = await WsClient.connect(client)
    await again.auth(tokens["access_token"])
    await again.sub(channel, since=1, epoch=ack["epoch"])
    assert await again.expect("reset") == {"op": "reset", "channel": channel}
    third = await WsClient.connect(client)
    await third.auth(tokens["access_token"])
    await third.sub(channel, since=300, epoch="an-older-epoch")
    assert (await third.expect("reset"))["channel"] == channel


async def test_no_gap_between_replay_and_live(client):
    """Events published while a resume replays arrive once, in order."""
    user, tokens, ws = await signed_in_socket(client)
    channel = f"user:{user.id}"
    ack = await ws.sub(channel)
    for _ in range(20):
        await publish(client, channel)
    await ws.close()
    again = await WsClient.connect(client)
    await again.auth(tokens["access_token"])

    async def keep_publishing() -> None:
        for _ in range(30):
            await publish(client, channel)
            await asyncio.sleep(0)

    publisher = asyncio.create_task(keep_publishing())
    await again.sub(channel, since=0, epoch=ack["epoch"])
    await publisher
    events = await again.events(50)
    assert [e["seq"] for e in events] == list(range(1, 51))


# --- slow consumers ------------------------------------------------------------------------


async def test_slow_consumer_is_closed_while_others_keep_up(make_client):
    client = await make_client(ws_send_queue_bytes=256 * 1024, ws_max_connections_per_user=50)
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    channel = f"user:{user.id}"
    slow = await _raw_socket_that_never_reads(client, token, channel)
    await asyncio.sleep(0.2)
    # Keep the kernel from buffering megabytes for the reader that stopped: the overflow then
    # shows in the server's own queue after a few hundred events, as it would on a real network.
    gateway = client.app[GATEWAY]
    [stalled] = list(gateway.hub.connections)
    stalled.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    readers = []
    for _ in range(20):
        ws = await WsClient.connect(client)
        await ws.auth(token)
        await ws.sub(channel)
        readers.append(ws)
    payload = "x" * 4000
    count = 400

    async def read_all(ws: WsClient) -> list[int]:
        return [e["seq"] for e in await ws.events(count, timeout=60)]

    readings = [asyncio.create_task(read_all(ws)) for ws in readers]
    for _ in range(count):
        await publish(client, channel, pad=payload)
        # Paced like real traffic: the readers share this event loop with the server.
        await asyncio.sleep(0.001)
    for seqs in await asyncio.gather(*readings):
        assert seqs == list(range(1, count + 1))
    metrics = await (await client.get("/metrics")).text()
    assert "lms_ws_slow_consumer_closes_total 1.0" in metrics
    slow.close()


async def _raw_socket_that_never_reads(client, token: str, channel: str) -> socket.socket:
    """A real TCP client that subscribes and then stops reading entirely."""
    import base64
    import json
    import os
    import struct

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((client.host, client.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: {client.host}:{client.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    await asyncio.sleep(0.1)

    def frame(payload: dict) -> bytes:
        data = json.dumps(payload).encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        return header + mask + masked

    sock.sendall(frame({"op": "auth", "token": token}))
    sock.sendall(frame({"op": "sub", "id": 1, "channel": channel}))
    return sock


# --- presence ------------------------------------------------------------------------------


async def _room_policy(caller: Caller, channel: ChannelName) -> bool:
    return channel.id.startswith("open")


async def test_presence_joins_leaves_and_list(make_client, make_settings):
    from lms_rt.app import create_app

    app = create_app(make_settings())
    app[REALTIME].channel("room", _room_policy, presence=True)
    client = await make_client(app=app)
    alice, _, a = await signed_in_socket(client)
    bob, _, b = await signed_in_socket(client)
    await a.sub("room:open1")
    await b.sub("room:open1")
    changed = await a.expect("event")
    assert changed["type"] == "presence.changed"
    joined = {m["user_id"] for m in changed["data"]["joined"]}
    assert joined == {str(alice.id), str(bob.id)}  # coalesced into one event
    listing = await a.call("presence.list", {"channel": "room:open1"})
    members = listing["result"]["members"]
    assert {m["user_id"] for m in members} == joined
    assert all(m["connections"] == 1 for m in members)
    await b.close()
    left = await a.expect("event")
    assert left["data"] == {"joined": [], "left": [str(bob.id)]}
    refused = await a.call("presence.list", {"channel": "room:closed"})
    assert refused["error"]["code"] == "forbidden"
    assert (await a.sub("room:closed"))["status"] == 4403


@pytest.mark.services
async def test_presence_of_a_crashed_process_drops_out(client, settings):
    """A process that died stops refreshing its entries; lists ignore them once expired."""
    import time

    import orjson
    from redis.asyncio import Redis

    from lms_rt.realtime.presence import ENTRY_TTL_SECONDS, Presence

    assert ENTRY_TTL_SECONDS < 60
    redis = Redis.from_url(settings.redis_url)
    try:
        presence = Presence(client.app[keys.BUS], redis)
        key = presence._key("room:open1")
        alive = {"user_id": "u1", "name": "Alive", "role": "student", "connections": 1}
        dead = {"user_id": "u2", "name": "Dead", "role": "student", "connections": 2}
        await redis.hset(
            key, "proc-a|u1", orjson.dumps({"entry": alive, "expires": time.time() + 30})
        )
        await redis.hset(
            key, "proc-b|u2", orjson.dumps({"entry": dead, "expires": time.time() - 1})
        )
        members = await presence.members("room:open1")
        assert [m["user_id"] for m in members] == ["u1"]
        assert await redis.hkeys(key) == [b"proc-a|u1"]
    finally:
        await redis.aclose()
