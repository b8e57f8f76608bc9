"""Set-up for live session tests: a course with its host, students, a quiz or lesson, a session.

Courses, enrollments and quizzes are made as in the quiz tests; sessions are created and joined
through the API, as clients do.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt.courses.models import Lesson
from tests.harness.ws import WsClient
from tests.quizzes.helpers import API, create_quiz

ROOM_EVENTS_OF_NO_INTEREST = frozenset({"presence.changed", "answer.count"})


async def create_live(
    client: TestClient, headers: dict[str, str], course: Any, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/live/sessions", json={"course_id": str(course.id), **body}, headers=headers
    )
    assert response.status == 201, await response.text()
    session: dict[str, Any] = await response.json()
    return session


async def live_quiz(
    client: TestClient,
    headers: dict[str, str],
    course: Any,
    questions: list[dict[str, Any]],
    **settings: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A live quiz session over a new quiz with ``questions``; the session and the questions
    as staff see them (with answer keys)."""
    quiz, staff_questions = await create_quiz(client, headers, course, questions)
    session = await create_live(
        client, headers, course, kind="quiz", quiz_id=quiz["id"], **settings
    )
    return session, staff_questions


async def live_lesson(client: TestClient, headers: dict[str, str], course: Any) -> dict[str, Any]:
    lesson = await Lesson.filter(course_id=course.id).first()
    assert lesson is not None
    return await create_live(client, headers, course, kind="lesson", lesson_id=str(lesson.id))


async def join(client: TestClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    response = await client.post(f"{API}/live/join", json={"code": code}, headers=headers)
    assert response.status == 200, await response.text()
    joined: dict[str, Any] = await response.json()
    return joined


async def ok(ws: WsClient, method: str, **params: Any) -> Any:
    """Call ``method`` and return its result, failing the test on an error reply."""
    reply = await ws.call(method, params)
    assert "result" in reply, reply
    return reply["result"]


async def refused(ws: WsClient, method: str, **params: Any) -> str:
    """Call ``method`` expecting an error reply; its code."""
    reply = await ws.call(method, params)
    assert "error" in reply, reply
    code: str = reply["error"]["code"]
    return code


async def next_event(ws: WsClient, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next event of type ``kind`` (others read past stay queued)."""
    frame = await ws._first(lambda f: f.get("op") == "event" and f.get("type") == kind, timeout)
    return frame
