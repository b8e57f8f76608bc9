"""Hypothesis against ``/ws``: malformed, mistyped, unknown, oversized, binary and flooding
frames, each batch on its own socket, while a bystander's socket keeps receiving its events.

Stated reactions (DESIGN §5 and §7): a frame that is not valid protocol gets
``{"op":"error","code":"bad_request"}`` (with its ``id`` when it had an integer one) and the
socket stays open; a frame over the size limit closes with 1009; a binary frame with 1003; a
flood past the per-socket rate with 4429. After every batch a fresh client signs in and gets
its pong, and the bystander has received the event published meanwhile.

The Hypothesis part runs in a worker thread and drives the sockets on the test's loop
(``bridge.py``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import Counter
from typing import Any

import aiohttp
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms_rt import keys
from lms_rt.realtime.protocol import CHANNEL_PATTERN
from lms_rt.realtime.setup import REALTIME
from tests.factories import access_token, signed_in
from tests.fuzz.bridge import LoopBridge, off_loop
from tests.fuzz.figures import record, tally
from tests.fuzz.scale import DERANDOMIZE, SCALE
from tests.harness.ws import WsClient

MAX_FRAME = 64 * 1024
# Below the gateway's default burst (60), so a batch is never a flood by accident.
MAX_BATCH = 25
MARKERS = itertools.count(1)

# --- frames ----------------------------------------------------------------------------------

# The server reads JSON with orjson: integers within 64 bits (larger ones are malformed JSON).
INTS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | INTS | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
NOT_INT = st.one_of(
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.integers(max_value=-1),
    st.integers(min_value=2**53 + 1, max_value=2**63 - 1),
    st.lists(INTS, max_size=2),
    st.dictionaries(st.text(max_size=3), INTS, max_size=2),
)
NOT_STR = st.one_of(
    INTS,
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
NOT_A_CHANNEL = NOT_STR | st.text(max_size=120).filter(
    lambda s: re.fullmatch(CHANNEL_PATTERN, s) is None or len(s) > 100
)
NOT_AN_OBJECT = st.one_of(
    st.none(), st.booleans(), INTS, st.text(max_size=10), st.lists(ANY_JSON, max_size=3)
)

# A valid frame of each op (DESIGN §5), and for every field a value of the wrong type.
VALID: dict[str, dict[str, Any]] = {
    "auth": {"op": "auth", "token": "a-token"},
    "sub": {"op": "sub", "id": 1, "channel": "user:someone", "since": 3, "epoch": "e"},
    "unsub": {"op": "unsub", "id": 2, "channel": "user:someone"},
    "call": {"op": "call", "id": 3, "method": "live.answer", "params": {}},
    "ping": {"op": "ping"},
}
WRONG: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("auth", "token"): NOT_STR | st.just(""),
    ("sub", "id"): NOT_INT,
    ("sub", "channel"): NOT_A_CHANNEL,
    ("sub", "since"): NOT_INT.filter(lambda v: v is not None),
    ("sub", "epoch"): NOT_STR,
    ("unsub", "id"): NOT_INT,
    ("unsub", "channel"): NOT_A_CHANNEL,
    ("call", "id"): NOT_INT,
    ("call", "method"): NOT_STR | st.just(""),
    ("call", "params"): NOT_AN_OBJECT,
}
REQUIRED = {"auth": ["token"], "sub": ["id", "channel"], "unsub": ["id", "channel"]}
REQUIRED["call"] = ["id", "method"]


def _id_of(frame: Any) -> int | None:
    if isinstance(frame, dict):
        value = frame.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def bad_frames(
    methods: frozenset[str], authenticated: bool
) -> st.SearchStrategy[tuple[str, str, int | None]]:
    """(kind, text, the id the error frame should carry) of frames the server must refuse.
    A call of an unknown method is well-formed: before ``auth`` it would close the socket
    (4401, "authenticate first"), so it is sent on signed-in sockets only."""

    def as_json(kind: str) -> Any:
        return lambda frame: (kind, json.dumps(frame), _id_of(frame))

    wrong_type = st.sampled_from(sorted(WRONG)).flatmap(
        lambda key: WRONG[key].map(lambda value: {**VALID[key[0]], key[1]: value})
    )
    missing = st.sampled_from(sorted(REQUIRED)).flatmap(
        lambda op: st.sampled_from(REQUIRED[op]).map(
            lambda name: {k: v for k, v in VALID[op].items() if k != name}
        )
    )
    extra = st.sampled_from(sorted(VALID)).flatmap(
        lambda op: (
            st.text(min_size=1, max_size=8)
            .filter(lambda name: name not in VALID[op])
            .map(lambda name: {**VALID[op], name: 1})
        )
    )
    unknown_op = st.fixed_dictionaries(
        {"op": st.text(max_size=10).filter(lambda op: op not in VALID) | NOT_STR},
        optional={"id": st.integers(min_value=0, max_value=2**53)},
    )
    unknown_method = st.builds(
        lambda frame_id, method: {"op": "call", "id": frame_id, "method": method, "params": {}},
        st.integers(min_value=0, max_value=2**53),
        st.text(min_size=1, max_size=64).filter(lambda m: m not in methods),
    )
    invalid_json = st.one_of(
        st.text(max_size=40).filter(_not_json),
        ANY_JSON.map(lambda v: json.dumps({"op": "ping", "x": v})[:-1]),
    )
    kinds = [
        invalid_json.map(lambda text: ("invalid JSON", text, None)),
        NOT_AN_OBJECT.map(as_json("not an object")),
        wrong_type.map(as_json("wrong type")),
        missing.map(as_json("missing field")),
        extra.map(as_json("unknown field")),
        unknown_op.map(as_json("unknown op")),
    ]
    if authenticated:
        kinds.append(unknown_method.map(as_json("unknown method")))
    # Each kind equally likely (``one_of`` leans to its first branches).
    return st.sampled_from(kinds).flatmap(lambda kind: kind)


def _not_json(text: str) -> bool:
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return True
    return False


# --- the harness -------------------------------------------------------------------------


class Arena:
    """The server under fuzz, a bystander following its own channel, and tallies."""

    def __init__(self, client: Any, bridge: LoopBridge) -> None:
        self.client = client
        self.bridge = bridge
        self.sent: Counter[str] = Counter()
        self.reactions: Counter[str] = Counter()
        self.bystander_events = 0

    async def setup(self) -> None:
        self.user, self.headers = await signed_in(self.client)
        bystander, headers = await signed_in(self.client)
        self.bystander_channel = f"user:{bystander.id}"
        self.bystander = await WsClient.connect(self.client)
        await self.bystander.auth(access_token(headers))
        assert (await self.bystander.sub(self.bystander_channel))["op"] == "ack"

    async def socket(self, authenticated: bool = True) -> WsClient:
        ws = await WsClient.connect(self.client)
        if authenticated:
            await ws.auth(access_token(self.headers))
        return ws

    async def still_serving(self) -> None:
        """A fresh client signs in and gets its pong; the bystander got what was published."""
        ws = await self.socket()
        await ws.send({"op": "ping"})
        assert (await ws.expect("pong"))["op"] == "pong"
        await ws.close()
        marker = f"fuzz.marker.{next(MARKERS)}"
        await self.client.app[keys.BUS].publish(self.bystander_channel, marker, {})
        event = await self.bystander.expect("event")
        assert event["type"] == marker, event
        self.bystander_events += 1
        health = await self.client.get("/health")
        assert health.status == 200

    async def batch(self, frames: list[tuple[str, str, int | None]], authenticated: bool) -> None:
        ws = await self.socket(authenticated)
        for kind, text, _ in frames:
            self.sent[kind] += 1
            await ws.ws.send_str(text)
        self.sent["ping (control)"] += 1
        await ws.send({"op": "ping"})
        errors: list[dict[str, Any]] = []
        while True:
            frame = await ws.receive()
            if frame["op"] == "pong":
                break
            assert frame["op"] == "error", frame
            errors.append(frame)
        assert [e["code"] for e in errors] == ["bad_request"] * len(frames), errors
        assert [e.get("id") for e in errors] == [frame_id for _, _, frame_id in frames]
        self.reactions["error bad_request, socket kept"] += len(errors)
        await ws.close()

    async def closes_with(self, code: int, kind: str, send: Any) -> None:
        ws = await self.socket()
        await send(ws.ws)
        got = await ws.closed_with()
        assert got == code, (kind, got)
        self.reactions[f"closed {code}"] += 1


async def test_websocket_gateway_survives_fuzzed_frames(client):
    methods = frozenset(client.app[REALTIME].methods)
    summary: dict[str, Any] = {}

    def explore(bridge: LoopBridge) -> None:
        arena = Arena(client, bridge)
        bridge.run(arena.setup())
        common = settings(
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )

        @given(data=st.data(), authenticated=st.booleans())
        @settings(common, max_examples=40 * SCALE)
        def malformed(data: st.DataObject, authenticated: bool) -> None:
            frames = data.draw(
                st.lists(bad_frames(methods, authenticated), min_size=1, max_size=MAX_BATCH)
            )
            bridge.run(arena.batch(frames, authenticated))
            bridge.run(arena.still_serving())

        @given(
            size=st.integers(min_value=MAX_FRAME + 1, max_value=4 * MAX_FRAME),
            filler=st.characters(codec="ascii", exclude_characters='"\\'),
        )
        @settings(common, max_examples=4 * SCALE)
        def oversized(size: int, filler: str) -> None:
            text = '{"op":"ping","pad":"' + filler * size + '"}'
            arena.sent["oversized"] += 1
            bridge.run(arena.closes_with(1009, "oversized", lambda ws: ws.send_str(text)))
            bridge.run(arena.still_serving())

        @given(data=st.binary(min_size=1, max_size=2048))
        @settings(common, max_examples=4 * SCALE)
        def binary(data: bytes) -> None:
            arena.sent["binary"] += 1
            bridge.run(arena.closes_with(1003, "binary", lambda ws: ws.send_bytes(data)))
            bridge.run(arena.still_serving())

        @given(count=st.integers(min_value=150, max_value=400))
        @settings(common, max_examples=2 * SCALE)
        def flood(count: int) -> None:
            async def pings(ws: aiohttp.ClientWebSocketResponse) -> None:
                for _ in range(count):
                    await ws.send_str('{"op":"ping"}')

            arena.sent["flood ping"] += count
            bridge.run(arena.closes_with(4429, "flood", pings))
            bridge.run(arena.still_serving())

        for explore_one in (malformed, oversized, binary, flood):
            explore_one()
        bridge.run(arena.bystander.close())
        summary.update(
            frames_sent=f"{sum(arena.sent.values())} ({tally(arena.sent)})",
            reactions=tally(arena.reactions),
            bystander_events_received=arena.bystander_events,
        )

    await off_loop(explore)
    record("websocket fuzzing", **summary)
    await asyncio.sleep(0)
