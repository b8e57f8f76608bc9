"""``/ws``: one socket per client carrying many channels, calls and clock pings.

Lifecycle: Origin checked at the handshake → ``auth`` frame within the timeout (unless a
session cookie authenticated the upgrade) → frames until the client leaves, is refused
(4401/4403...), falls behind (4429) or the server stops (1001).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Iterable
from functools import partial
from typing import Protocol
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMessage, WSMsgType, web

from lms_rt.config import Settings
from lms_rt.errors import Forbidden, LmsError, Unauthorized
from lms_rt.metrics import Metrics
from lms_rt.realtime import protocol
from lms_rt.realtime.bus import Event
from lms_rt.realtime.connection import Connection
from lms_rt.realtime.deadlines import Deadlines
from lms_rt.realtime.heartbeat import Heartbeat
from lms_rt.realtime.hub import Hub
from lms_rt.realtime.presence import Presence
from lms_rt.realtime.protocol import BadFrame
from lms_rt.realtime.registry import Caller, RealtimeRegistry, parse_channel
from lms_rt.realtime.seats import Seats
from lms_rt.realtime.socket_response import SocketResponse, adopt

log = logging.getLogger(__name__)

# Internal channel on which the auth domain announces ended sessions of a user.
AUTH_CHANNEL_KIND = "auth"
# Backstop for a missed announcement: every open socket's session is re-checked this often.
SESSION_RECHECK_SECONDS = 30.0
# What ``receive`` returns once a socket is over.
_ENDED = frozenset({WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR})


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> tuple[Caller, float]:
        """The caller and the token's expiry (epoch seconds); raises Unauthorized."""

    async def authenticate_upgrade(self, request: web.Request) -> tuple[Caller, float] | None:
        """The caller a session cookie on the upgrade request names, with its expiry; None
        when there is none (the socket then authenticates with an ``auth`` frame)."""

    async def live_sessions(self, session_ids: set[str]) -> set[str]:
        """Which of these sessions are still signed in (not revoked, user active)."""


class Gateway:
    def __init__(
        self,
        settings: Settings,
        hub: Hub,
        registry: RealtimeRegistry,
        authenticator: Authenticator,
        presence: Presence,
        metrics: Metrics,
        seats: Seats,
    ) -> None:
        self.settings = settings
        self.hub = hub
        self.registry = registry
        self.authenticator = authenticator
        self.presence = presence
        self.metrics = metrics
        self.seats = seats
        self._allowed_origins = allowed_origins(settings)
        self._auth_watch = _AuthWatch(self)
        self._tasks: list[asyncio.Task[None]] = []
        self.deadlines = Deadlines(self._deadline_passed)
        self.heartbeat = Heartbeat(
            settings.ws_heartbeat_seconds, lambda: self.hub.connections, self._gone
        )
        self.closing = False
        # How many sockets are handling a frame right now; shutdown waits for them to answer.
        self._busy = 0
        self._idle: asyncio.Event | None = None

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._recheck_sessions_loop()))
        self.heartbeat.start()

    async def stop(self) -> None:
        """Graceful shutdown: no further frames are taken in; calls already being handled get
        their replies out (within the grace period); then 1001 tells clients to reconnect,
        to another process. A call is thus answered or never carried out, unless it outlasts
        the grace period."""
        self.closing = True
        self.deadlines.stop()
        await self.heartbeat.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._until_idle(self.settings.ws_shutdown_grace_seconds)
        await asyncio.gather(
            *(
                self._close(c, protocol.CLOSE_GOING_AWAY, "server restarting")
                for c in tuple(self.hub.connections)
            ),
            return_exceptions=True,
        )

    async def _until_idle(self, grace: float) -> None:
        if not self._busy:
            return
        self._idle = asyncio.Event()
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning(
                "%d socket(s) still handling a frame after %.1f s; closing them anyway",
                self._busy,
                grace,
            )

    # --- handshake -----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The upgrade; the socket is served once the handler chain has returned (see
        ``socket_response``)."""
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self._allowed_origins | {_own_origin(request)}:
            raise Forbidden("This origin may not open a websocket here")
        if self.closing:
            raise web.HTTPServiceUnavailable()
        # Only after the Origin check: a page elsewhere never borrows the browser's cookie.
        upgrade_caller = await self.authenticator.authenticate_upgrade(request)
        ws = SocketResponse(
            max_msg_size=self.settings.ws_max_frame_bytes,
            # Per-message deflate costs CPU per socket on the fan-out path: off.
            compress=False,
            # No ``heartbeat``: the gateway's own pings every socket from one task, and answers
            # pings itself. aiohttp's costs a timer per socket and, with it, enough attributes
            # to give every response a dictionary of its own (about 2 KB per socket).
            autoping=False,
        )
        await ws.prepare(request)
        # Sent with the upgrade, never read again: dropped rather than kept per socket.
        ws.headers.clear()
        connection = Connection(
            ws,
            request.transport,
            max_queue_bytes=self.settings.ws_send_queue_bytes,
            on_slow=self._slow,
        )
        self.hub.add(connection)
        ws.serve_after_handler(
            partial(self._serve, connection, upgrade_caller, contextvars.copy_context())
        )
        return ws

    async def _serve(
        self,
        connection: Connection,
        upgrade_caller: tuple[Caller, float] | None,
        context: contextvars.Context,
    ) -> None:
        """The socket's life after the upgrade. Its frame and the ``receive`` it awaits are
        all that an idle socket keeps suspended: frames are handled in calls that return."""
        adopt(context)
        del context
        ws = connection.ws
        loop = asyncio.get_running_loop()
        try:
            self.deadlines.set(connection, loop.time() + self.settings.ws_auth_timeout_seconds)
            if upgrade_caller is not None and not await self._accept_upgrade(
                connection, upgrade_caller
            ):
                return
            while True:
                message = await ws.receive()
                if message.type in _ENDED or not await self._take(connection, message):
                    break
            if ws.close_code == protocol.CLOSE_TOO_BIG or isinstance(ws.exception(), ValueError):
                self.metrics.ws_closes.labels(str(protocol.CLOSE_TOO_BIG)).inc()
        finally:
            # Serving may be cancelled once the peer is gone; clean-up must still finish.
            await asyncio.shield(self._forget(connection))

    async def _take(self, connection: Connection, message: WSMessage) -> bool:
        """Handle one frame from the client; False once the socket is to be left."""
        connection.seen = now = asyncio.get_running_loop().time()
        if connection.closed:
            return False
        kind = message.type
        if kind == WSMsgType.PING:
            await connection.ws.pong(message.data)
            return True
        if self.closing:
            # Stopping: a frame not yet taken in is dropped unanswered (the 1001 follows
            # shortly), so the client knows to send it again elsewhere.
            return True
        if kind == WSMsgType.BINARY:
            await self._close(connection, protocol.CLOSE_UNSUPPORTED, "text frames only")
            return False
        if kind != WSMsgType.TEXT:
            return True
        settings = self.settings
        if not connection.allow_message(
            now, settings.ws_messages_per_second, settings.ws_message_burst
        ):
            await self._close(connection, protocol.CLOSE_TOO_SLOW, "too many messages")
            return False
        self._busy += 1
        connection.busy = True
        try:
            await self._on_text(connection, message.data)
        finally:
            connection.busy = False
            self._busy -= 1
            if not self._busy and self._idle is not None:
                self._idle.set()
        return True

    async def _on_text(self, connection: Connection, text: str) -> None:
        try:
            frame = protocol.parse_client_frame(text)
        except BadFrame as exc:
            connection.send(protocol.error("bad_request", str(exc), exc.frame_id))
            return
        try:
            await self._dispatch(connection, frame)
        except Exception:
            # A dependency failed (Redis, the database): say so and keep the socket.
            log.exception("frame from %s failed", connection.id)
            frame_id = getattr(frame, "id", None)
            connection.send(protocol.error("unavailable", "try again shortly", frame_id))

    async def _dispatch(
        self,
        connection: Connection,
        frame: protocol.Auth | protocol.Sub | protocol.Unsub | protocol.Call | protocol.Ping,
    ) -> None:
        if isinstance(frame, protocol.Auth):
            await self._authenticate(connection, frame.token)
            return
        if isinstance(frame, protocol.Ping):
            connection.send(protocol.pong(int(time.time() * 1000)))
            return
        caller = connection.caller
        if caller is None:
            await self._close(connection, protocol.CLOSE_UNAUTHORIZED, "authenticate first")
            return
        if isinstance(frame, protocol.Sub):
            await self._subscribe(connection, caller, frame)
        elif isinstance(frame, protocol.Unsub):
            await self.hub.unsubscribe(connection, frame.channel)
            parsed = parse_channel(frame.channel)
            presence_channel = self.registry.presence_channel(parsed) if parsed else None
            if presence_channel is not None:
                await self.presence.leave(connection, presence_channel)
            connection.send(protocol.encode({"op": "ack", "id": frame.id}))
        elif isinstance(frame, protocol.Call):
            await self._call(connection, caller, frame)

    # --- auth ----------------------------------------------------------------------------

    async def _authenticate(self, connection: Connection, token: str) -> None:
        try:
            caller, expires_at = await self.authenticator.authenticate(token)
        except Unauthorized as exc:
            await self._close(connection, protocol.CLOSE_UNAUTHORIZED, exc.message)
            return
        await self._accept(connection, caller, expires_at)

    async def _accept_upgrade(
        self, connection: Connection, upgrade_caller: tuple[Caller, float]
    ) -> bool:
        """Authenticated by the upgrade's cookie: seated and told so before any frame."""
        try:
            await self._accept(connection, *upgrade_caller)
        except Exception:
            # Seats or the bus failed (Redis): there is no frame to answer with "unavailable",
            # so the socket closes and the client reconnects.
            log.exception("seating socket %s failed", connection.id)
            await self._close(connection, int(WSCloseCode.INTERNAL_ERROR), "try again shortly")
        return not connection.closed

    async def _accept(self, connection: Connection, caller: Caller, expires_at: float) -> None:
        """Seat an authenticated caller (from an ``auth`` frame or the upgrade's cookie)."""
        first = connection.caller is None
        if (
            not first
            and connection.caller is not None
            and caller.user_id != connection.caller.user_id
        ):
            await self._close(connection, protocol.CLOSE_UNAUTHORIZED, "a socket keeps its user")
            return
        if first:
            # Counted over every process: a user's sockets, wherever they landed.
            if not await self.seats.take(caller.user_id, connection.id):
                await self._close(connection, protocol.CLOSE_TOO_SLOW, "too many connections")
                return
            connection.seated = True
        connection.caller = self.hub.shared_caller(caller)
        connection.token_expires_at = expires_at
        # Replaces the auth timeout: close with 4401 unless a fresh token arrives within the
        # grace after expiry.
        delay = max(0.0, expires_at - time.time()) + self.settings.ws_reauth_grace_seconds
        self.deadlines.set(connection, asyncio.get_running_loop().time() + delay)
        if first:
            self.hub.authenticated(connection)
            await self._watch_auth(caller)
        connection.send(protocol.encode({"op": "authed", "user_id": caller.user_id}))

    def _deadline_passed(self, connection: Connection) -> None:
        if connection.closed:
            return
        if connection.caller is None:
            self._spawn_close(connection, protocol.CLOSE_AUTH_TIMEOUT, "auth timeout")
        else:
            self._spawn_close(connection, protocol.CLOSE_UNAUTHORIZED, "token expired")

    def _gone(self, connection: Connection) -> None:
        """No answer to the heartbeat's ping: the peer is gone, nobody is left to tell."""
        self.metrics.ws_closes.labels(str(int(WSCloseCode.ABNORMAL_CLOSURE))).inc()
        connection.closed = True
        if connection.transport is not None:
            connection.transport.abort()

    async def _watch_auth(self, caller: Caller) -> None:
        channel = f"{AUTH_CHANNEL_KIND}:{caller.user_id}"
        await self.hub.bus.subscribe(channel, self._auth_watch)

    async def recheck_user(self, user_id: str) -> None:
        """The user's sessions, and then what each of their sockets follows: a signed-out
        socket closes, a channel they may no longer follow (removed from a live session,
        unenrolled) ends with a ``forbidden`` frame naming it."""
        connections = [c for c in self.hub.user_connections(user_id) if c.caller is not None]
        await self._close_ended(connections)
        for connection in connections:
            caller = connection.caller
            if connection.closed or caller is None:
                continue
            for name in tuple(connection.subscriptions):
                channel = parse_channel(name)
                if channel is not None and await self.registry.may_subscribe(caller, channel):
                    continue
                if await self.hub.unsubscribe(connection, name):
                    presence_channel = self.registry.presence_channel(channel) if channel else None
                    if presence_channel is not None:
                        await self.presence.leave(connection, presence_channel)
                    connection.send(protocol.revoked(name))

    async def _close_ended(self, connections: Iterable[Connection]) -> None:
        # Judge each socket by the caller it had when its session was looked up: one that
        # authenticated (or re-authenticated) meanwhile is not judged by a stale answer.
        checked = [(c, c.caller) for c in connections if c.caller is not None]
        sessions = {caller.session_id for _, caller in checked if caller is not None}
        if not sessions:
            return
        live = await self.authenticator.live_sessions(sessions)
        for connection, caller in checked:
            if caller is not None and connection.caller is caller and caller.session_id not in live:
                self._spawn_close(connection, protocol.CLOSE_UNAUTHORIZED, "signed out")

    async def _recheck_sessions_loop(self) -> None:
        while True:
            await asyncio.sleep(SESSION_RECHECK_SECONDS)
            try:
                await self._close_ended(tuple(self.hub.connections))
            except Exception:
                log.exception("session re-check failed")

    # --- channels and calls --------------------------------------------------------------

    async def _subscribe(self, connection: Connection, caller: Caller, frame: protocol.Sub) -> None:
        channel = parse_channel(frame.channel)
        allowed = channel is not None and await self.registry.may_subscribe(caller, channel)
        if not allowed or channel is None:
            connection.send(
                protocol.error(
                    "forbidden",
                    f"you may not follow {frame.channel}",
                    frame.id,
                    protocol.CLOSE_FORBIDDEN,
                )
            )
            return
        try:
            await self.hub.subscribe(connection, frame.id, frame.channel, frame.since, frame.epoch)
        except Exception:
            await self.hub.unsubscribe(connection, frame.channel)
            raise
        presence_channel = self.registry.presence_channel(channel)
        if presence_channel is not None:
            await self.presence.join(connection, presence_channel)

    async def _call(self, connection: Connection, caller: Caller, frame: protocol.Call) -> None:
        if frame.method not in self.registry.methods:
            connection.send(
                protocol.error("bad_request", f"unknown method {frame.method}", frame.id)
            )
            return
        try:
            result = await self.registry.call(caller, frame.method, frame.params)
        except LmsError as exc:
            connection.send(protocol.reply_error(frame.id, exc.code, exc.message, exc.details))
            return
        except Exception:
            log.exception("call %s failed", frame.method)
            connection.send(protocol.reply_error(frame.id, "internal_error", "call failed"))
            return
        connection.send(protocol.reply(frame.id, result))

    # --- closing -------------------------------------------------------------------------

    def _slow(self, connection: Connection) -> None:
        self.metrics.ws_slow_closes.inc()
        self.metrics.ws_closes.labels(str(protocol.CLOSE_TOO_SLOW)).inc()

    def _spawn_close(self, connection: Connection, code: int, reason: str) -> None:
        task = asyncio.create_task(self._close(connection, code, reason))
        self._tasks.append(task)
        task.add_done_callback(self._tasks.remove)

    async def _close(self, connection: Connection, code: int, reason: str) -> None:
        if connection.closed:
            return
        self.metrics.ws_closes.labels(str(code)).inc()
        await connection.close(code, reason)

    async def _forget(self, connection: Connection) -> None:
        """Each step on its own: an error in one must not leave the socket half-known (and
        its deadline, which holds the connection, is dropped)."""
        self.deadlines.clear(connection)
        caller = connection.caller
        steps = [
            connection.stop(),
            self.presence.leave_all(connection),
            self.hub.remove(connection),
        ]
        if caller is not None and connection.seated:
            steps.append(self.seats.release(caller.user_id, connection.id))
        for step in steps:
            try:
                await step
            except Exception:
                log.exception("cleaning up socket %s", connection.id)
        if caller is not None and not self.hub.user_connections(caller.user_id):
            channel = f"{AUTH_CHANNEL_KIND}:{caller.user_id}"
            try:
                await self.hub.bus.unsubscribe(channel, self._auth_watch)
            except Exception:
                log.exception("unfollowing %s", channel)


class _AuthWatch:
    """Listens on ``auth:<user>`` channels and re-checks that user's sockets."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def on_event(self, event: Event) -> None:
        user_id = event.channel.split(":", 1)[1]
        task = asyncio.create_task(self.gateway.recheck_user(user_id))
        self.gateway._tasks.append(task)
        task.add_done_callback(self.gateway._tasks.remove)

    def on_reset(self, channel: str) -> None:
        self.on_event(Event(channel=channel, seq=0, frame=b""))


def allowed_origins(settings: Settings) -> frozenset[str]:
    origins = set(settings.cors_origins)
    base = urlsplit(settings.base_url)
    origins.add(f"{base.scheme}://{base.netloc}")
    return frozenset(origins)


def _own_origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"
