"""A PostgreSQL server of a test's own, migrated, for tests that stop and start it.

The session's server is shared by every test; one that a test takes down must be its own.
Migrations run in a child process: running them here would replace this process's ORM context.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.harness.services import PostgresServer


async def migrate_in_child(url: str, secret_key: str) -> None:
    migrating = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lms_rt",
        "migrate",
        env={**os.environ, "LMS_DATABASE_URL": url, "LMS_SECRET_KEY": secret_key},
    )
    assert await migrating.wait() == 0, "lms-rt migrate failed"


@asynccontextmanager
async def migrated_postgres(secret_key: str) -> AsyncIterator[PostgresServer]:
    with PostgresServer() as server:
        await migrate_in_child(server.url, secret_key)
        yield server
