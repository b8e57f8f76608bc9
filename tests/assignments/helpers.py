"""Set-up for the assignment tests: a course with an assignment lesson, its instructor, students,
and the calls a client makes (create, upload, submit, grade, return) over HTTP.

Courses, lessons and enrollments come from the app's services; assignments and submissions
through the API. Nothing here hides an assertion a test relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from lms_rt.courses.models import LessonType
from lms_rt.users.models import User
from tests.factories import create_lesson
from tests.files.helpers import uploaded
from tests.quizzes.helpers import course_with_staff, student_in

API = "/api/v1"


@dataclass
class Setup:
    teacher: User
    teacher_headers: dict[str, str]
    course: Any
    lesson: Any
    assignment: dict[str, Any]


def body_of(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


async def create_assignment(
    client: TestClient, headers: dict[str, str], lesson: Any, **fields: Any
) -> aiohttp.ClientResponse:
    fields.setdefault("submission_types", ["text", "url", "file"])
    return await client.post(
        f"{API}/assignments", json=body_of({"lesson_id": str(lesson.id), **fields}), headers=headers
    )


async def assignment_course(
    client: TestClient, *, lesson_fields: dict[str, Any] | None = None, **fields: Any
) -> Setup:
    """A published course whose second lesson is a published assignment lesson, with its
    assignment made through the API by the course's instructor."""
    teacher, headers, course = await course_with_staff(client, lessons=1)
    lesson = await create_lesson(
        client, course, type=LessonType.ASSIGNMENT, title="Essay", **(lesson_fields or {})
    )
    response = await create_assignment(client, headers, lesson, **fields)
    assert response.status == 201, await response.text()
    return Setup(teacher, headers, course, lesson, await response.json())


async def enrolled(client: TestClient, setup: Setup, **user: Any) -> tuple[User, dict[str, str]]:
    student, headers, _ = await student_in(client, setup.course, **user)
    return student, headers


async def submit(
    client: TestClient, setup: Setup, headers: dict[str, str], **body: Any
) -> aiohttp.ClientResponse:
    body.setdefault("body", "My answer")
    return await client.post(
        f"{API}/assignments/{setup.assignment['id']}/submissions", json=body, headers=headers
    )


async def submitted(
    client: TestClient, setup: Setup, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await submit(client, setup, headers, **body)
    assert response.status == 201, await response.text()
    return await response.json()


async def grade(
    client: TestClient, submission_id: str, headers: dict[str, str], **body: Any
) -> aiohttp.ClientResponse:
    return await client.post(f"{API}/submissions/{submission_id}/grade", json=body, headers=headers)


async def graded(
    client: TestClient, submission_id: str, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await grade(client, submission_id, headers, **body)
    assert response.status == 200, await response.text()
    return await response.json()


async def return_for_resubmission(
    client: TestClient, submission_id: str, headers: dict[str, str], feedback: str = "Try again"
) -> aiohttp.ClientResponse:
    return await client.post(
        f"{API}/submissions/{submission_id}/return", json={"feedback": feedback}, headers=headers
    )


async def upload_for(
    client: TestClient, setup: Setup, headers: dict[str, str], data: bytes, filename: str
) -> dict[str, Any]:
    """A submission file of the student's for the setup's assignment lesson."""
    return await uploaded(
        client, headers, data, purpose="submission", lesson=setup.lesson, filename=filename
    )


async def mine(client: TestClient, setup: Setup, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get(
        f"{API}/assignments/{setup.assignment['id']}/submissions/mine", headers=headers
    )
    assert response.status == 200, await response.text()
    return await response.json()


async def error_of(response: aiohttp.ClientResponse) -> tuple[int, dict[str, Any]]:
    body = await response.json()
    return response.status, body["error"]
