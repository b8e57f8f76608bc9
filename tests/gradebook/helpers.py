"""Set-up for the gradebook tests.

Quizzes and attempts go through the API (as in the quiz tests). Assignments and their
submissions are rows made with the ORM: test set-up for the tables the gradebook reads.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from tortoise import connections

from lms_rt.assignments.models import Assignment, Submission, SubmissionStatus
from lms_rt.courses.models import Lesson, LessonType
from tests.quizzes.helpers import API, save, single, start, submit

_n = itertools.count(1)


def four_questions() -> list[dict[str, Any]]:
    """Four one-point questions whose right answer is "a": k right answers make k * 25 %."""
    return [single(points=1, correct="a") for _ in range(4)]


async def take(
    client: TestClient, quiz: dict, questions: list[dict], headers: dict, right: int
) -> dict:
    """An attempt answering the first ``right`` questions right and the others wrong."""
    attempt = await start(client, quiz, headers)
    answers = [(q["id"], "a" if i < right else "b") for i, q in enumerate(questions)]
    response = await save(client, attempt["id"], headers, *answers)
    assert response.status == 200, await response.text()
    return await submit(client, attempt["id"], headers)


async def create_assignment(
    course: Any, *, published: bool = True, max_points: float = 100, **fields: Any
) -> Assignment:
    n = next(_n)
    lesson = await Lesson.create(
        course_id=course.id,
        title=f"Assignment lesson {n}",
        slug=f"assignment-lesson-{n}",
        type=LessonType.ASSIGNMENT,
        is_published=published,
        order=100 + n,
    )
    return await Assignment.create(
        course_id=course.id,
        lesson_id=lesson.id,
        title=fields.pop("title", f"Assignment {n}"),
        submission_types=["text"],
        max_points=max_points,
        **fields,
    )


async def create_submission(
    assignment: Assignment,
    student: Any,
    submitted_at: datetime,
    score: float | None,
    attempt: int = 1,
) -> Submission:
    return await Submission.create(
        assignment_id=assignment.id,
        student_id=student.id,
        attempt=attempt,
        body="My work",
        submitted_at=submitted_at,
        status=SubmissionStatus.SUBMITTED if score is None else SubmissionStatus.GRADED,
        raw_score=score,
        score=score,
    )


def category(key: str, weight: float, aggregate: str = "mean", drop: int = 0) -> dict:
    return {
        "key": key,
        "name": key.title(),
        "weight": weight,
        "aggregate": aggregate,
        "drop_lowest": drop,
    }


DEFAULT_SCALE = [
    {"letter": "A", "min": 90},
    {"letter": "B", "min": 80},
    {"letter": "C", "min": 70},
    {"letter": "D", "min": 60},
    {"letter": "F", "min": 0},
]


async def put_settings(
    client: TestClient, course: Any, headers: dict, categories: list[dict], scale=None
) -> Any:
    return await client.put(
        f"{API}/courses/{course.id}/gradebook/settings",
        json={"categories": categories, "letter_scale": scale or DEFAULT_SCALE},
        headers=headers,
    )


async def gradebook(client: TestClient, course: Any, headers: dict) -> dict:
    response = await client.get(f"{API}/courses/{course.id}/gradebook", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


def row_of(book: dict, student: Any) -> dict:
    [row] = [r for r in book["rows"] if r["student_id"] == str(student.id)]
    return row


def category_of(row: dict, key: str) -> dict:
    [found] = [c for c in row["categories"] if c["key"] == key]
    return found


async def override(client: TestClient, course: Any, headers: dict, **body: Any) -> Any:
    if "student_id" in body:
        body["student_id"] = str(body["student_id"])
    return await client.put(
        f"{API}/courses/{course.id}/gradebook/overrides", json=body, headers=headers
    )


@contextlib.contextmanager
def recorded_queries() -> Iterator[list[str]]:
    """Every statement sent on the default connection while the block runs."""
    cls = type(connections.get("default"))
    seen: list[str] = []

    def wrap(original):
        async def wrapper(self, query, values=None):
            seen.append(query)
            return await original(self, query, values)

        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        for name in ("execute_query", "execute_query_dict"):
            patch.setattr(cls, name, wrap(getattr(cls, name)))
        yield seen
