"""Wiring the realtime parts onto the app: hub, presence, gateway, ``/ws`` and built-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from lms_rt import keys
from lms_rt.errors import Forbidden, Invalid
from lms_rt.realtime.gateway import Authenticator, Gateway
from lms_rt.realtime.hub import Hub
from lms_rt.realtime.presence import Presence
from lms_rt.realtime.registry import Caller, ChannelName, RealtimeRegistry, parse_channel
from lms_rt.realtime.seats import Seats

GATEWAY = web.AppKey("gateway", Gateway)
REALTIME = web.AppKey("realtime", RealtimeRegistry)


def setup_realtime(
    app: web.Application,
    registry: RealtimeRegistry,
    authenticator: Callable[[web.Application], Authenticator],
) -> None:
    app[REALTIME] = registry

    async def context(app: web.Application) -> AsyncIterator[None]:
        deps = app[keys.DEPS]
        metrics = app[keys.METRICS]
        hub = Hub(deps.bus, metrics)
        presence = Presence(deps.bus, deps.redis, listeners=registry.presence_listeners)
        seats = Seats(
            deps.redis,
            deps.settings.ws_max_connections_per_user,
            ttl=deps.settings.ws_seat_ttl_seconds,
        )
        gateway = Gateway(
            deps.settings, hub, registry, authenticator(app), presence, metrics, seats
        )
        _register_builtins(registry, presence)
        metrics.track_bus(deps.bus)
        await presence.start()
        await seats.start()
        await gateway.start()
        app[GATEWAY] = gateway
        yield
        await gateway.stop()
        await seats.stop()
        await presence.stop()

    async def on_shutdown(app: web.Application) -> None:
        # Before the server waits for handlers: sockets hear 1001 and move elsewhere.
        if GATEWAY in app:
            await app[GATEWAY].stop()

    async def websocket(request: web.Request) -> web.StreamResponse:
        return await request.app[GATEWAY].handle(request)

    app.cleanup_ctx.append(context)
    app.on_shutdown.append(on_shutdown)
    app.router.add_get("/ws", websocket, name="websocket")


def _register_builtins(registry: RealtimeRegistry, presence: Presence) -> None:
    if "presence.list" in registry.methods:
        return

    async def presence_list(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("channel")
        channel = parse_channel(name) if isinstance(name, str) else None
        if channel is None:
            raise Invalid("params.channel must be a channel name")
        kind = registry.kind_of(channel)
        shown_here = (
            kind is not None
            and kind.presence is not None
            and any(
                kind.presence(ChannelName(channel.kind, channel.id, sub)) == channel.text
                for sub in kind.subs
            )
        )
        if kind is None or not shown_here or not await kind.policy(caller, channel):
            raise Forbidden(f"no presence for you on {name}")
        return {"channel": name, "members": await presence.members(channel.text)}

    registry.method("presence.list", presence_list)
