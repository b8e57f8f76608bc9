"""What an idle socket keeps: no timer and no middleware of its own, one shared heartbeat and
one shared deadline timer for all sockets, and the liveness rules that come with them."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import aiohttp
from aiohttp.helpers import TimeoutHandle

from lms_rt.logs import request_id_var
from lms_rt.realtime.registry import Caller
from lms_rt.realtime.setup import GATEWAY, REALTIME
from tests.factories import create_user, login
from tests.harness.ws import TIMEOUT, WsClient


async def signed_in(client: Any, **connect: Any) -> tuple[Any, str, WsClient]:
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    ws = await WsClient.connect(client, **connect)
    await ws.auth(token)
    return user, token, ws


async def raw_until(ws: aiohttp.ClientWebSocketResponse, kind: aiohttp.WSMsgType) -> Any:
    """The next message of this type (others are skipped); fails if the socket ends first."""

    async def find() -> Any:
        while True:
            message = await ws.receive()
            if message.type == kind:
                return message
            assert message.type not in _ENDED, f"socket ended: {message.type}"

    return await asyncio.wait_for(find(), TIMEOUT)


_ENDED = {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}


async def until_forgotten(client: Any, count: int = 0) -> None:
    """Until the gateway holds ``count`` sockets (closing ones finish in the background)."""
    deadline = time.monotonic() + TIMEOUT
    while len(client.app[GATEWAY].hub.connections) != count:
        assert time.monotonic() < deadline, "the gateway still holds closed sockets"
        await asyncio.sleep(0.02)


# --- heartbeat -----------------------------------------------------------------------------


async def test_a_quiet_socket_is_pinged_and_cut_once_it_stops_answering(make_client):
    period = 1.0
    client = await make_client(ws_heartbeat_seconds=period)
    metrics = client.app[GATEWAY].metrics
    cut_before = metrics.ws_closes.labels("1006")._value.get()
    # This client answers nothing by itself.
    _, _, silent = await signed_in(client, autoping=False)
    _, _, lively = await signed_in(client)
    # aiohttp's client answers pings while something reads the socket.
    texts: asyncio.Queue[str] = asyncio.Queue()

    async def read_lively() -> None:
        while (message := await lively.ws.receive()).type == aiohttp.WSMsgType.TEXT:
            texts.put_nowait(message.data)

    reader = asyncio.create_task(read_lively())
    await raw_until(silent.ws, aiohttp.WSMsgType.PING)
    pinged = time.monotonic()

    async def ended() -> aiohttp.WSMsgType:
        while (message := await silent.ws.receive()).type not in _ENDED:
            pass
        return message.type

    # Without a pong the server drops it: no close frame, it believes nobody is listening.
    assert await asyncio.wait_for(ended(), TIMEOUT) in (
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    # Cut by the next round, half a period after the ping (a loaded machine may add a bit).
    assert time.monotonic() - pinged < period
    await until_forgotten(client, 1)
    assert metrics.ws_closes.labels("1006")._value.get() == cut_before + 1
    # A client that answers (aiohttp does by default) outlives many periods.
    await asyncio.sleep(2.5 * period)
    await lively.send({"op": "ping"})
    assert '"op":"pong"' in await asyncio.wait_for(texts.get(), TIMEOUT)
    assert len(client.app[GATEWAY].hub.connections) == 1
    await lively.ws.close()
    await reader


async def test_a_socket_busy_with_a_slow_call_is_not_taken_for_dead(make_client):
    """Its pongs wait unread behind the call; the call itself shows it is alive."""
    period = 0.6
    client = await make_client(ws_heartbeat_seconds=period)

    async def slow(caller: Caller, params: dict[str, Any]) -> str:
        await asyncio.sleep(3 * period)
        return "done"

    client.app[REALTIME].method("test.slow", slow)
    _, _, ws = await signed_in(client)
    reply = await ws.call("test.slow")
    assert reply == {"op": "reply", "id": 1, "result": "done"}


async def test_client_pings_are_answered_and_use_no_message_budget(make_client):
    client = await make_client(ws_messages_per_second=5, ws_message_burst=10)
    _, _, ws = await signed_in(client, autoping=False)
    for n in range(30):
        await ws.ws.ping(b"%d" % n)
    for n in range(30):
        pong = await raw_until(ws.ws, aiohttp.WSMsgType.PONG)
        assert pong.data == b"%d" % n
    await ws.send({"op": "ping"})
    assert (await ws.expect("pong"))["op"] == "pong"


# --- deadlines -----------------------------------------------------------------------------


async def test_an_authenticated_socket_outlives_the_auth_timeout(make_client):
    """Its deadline moved from the auth timeout to its token's expiry."""
    client = await make_client(ws_auth_timeout_seconds=0.3)
    _, _, ws = await signed_in(client)
    await asyncio.sleep(1.6)  # the auth deadline would have fired within a second of 0.3 s
    await ws.send({"op": "ping"})
    assert (await ws.expect("pong"))["op"] == "pong"


async def test_closed_sockets_leave_no_deadline_behind(client):
    gateway = client.app[GATEWAY]
    sockets = [(await signed_in(client))[2] for _ in range(3)]
    unauthenticated = await WsClient.connect(client)
    assert len(gateway.deadlines) == 4
    for ws in [*sockets, unauthenticated]:
        await ws.ws.close()
    await until_forgotten(client)
    assert len(gateway.deadlines) == 0


async def test_idle_sockets_hold_no_timers_of_their_own(make_client):
    client = await make_client(ws_max_connections_per_user=50)

    def timers() -> int:
        """Pending timers, but for the test client's own (its sessions' request timeouts)."""
        gc.collect()
        return sum(
            1
            for thing in gc.get_objects()
            if isinstance(thing, asyncio.TimerHandle)
            and not thing.cancelled()
            and not isinstance(getattr(thing._callback, "__self__", None), TimeoutHandle)
        )

    user, token, first = await signed_in(client)
    await first.sub(f"user:{user.id}")
    before = timers()
    sockets = []
    for _ in range(20):
        ws = await WsClient.connect(client)
        await ws.auth(token)
        await ws.sub(f"user:{user.id}")
        sockets.append(ws)
    # A few shared ones may start (a new deadline bucket); never one per socket.
    assert timers() - before <= 3
    for ws in sockets:
        await ws.send({"op": "ping"})
        assert (await ws.expect("pong"))["op"] == "pong"


async def test_sockets_of_one_session_share_their_caller(make_client):
    client = await make_client(ws_max_connections_per_user=50)
    user, token, first = await signed_in(client)
    other_session = (await login(client, user.email))["access_token"]
    sockets = [first]
    for access in (token, token, other_session):
        sockets.append(await WsClient.connect(client))
        await sockets[-1].auth(access)
    callers = [c.caller for c in client.app[GATEWAY].hub.user_connections(str(user.id))]
    assert len(callers) == 4 and len({id(caller) for caller in callers}) == 2


# --- served after the middlewares ----------------------------------------------------------


def _suspended_chain(task: asyncio.Task[Any]) -> list[Any]:
    """The code objects of the coroutines ``task`` is suspended in, outermost first."""
    chain = []
    awaiting: Any = task.get_coro()
    while awaiting is not None and hasattr(awaiting, "cr_code"):
        chain.append(awaiting.cr_code)
        awaiting = awaiting.cr_await
    return chain


async def test_an_idle_socket_keeps_no_middleware_suspended(client):
    user, _, ws = await signed_in(client)
    await ws.sub(f"user:{user.id}")
    chains = [_suspended_chain(task) for task in asyncio.all_tasks()]
    [socket] = [chain for chain in chains if any(c.co_qualname == "Gateway._serve" for c in chain)]
    held = [code.co_filename for code in socket]
    assert not [name for name in held if "/lms_rt/http/" in name or "/lms_rt/audit/" in name]
    # aiohttp's request task, the response's finishing, then the socket itself.
    assert [c.co_qualname for c in socket][:4] == [
        "RequestHandler._handle_request",
        "RequestHandler.finish_response",
        "SocketResponse.write_eof",
        "Gateway._serve",
    ]


async def test_calls_over_the_socket_keep_the_upgrades_request_id(client):
    async def request_id(caller: Caller, params: dict[str, Any]) -> str | None:
        return request_id_var.get()

    client.app[REALTIME].method("test.request_id", request_id)
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    ws = await WsClient.connect(client, headers={"X-Request-ID": "upgrade-42"})
    await ws.auth(token)
    reply = await ws.call("test.request_id")
    assert reply == {"op": "reply", "id": 1, "result": "upgrade-42"}
