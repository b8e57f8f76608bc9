"""Telling a backing service that is away (PostgreSQL or Redis restarting, a network blip)
from a bug, so that the API answers 503 with ``Retry-After`` rather than 500.

Drivers raise their own connection errors and the ORM sometimes wraps them, so the whole
chain of causes is searched.
"""

from __future__ import annotations

import socket

import asyncpg
import redis.exceptions
from tortoise.exceptions import DBConnectionError

RETRY_AFTER_SECONDS = 5

_OUTAGES: tuple[type[BaseException], ...] = (
    DBConnectionError,
    asyncpg.exceptions.PostgresConnectionError,  # refused, server starting or shutting down
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed" and the like
    # A connection the server cut in the middle of an operation sometimes reports a protocol
    # state error instead ("cannot switch to state 12; another operation is in progress").
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,  # refused, aborted, broken pipe
    socket.gaierror,  # a database or Redis host name that does not resolve right now
    TimeoutError,
)


def is_outage(error: BaseException) -> bool:
    """A client going away (``ConnectionResetError`` on the request's own socket) is handled
    before this is asked."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _OUTAGES):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
