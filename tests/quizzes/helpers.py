"""Set-up for the quiz tests: courses, quizzes, students and a clock the test moves.

Courses and enrollments are made through the app's services; quizzes, questions and attempts
through HTTP, as a client would. Nothing here hides an assertion a test relies on.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.schemas import CourseCreate, LessonCreate
from lms_rt.enrollments.models import Enrollment, EnrollmentSource
from lms_rt.enrollments.service import admit
from lms_rt.users.models import Role, User
from tests.factories import signed_in
from tests.harness.ws import WsClient

API = "/api/v1"
_n = itertools.count(1)

# Values that appear only in answer keys and explanations, so a scan can find them anywhere.
SECRET_ACCEPTED = "Zanzibarite"
SECRET_ACCEPTED_2 = "Kilimanjarium"
SECRET_VALUE = 7318.625
SECRET_EXPLANATION = "EXPLAINED-because-quokka"

CHOICES = [
    {"id": "a", "text": "two"},
    {"id": "b", "text": "four"},
    {"id": "c", "text": "five"},
    {"id": "d", "text": "nine"},
]


def single(points: float = 1, correct: str = "a", **extra: Any) -> dict[str, Any]:
    return {
        "text": f"Single {next(_n)}",
        "type": "single_choice",
        "points": points,
        "options": CHOICES,
        "answer_key": {"correct": correct},
        **extra,
    }


def multiple(points: float = 2, correct: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "text": f"Multiple {next(_n)}",
        "type": "multiple_choice",
        "points": points,
        "options": CHOICES,
        "answer_key": {"correct": ["a", "c"] if correct is None else correct},
        **extra,
    }


def true_false(points: float = 1, correct: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "text": f"True or false {next(_n)}",
        "type": "true_false",
        "points": points,
        "answer_key": {"correct": correct},
        **extra,
    }


def short(points: float = 1, accepted: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "text": f"Short {next(_n)}",
        "type": "short_answer",
        "points": points,
        "answer_key": {
            "accepted": [SECRET_ACCEPTED, SECRET_ACCEPTED_2] if accepted is None else accepted
        },
        **extra,
    }


def numeric(
    points: float = 1, value: float = SECRET_VALUE, tolerance: float = 0.5, **extra: Any
) -> dict[str, Any]:
    return {
        "text": f"Numeric {next(_n)}",
        "type": "numeric",
        "points": points,
        "answer_key": {"value": value, "tolerance": tolerance},
        **extra,
    }


def essay(points: float = 5, **extra: Any) -> dict[str, Any]:
    return {"text": f"Essay {next(_n)}", "type": "essay", "points": points, **extra}


class Clock:
    """The app's clock, frozen at ``at`` and moved only by the test."""

    def __init__(self, client: TestClient, monkeypatch: Any, at: datetime | None = None) -> None:
        self.at = at or datetime.now(UTC).replace(microsecond=0)
        monkeypatch.setattr(client.app[keys.DEPS].clock, "now", lambda: self.at)

    def set(self, at: datetime) -> None:
        self.at = at

    def move(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


def when(text: str) -> datetime:
    """A timestamp from a response body."""
    return datetime.fromisoformat(text)


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- courses, staff and students -----------------------------------------------------------


async def course_with_staff(
    client: TestClient, lessons: int = 1, **user: Any
) -> tuple[User, dict[str, str], Any]:
    """A published course with ``lessons`` published lessons, its instructor and their headers."""
    teacher, headers = await signed_in(client, Role.INSTRUCTOR, **user)
    deps = client.app[keys.DEPS]
    course = await courses.create_course(deps, teacher, CourseCreate(title=f"Course {next(_n)}"))
    for i in range(lessons):
        await courses.create_lesson(
            deps, course, LessonCreate(title=f"Lesson {i + 1}", is_published=True)
        )
    course = await courses.publish_course(deps, course)
    return teacher, headers, course


async def student_in(client: TestClient, course: Any, **user: Any) -> tuple[User, dict, Any]:
    """A signed-in student enrolled (active) in ``course``."""
    student, headers = await signed_in(client, Role.STUDENT, **user)
    enrollment = await admit(client.app[keys.DEPS], student, course, EnrollmentSource.FREE)
    return student, headers, enrollment


async def enrollment_of(student: User, course: Any) -> Enrollment:
    return await Enrollment.get(student_id=student.id, course_id=course.id)


# --- quizzes -------------------------------------------------------------------------------


async def create_quiz(
    client: TestClient,
    headers: dict[str, str],
    course: Any,
    questions: list[dict[str, Any]] | None = None,
    *,
    publish: bool = True,
    **fields: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A quiz through the API with ``questions`` imported; published unless told otherwise.
    Returns the quiz and its questions as staff see them (with keys), in authored order."""
    body = {"course_id": str(course.id), "title": f"Quiz {next(_n)}", **fields}
    for name in ("available_from", "available_until"):
        if isinstance(body.get(name), datetime):
            body[name] = body[name].isoformat()
    response = await client.post(f"{API}/quizzes", json=body, headers=headers)
    assert response.status == 201, await response.text()
    quiz = await response.json()
    staff_questions: list[dict[str, Any]] = []
    if questions:
        response = await client.post(
            f"{API}/quizzes/{quiz['id']}/questions/import",
            json={"questions": questions},
            headers=headers,
        )
        assert response.status == 201, await response.text()
        staff_questions = await response.json()
    if publish:
        response = await client.post(f"{API}/quizzes/{quiz['id']}/publish", headers=headers)
        assert response.status == 200, await response.text()
        quiz = await response.json()
    return quiz, staff_questions


async def start(client: TestClient, quiz: dict[str, Any], headers: dict[str, str]) -> dict:
    response = await client.post(f"{API}/quizzes/{quiz['id']}/attempts", headers=headers)
    assert response.status == 201, await response.text()
    return await response.json()


async def save(
    client: TestClient, attempt_id: str, headers: dict[str, str], *answers: tuple[str, Any]
) -> aiohttp.ClientResponse:
    body = {"answers": [{"question_id": q, "response": r} for q, r in answers]}
    return await client.put(f"{API}/attempts/{attempt_id}/answers", json=body, headers=headers)


async def submit(client: TestClient, attempt_id: str, headers: dict[str, str]) -> dict:
    response = await client.post(f"{API}/attempts/{attempt_id}/submit", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def get_attempt(client: TestClient, attempt_id: str, headers: dict[str, str]) -> dict:
    response = await client.get(f"{API}/attempts/{attempt_id}", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def error_of(response: aiohttp.ClientResponse) -> tuple[int, str]:
    body = await response.json()
    return response.status, body["error"]["code"]


# --- websockets ----------------------------------------------------------------------------


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].split(" ", 1)[1]


class RecordingSocket:
    """An aiohttp client websocket that keeps the text of every frame it receives."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, sink: list[str]) -> None:
        self._ws = ws
        self.sink = sink

    async def receive(self, timeout: float | None = None) -> aiohttp.WSMessage:
        message = await self._ws.receive(timeout=timeout)
        if message.type == aiohttp.WSMsgType.TEXT:
            self.sink.append(message.data)
        return message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)


async def socket(
    client: TestClient, headers: dict[str, str], *channels: str, sink: list[str] | None = None
) -> WsClient:
    """A signed-in ``/ws`` subscribed to ``channels`` (every frame kept in ``sink`` if given)."""
    raw = await client.ws_connect("/ws")
    ws = WsClient(RecordingSocket(raw, sink) if sink is not None else raw)  # type: ignore[arg-type]
    await ws.auth(token_of(headers))
    for channel in channels:
        ack = await ws.sub(channel)
        assert ack["op"] == "ack", ack
    return ws


async def events_until_marker(client: TestClient, ws: WsClient, channel: str) -> list[dict]:
    """Every event ``ws`` gets before a marker published now on ``channel`` (presence aside):
    what arrived by now, and proof that nothing else is on its way."""
    marker = f"marker-{next(_n)}"
    await client.app[keys.BUS].publish(channel, marker, {})
    got = []
    while True:
        frame = await ws.expect("event")
        if frame["type"] == marker:
            return got
        # Presence and the inbox's own pushes are not what these tests follow.
        if frame["type"] not in ("presence.changed", "notification.created"):
            got.append(frame)


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
