"""The job that closes an abandoned attempt at deadline + grace."""

from __future__ import annotations

import uuid
from typing import Any

from arq import Retry

from lms_rt.deps import Deps
from lms_rt.quizzes.attempts import close, closes_at
from lms_rt.quizzes.models import AttemptStatus, Quiz, QuizAttempt


async def close_quiz_attempt(ctx: dict[str, Any], attempt_id: str) -> str:
    """Idempotent: an attempt already closed (by its student, a read, or an earlier run) is
    left alone; fired early (clocks differ), it waits for the rest."""
    deps: Deps = ctx["deps"]
    attempt = await QuizAttempt.filter(id=uuid.UUID(attempt_id)).first()
    if attempt is None or attempt.status != AttemptStatus.IN_PROGRESS:
        return "already closed"
    quiz = await Quiz.get(id=attempt.quiz_id)
    ends = closes_at(attempt, quiz)
    if ends is None:
        return "untimed"
    remaining = (ends - deps.clock.now()).total_seconds()
    if remaining > 0:
        raise Retry(defer=remaining + 0.5)
    return "closed" if await close(deps, attempt.id, by="deadline") else "already closed"
