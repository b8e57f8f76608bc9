"""Attempts: history kept, resubmission while allowed, a return asks for another, and racing
submits never share an attempt number."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from lms_rt.assignments.models import Submission
from tests.assignments.helpers import (
    API,
    assignment_course,
    enrolled,
    error_of,
    graded,
    mine,
    return_for_resubmission,
    submit,
    submitted,
)
from tests.quizzes.helpers import Clock

DUE = datetime(2030, 6, 1, 9, 0, tzinfo=UTC)


async def test_resubmission_keeps_every_attempt_newest_first(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(days=2))
    setup = await assignment_course(client, due_at=DUE, allow_resubmission=True)
    _, headers = await enrolled(client, setup)
    first = await submitted(client, setup, headers, body="Draft")
    await graded(client, first["id"], setup.teacher_headers, raw_score=40, feedback="Go deeper")
    clock.move(hours=5)
    second = await submitted(client, setup, headers, body="Better", url="https://example.org/x")
    assert (first["attempt"], second["attempt"]) == (1, 2)
    history = await mine(client, setup, headers)
    assert [s["attempt"] for s in history] == [2, 1]
    assert [s["body"] for s in history] == ["Better", "Draft"]
    # The first keeps its grade; the new one waits for one.
    assert history[1]["score"] == 40 and history[1]["feedback"] == "Go deeper"
    assert history[0]["status"] == "submitted" and history[0]["score"] is None
    assert history[0]["url"] == "https://example.org/x"

    # After the due date (refuse policy) a resubmission is refused like a first submission.
    clock.set(DUE + timedelta(minutes=1))
    status, error = await error_of(await submit(client, setup, headers))
    assert status == 409 and error["details"][0]["reason"] == "past_due"
    assert len(await mine(client, setup, headers)) == 2


async def test_a_second_submission_is_refused_when_resubmission_is_not_allowed(client):
    setup = await assignment_course(client, allow_resubmission=False)
    _, headers = await enrolled(client, setup)
    await submitted(client, setup, headers)
    status, error = await error_of(await submit(client, setup, headers, body="Again"))
    assert status == 409 and error["code"] == "submission_refused"
    assert error["details"] == [{"reason": "resubmission_not_allowed", "attempt": 1}]
    assert "takes no resubmissions" in error["message"]
    assert [s["body"] for s in await mine(client, setup, headers)] == ["My answer"]


async def test_a_returned_submission_may_be_followed_by_another_attempt(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(days=1))
    setup = await assignment_course(
        client,
        due_at=DUE,
        late_policy="accept",
        late_days=2,
        late_penalty_percent=10,
        allow_resubmission=False,
    )
    _, headers = await enrolled(client, setup)
    clock.set(DUE + timedelta(hours=3))  # one started day late
    first = await submitted(client, setup, headers)
    assert first["penalty_percent"] == 10
    await graded(client, first["id"], setup.teacher_headers, raw_score=50)

    # Returned well after the late window closed: staff asked, so it is accepted anyway...
    clock.set(DUE + timedelta(days=9))
    response = await return_for_resubmission(
        client, first["id"], setup.teacher_headers, "Cite your sources"
    )
    assert response.status == 200, await response.text()
    returned = await response.json()
    assert returned["status"] == "returned" and returned["feedback"] == "Cite your sources"
    # ...and the grade it had stays until the new attempt is graded.
    assert returned["score"] == 45.0
    second = await submitted(client, setup, headers, body="With sources")
    # ...keeping the lateness of the returned attempt, not the days staff took to review.
    assert (second["attempt"], second["is_late"], second["days_late"]) == (2, True, 1)
    assert second["penalty_percent"] == 10
    # One new attempt per return: without resubmission allowed, a third is refused.
    status, error = await error_of(await submit(client, setup, headers, body="Third"))
    assert status == 409 and error["details"][0]["reason"] == "resubmission_not_allowed"

    # Only the newest attempt can be returned, and only once.
    response = await return_for_resubmission(client, first["id"], setup.teacher_headers)
    assert response.status == 409
    assert (
        await return_for_resubmission(client, second["id"], setup.teacher_headers)
    ).status == 200
    response = await return_for_resubmission(client, second["id"], setup.teacher_headers)
    assert response.status == 409


async def test_a_return_before_the_due_date_makes_an_on_time_attempt(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(days=3))
    setup = await assignment_course(client, due_at=DUE, allow_resubmission=False)
    _, headers = await enrolled(client, setup)
    first = await submitted(client, setup, headers)
    await return_for_resubmission(client, first["id"], setup.teacher_headers)
    clock.move(days=1)
    second = await submitted(client, setup, headers)
    assert second["is_late"] is False and second["attempt"] == 2


async def test_racing_submits_never_share_an_attempt_number(client):
    single = await assignment_course(client, allow_resubmission=False)
    student, headers = await enrolled(client, single)
    responses = await asyncio.gather(
        *(submit(client, single, headers, body=f"Copy {i}") for i in range(6))
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    rows = await Submission.filter(student_id=student.id)
    assert [r.attempt for r in rows] == [1]

    many = await assignment_course(client, allow_resubmission=True)
    student, headers = await enrolled(client, many)
    responses = await asyncio.gather(
        *(submit(client, many, headers, body=f"Copy {i}") for i in range(6))
    )
    assert all(r.status == 201 for r in responses), [r.status for r in responses]
    attempts = sorted(
        await Submission.filter(student_id=student.id).values_list("attempt", flat=True)
    )
    assert attempts == [1, 2, 3, 4, 5, 6]


async def test_submissions_must_fit_the_assignment(client):
    setup = await assignment_course(client, submission_types=["url"])
    _, headers = await enrolled(client, setup)
    status, error = await error_of(await submit(client, setup, headers, body="Text"))
    assert status == 422 and error["details"][0]["field"] == "body"
    status, error = await error_of(await submit(client, setup, headers, body=""))
    assert status == 422 and error["details"] == [{"field": "url", "message": "missing"}]
    status, _ = await error_of(await submit(client, setup, headers, body="", url="javascript:x"))
    assert status == 422
    response = await client.post(
        f"{API}/assignments/{setup.assignment['id']}/submissions",
        json={"url": "https://example.org", "score": 100},
        headers=headers,
    )
    assert response.status == 422  # unknown fields are refused
    assert await mine(client, setup, headers) == []
    result = await submitted(client, setup, headers, body="", url="https://example.org/work")
    assert result["url"] == "https://example.org/work" and result["body"] == ""
