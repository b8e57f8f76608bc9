"""What domains plug into the gateway: channel kinds with their policies, and RPC methods.

The realtime package imports no domain. Each domain registers its channel kinds (who may
subscribe) and its methods (``live.answer`` ...) on the app's :class:`RealtimeRegistry`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lms_rt.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user behind a socket."""

    user_id: str
    role: str
    name: str
    session_id: str


@dataclass(frozen=True)
class ChannelName:
    kind: str
    id: str
    sub: str | None

    @property
    def text(self) -> str:
        return f"{self.kind}:{self.id}" + (f":{self.sub}" if self.sub else "")


# Internal channels the gateway itself follows; never registered by a domain.
RESERVED_KINDS = frozenset({"auth"})


def _same_channel(channel: ChannelName) -> str:
    return channel.text


_CHANNEL = re.compile(r"^([a-z]+):([A-Za-z0-9_-]{1,64})(?::([a-z]+))?$")


def parse_channel(text: str) -> ChannelName | None:
    match = _CHANNEL.match(text)
    if match is None:
        return None
    return ChannelName(kind=match.group(1), id=match.group(2), sub=match.group(3))


# May this caller follow this channel? (``user:<id>`` -> is it them?)
ChannelPolicy = Callable[[Caller, ChannelName], Awaitable[bool]]
# An RPC method: the caller and its params in, a JSON-able result out; raises LmsError.
Method = Callable[[Caller, dict[str, Any]], Awaitable[Any]]


# Where a subscription to this channel shows its subscriber as present (None: nowhere).
PresenceRoute = Callable[[ChannelName], str | None]


@dataclass(frozen=True)
class ChannelKind:
    name: str
    policy: ChannelPolicy
    subs: frozenset[str | None]
    presence: PresenceRoute | None


@dataclass(frozen=True)
class MethodSpec:
    name: str
    handler: Method
    roles: frozenset[str] | None


# Told when a user arrives in a presence channel on this process (True) or leaves it (False).
PresenceListener = Callable[[str, Caller, bool], Awaitable[None]]


class RealtimeRegistry:
    def __init__(self) -> None:
        self.kinds: dict[str, ChannelKind] = {}
        self.methods: dict[str, MethodSpec] = {}
        self.presence_listeners: list[PresenceListener] = []

    def on_presence(self, listener: PresenceListener) -> None:
        """Follow arrivals and departures (a live session's attendance, say)."""
        self.presence_listeners.append(listener)

    def channel(
        self,
        kind: str,
        policy: ChannelPolicy,
        *,
        subs: Iterable[str | None] = (None,),
        presence: bool | PresenceRoute = False,
    ) -> None:
        """Register ``kind:<id>`` (and ``kind:<id>:<sub>`` for each named sub).

        ``presence=True`` shows subscribers as present in the channel itself; a function
        names another channel (students of ``course:X`` are seen on ``course:X:staff``).
        """
        if kind in self.kinds or kind in RESERVED_KINDS:
            raise ValueError(f"channel kind {kind!r} is taken")
        route: PresenceRoute | None
        if presence is True:
            route = _same_channel
        elif presence is False:
            route = None
        else:
            route = presence
        self.kinds[kind] = ChannelKind(kind, policy, frozenset(subs), route)

    def method(self, name: str, handler: Method, *, roles: Iterable[str] | None = None) -> None:
        if name in self.methods:
            raise ValueError(f"method {name!r} is registered twice")
        self.methods[name] = MethodSpec(name, handler, frozenset(roles) if roles else None)

    def kind_of(self, channel: ChannelName) -> ChannelKind | None:
        kind = self.kinds.get(channel.kind)
        if kind is None or channel.sub not in kind.subs:
            return None
        return kind

    def presence_channel(self, channel: ChannelName) -> str | None:
        kind = self.kind_of(channel)
        return kind.presence(channel) if kind is not None and kind.presence else None

    async def may_subscribe(self, caller: Caller, channel: ChannelName) -> bool:
        kind = self.kind_of(channel)
        return kind is not None and await kind.policy(caller, channel)

    async def call(self, caller: Caller, name: str, params: dict[str, Any]) -> Any:
        spec = self.methods[name]
        if spec.roles is not None and caller.role not in spec.roles:
            raise Forbidden(f"{name} needs one of the roles: {', '.join(sorted(spec.roles))}")
        return await spec.handler(caller, params)
