"""``quiz.save_answer`` over the websocket: the same autosave as ``PUT /attempts/{id}/answers``."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from lms_rt import keys
from lms_rt.errors import NotFound
from lms_rt.http.parsing import validate
from lms_rt.quizzes.attempts import closes_at, save_answers
from lms_rt.quizzes.models import Quiz
from lms_rt.quizzes.schemas import AnswerIn
from lms_rt.realtime.registry import Caller, RealtimeRegistry
from lms_rt.users.models import User


class SaveAnswerParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attempt_id: uuid.UUID
    answers: list[AnswerIn]


def register(registry: RealtimeRegistry, app: web.Application) -> None:
    async def save_answer(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        data = validate(SaveAnswerParams, params)
        user = await User.filter(id=caller.user_id, is_active=True).first()
        if user is None:
            raise NotFound("No such attempt")
        deps = app[keys.DEPS]
        attempt = await save_answers(deps, user, data.attempt_id, data.answers)
        quiz = await Quiz.get(id=attempt.quiz_id)
        ends = closes_at(attempt, quiz)
        return {
            "saved": [str(a.question_id) for a in data.answers],
            "server_time": deps.clock.now().isoformat(),
            "closes_at": ends.isoformat() if ends else None,
        }

    registry.method("quiz.save_answer", save_answer)
