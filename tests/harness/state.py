"""Per-test isolation: empty every table and the Redis database before a test runs."""

from __future__ import annotations

from redis.asyncio import Redis
from tortoise import Tortoise, connections

# aerich's own table records applied migrations; it must survive between tests.
KEEP_TABLES = frozenset({"aerich"})


async def reset_database() -> None:
    connection = connections.get("default")
    tables = sorted(
        model._meta.db_table
        for model in Tortoise.apps.get_models_iterable()
        if model._meta.db_table not in KEEP_TABLES
    )
    if not tables:
        return
    if connection.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            await connection.execute_script(f'DELETE FROM "{table}"')


async def flush_redis(url: str) -> None:
    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
