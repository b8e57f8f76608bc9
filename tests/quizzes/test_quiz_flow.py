"""A timed quiz end to end: author, publish, start, autosave over REST and /ws, submit."""

from __future__ import annotations

import json
from datetime import timedelta

from lms_rt import keys
from lms_rt.courses.models import Course
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.harness.ws import WsClient

QUESTIONS = [
    {"text": "2 + 2?", "type": "numeric", "points": 1, "answer_key": {"value": 4, "tolerance": 0}},
    {
        "text": "Capital of France?",
        "type": "short_answer",
        "points": 1,
        "answer_key": {"accepted": ["Paris"]},
    },
    {
        "text": "Pick primes",
        "type": "multiple_choice",
        "points": 2,
        "options": [{"id": "a", "text": "2"}, {"id": "b", "text": "4"}, {"id": "c", "text": "5"}],
        "answer_key": {"correct": ["a", "c"]},
    },
]


async def _course_with_quiz(client, teacher_headers, student_headers):
    course = await (
        await client.post("/api/v1/courses", json={"title": "Maths"}, headers=teacher_headers)
    ).json()
    await client.post(
        f"/api/v1/courses/{course['id']}/lessons",
        json={"title": "One", "is_published": True},
        headers=teacher_headers,
    )
    await client.post(f"/api/v1/courses/{course['id']}/publish", headers=teacher_headers)
    quiz = await (
        await client.post(
            "/api/v1/quizzes",
            json={
                "course_id": course["id"],
                "title": "Check",
                "time_limit_minutes": 10,
                "type": "graded",
                "grace_seconds": 5,
            },
            headers=teacher_headers,
        )
    ).json()
    imported = await client.post(
        f"/api/v1/quizzes/{quiz['id']}/questions/import",
        json={"questions": QUESTIONS},
        headers=teacher_headers,
    )
    assert imported.status == 201, await imported.text()
    assert (
        await client.post(f"/api/v1/quizzes/{quiz['id']}/publish", headers=teacher_headers)
    ).status == 200
    assert (
        await client.post(
            "/api/v1/enrollments", json={"course_id": course["id"]}, headers=student_headers
        )
    ).status == 201
    return course, quiz


async def test_timed_attempt_end_to_end(client, monkeypatch):
    _, teacher = await signed_in(client, Role.INSTRUCTOR)
    _, headers = await signed_in(client, Role.STUDENT)
    course, quiz = await _course_with_quiz(client, teacher, headers)
    started = await client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=headers)
    assert started.status == 201, await started.text()
    attempt = await started.json()
    assert "answer_key" not in json.dumps(attempt) and "Paris" not in json.dumps(attempt)
    again = await (
        await client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=headers)
    ).json()
    assert again["id"] == attempt["id"]
    by_text = {q["text"]: q["id"] for q in attempt["questions"]}
    saved = await client.put(
        f"/api/v1/attempts/{attempt['id']}/answers",
        json={
            "answers": [
                {"question_id": by_text["2 + 2?"], "response": 4},
                {"question_id": by_text["Capital of France?"], "response": "  PARIS "},
            ]
        },
        headers=headers,
    )
    assert saved.status == 200, await saved.text()
    ws = await WsClient.connect(client)
    await ws.auth(headers["Authorization"].split()[1])
    reply = await ws.call(
        "quiz.save_answer",
        {
            "attempt_id": attempt["id"],
            "answers": [{"question_id": by_text["Pick primes"], "response": ["a"]}],
        },
    )
    assert reply["result"]["saved"] == [by_text["Pick primes"]]
    # Past deadline + grace nothing is stored any more.
    clock = client.app[keys.DEPS].clock
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=10, seconds=6))
    late = await client.put(
        f"/api/v1/attempts/{attempt['id']}/answers",
        json={"answers": [{"question_id": by_text["Pick primes"], "response": ["a", "c"]}]},
        headers=headers,
    )
    assert late.status == 409 and (await late.json())["error"]["code"] == "attempt_closed"
    result = await (await client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers)).json()
    assert result["status"] == "graded"
    assert result["score"] == 3.0 and result["max_score"] == 4.0 and result["passed"] is True
    assert {r["question_id"]: r["points_awarded"] for r in result["review"]}[
        by_text["Pick primes"]
    ] == 1.0
    assert await Course.filter(id=course["id"]).exists()
