"""Grouped counts by day or month, in SQL, on PostgreSQL and SQLite alike.

Tortoise cannot group by a truncated date, so these few queries are written out; the column
and table names are ours (never input), and every value is a bound parameter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from tortoise.connection import get_connection

Bucket = Literal["day", "month"]


_PG_FORMAT = {"day": "YYYY-MM-DD", "month": "YYYY-MM"}
_SQLITE_FORMAT = {"day": "%Y-%m-%d", "month": "%Y-%m"}


def _bucket(column: str, bucket: Bucket, postgres: bool) -> str:
    if postgres:
        return f"to_char({column} AT TIME ZONE 'UTC', '{_PG_FORMAT[bucket]}')"
    return f"strftime('{_SQLITE_FORMAT[bucket]}', {column})"


async def counts_by(
    table: str,
    column: str,
    bucket: Bucket,
    since: datetime,
    where: dict[str, Any] | None = None,
    total: str | None = None,
) -> list[tuple[str, int]]:
    """``[(period, count or sum of total), ...]`` for rows with ``column >= since``."""
    connection = get_connection("default")
    postgres = connection.capabilities.dialect == "postgres"
    values: list[Any] = []

    def param(value: Any) -> str:
        values.append(value if postgres or not hasattr(value, "hex") else str(value))
        return f"${len(values)}" if postgres else "?"

    conditions = [f"{column} >= {param(since)}"]
    for name, value in (where or {}).items():
        conditions.append(f"{name} = {param(value)}")
    period = _bucket(column, bucket, postgres)
    measure = f"SUM({total})" if total else "COUNT(*)"
    # Identifiers come from this package's own constants; every value is a bound parameter.
    sql = (
        f"SELECT {period} AS period, {measure} AS n FROM {table} "  # noqa: S608
        f"WHERE {' AND '.join(conditions)} GROUP BY period ORDER BY period"
    )
    rows = await connection.execute_query_dict(sql, values)
    return [(str(row["period"]), int(row["n"] or 0)) for row in rows]
