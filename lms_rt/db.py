"""Database lifecycle and transactions whose side effects wait for the commit.

Tortoise has no on-commit hook, so events and jobs raised inside :func:`atomic` are buffered
and flushed only after the outermost transaction commits; a rollback drops them.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tortoise.context import TortoiseContext, set_global_context
from tortoise.models import Model
from tortoise.transactions import in_transaction

from lms_rt.config import Settings, tortoise_config
from lms_rt.deps import Deps
from lms_rt.errors import Invalid

log = logging.getLogger(__name__)

# Raw DDL that model Meta cannot express (partial unique indexes). The PostgreSQL migrations
# carry the same statements; SQLite gets them after schema generation.
POST_SCHEMA_SQL: tuple[str, ...] = (
    # One attempt in progress per student and quiz: a second tab or a racing start reuses it.
    'CREATE UNIQUE INDEX IF NOT EXISTS "quiz_attempts_one_in_progress" '
    'ON "quiz_attempts" ("quiz_id", "student_id") WHERE "status" = \'in_progress\'',
    # One session per join code among those not ended: a code is reused only once it is free.
    'CREATE UNIQUE INDEX IF NOT EXISTS "live_sessions_open_code" '
    'ON "live_sessions" ("join_code") WHERE "state" <> \'ended\'',
    # The audit trail is append-only (PostgreSQL refuses deletes too; tests here reset by DELETE).
    'CREATE TRIGGER IF NOT EXISTS "audit_events_append_only" BEFORE UPDATE ON "audit_events" '
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)


@asynccontextmanager
async def open_database(settings: Settings, *, prepare_sqlite: bool = True) -> AsyncIterator[None]:
    """Initialise Tortoise for this process and close it on exit.

    On the embedded SQLite default the schema is created in place; PostgreSQL is migrated by
    ``lms-rt migrate`` and never by a starting server.
    """
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    context = TortoiseContext()
    # Request handlers run in tasks that did not inherit the start-up context: this process's
    # one database context is the global fallback (cleared again by close_connections).
    set_global_context(context)
    try:
        await context.init(config=tortoise_config(settings))
        if settings.is_sqlite and prepare_sqlite:
            await prepare_sqlite_schema(context)
        yield
    finally:
        await context.close_connections()


async def prepare_sqlite_schema(context: TortoiseContext) -> None:
    await context.generate_schemas(safe=True)
    connection = context.db()
    for statement in POST_SCHEMA_SQL:
        await connection.execute_script(statement)


@dataclass
class PostCommit:
    """Events and jobs waiting for the outermost transaction to commit."""

    deps: Deps
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    jobs: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def publish(self, channel: str, type: str, data: dict[str, Any]) -> None:
        self.events.append((channel, type, data))

    def enqueue(self, job: str, *args: Any, **options: Any) -> None:
        self.jobs.append((job, args, options))

    async def flush(self) -> None:
        # Committed state is the truth: a failed publish or enqueue is logged, not raised,
        # because the caller's change already happened and clients can refetch it.
        for channel, type, data in self.events:
            try:
                await self.deps.bus.publish(channel, type, data)
            except Exception:
                log.exception("publishing %s on %s failed after commit", type, channel)
        for job, args, options in self.jobs:
            try:
                await self.deps.jobs.enqueue(job, *args, **options)
            except Exception:
                log.exception("enqueueing %s failed after commit", job)


_current: contextvars.ContextVar[PostCommit | None] = contextvars.ContextVar(
    "lms_post_commit", default=None
)


@asynccontextmanager
async def atomic(deps: Deps) -> AsyncIterator[PostCommit]:
    """A transaction; nested calls join the outer one and share its post-commit buffer."""
    outer = _current.get()
    if outer is not None:
        async with in_transaction():
            yield outer
        return
    effects = PostCommit(deps)
    token = _current.set(effects)
    try:
        async with in_transaction():
            yield effects
    finally:
        _current.reset(token)
    await effects.flush()


def after_commit() -> PostCommit:
    """The buffer of the enclosing :func:`atomic` block, for effects raised deep in a service."""
    effects = _current.get()
    if effects is None:
        raise RuntimeError("after_commit() needs an enclosing atomic() block")
    return effects


def refuse_nulls(model: type[Model], changes: dict[str, Any]) -> None:
    """An explicit ``null`` for a column that cannot hold one is the caller's mistake (422),
    not a database error."""
    fields = model._meta.fields_map
    nulls = [
        name
        for name, value in changes.items()
        if value is None and name in fields and not fields[name].null
    ]
    if nulls:
        raise Invalid(
            f"{', '.join(nulls)} cannot be null",
            details=[{"field": name, "message": "cannot be null"} for name in nulls],
        )
