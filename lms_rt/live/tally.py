"""Adding a closed question to every participant's totals: two set-based statements.

A room of a thousand would otherwise be a thousand row updates (or one enormous ``CASE``
statement that takes longer to build than to run) between ``closes_at`` and the moment the
room hears the result. The SQL is plain enough for both PostgreSQL and SQLite.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from tortoise.connection import get_connection

_ANSWER = (
    "FROM live_answers a WHERE a.participant_id = live_participants.id "
    "AND a.question_index = {index}"
)

_ANSWERED = """
UPDATE live_participants SET
    score = score + (SELECT a.points {answer}),
    correct_count = correct_count + (SELECT CASE WHEN a.correct THEN 1 ELSE 0 END {answer}),
    streak = CASE WHEN (SELECT a.correct {answer}) THEN streak + 1 ELSE 0 END,
    answer_ms = answer_ms
        + (SELECT CASE WHEN a.elapsed_ms < {limit} THEN a.elapsed_ms ELSE {limit} END {answer})
WHERE session_id = {session} AND kicked_at IS NULL
    AND id IN (SELECT participant_id FROM live_answers
               WHERE session_id = {session} AND question_index = {index})
"""

# Silence breaks a streak and is never faster than an answer.
_SILENT = """
UPDATE live_participants SET streak = 0, answer_ms = answer_ms + {limit}
WHERE session_id = {session} AND kicked_at IS NULL
    AND id NOT IN (SELECT participant_id FROM live_answers
                   WHERE session_id = {session} AND question_index = {index})
"""


async def add_question(session_id: uuid.UUID, index: int, limit_ms: int) -> None:
    """Inside the closing transaction (the connection in context is the transaction's)."""
    connection = get_connection("default")
    postgres = connection.capabilities.dialect == "postgres"
    named = {
        "session": session_id if postgres else str(session_id),
        "index": index,
        "limit": limit_ms,
    }
    for template in (_ANSWERED, _SILENT):
        sql, values = _bind(template.replace("{answer}", _ANSWER), named, postgres)
        await connection.execute_query(sql, values)


_NAME = re.compile(r"\{(session|index|limit)\}")


def _bind(template: str, named: dict[str, Any], postgres: bool) -> tuple[str, list[Any]]:
    """Numbered placeholders for PostgreSQL, positional ones (in order of use) for SQLite."""
    values: list[Any] = []

    def place(match: re.Match[str]) -> str:
        values.append(named[match.group(1)])
        return f"${len(values)}" if postgres else "?"

    return _NAME.sub(place, template), values
