"""``lms-rt migrate``: aerich migrations on PostgreSQL, schema generation on SQLite.

With several replicas the migration runs once per deploy, under a PostgreSQL advisory lock so
that two concurrent runs apply each migration once.
"""

from __future__ import annotations

import logging

import asyncpg
from aerich import Command

from lms_rt.config import Settings, tortoise_config
from lms_rt.db import open_database
from lms_rt.paths import MIGRATIONS_DIR

log = logging.getLogger(__name__)

# An arbitrary constant shared by every lms-rt process: "the lms_rt migration lock".
MIGRATION_LOCK_KEY = 0x6C6D735F7274


async def migrate(settings: Settings) -> list[str]:
    """Bring the database to the models' schema; returns what was applied."""
    if settings.is_sqlite:
        async with open_database(settings):
            pass
        return ["sqlite schema"]
    lock = await asyncpg.connect(_asyncpg_dsn(settings.effective_database_url))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        # A migration may rewrite a large table: no statement or idle-transaction limit.
        unlimited = settings.model_copy(
            update={"db_statement_timeout_ms": 0, "db_idle_in_transaction_timeout_ms": 0}
        )
        async with Command(
            tortoise_config=tortoise_config(unlimited),
            app="models",
            location=str(MIGRATIONS_DIR),
        ) as command:
            applied = await command.upgrade(run_in_transaction=True)
        for name in applied:
            log.info("applied migration %s", name)
        return applied
    finally:
        await lock.close()


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)
