"""The ``user:<id>`` channel: a user's own progress, enrollments, certificates, payments."""

from __future__ import annotations

from aiohttp import web

from lms_rt.realtime.registry import Caller, ChannelName, RealtimeRegistry


async def own_channel(caller: Caller, channel: ChannelName) -> bool:
    """Only that user; nobody else, admins included, reads another's private stream."""
    return caller.user_id == channel.id


def register(registry: RealtimeRegistry, app: web.Application) -> None:
    registry.channel("user", own_channel)
