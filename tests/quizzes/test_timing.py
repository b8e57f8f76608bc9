"""The server's clock decides: deadlines fixed at start, grace, windows, accommodations, and
the job (or a read) that closes an abandoned attempt exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from arq import Retry
from arq.jobs import deserialize_job

from lms_rt import keys
from lms_rt.jobs.registry import queue_name
from lms_rt.quizzes.attempts import CLOSE_JOB, close_job_id
from lms_rt.quizzes.models import AttemptAnswer, QuizAttempt
from lms_rt.quizzes.tasks import close_quiz_attempt
from tests.quizzes.helpers import (
    API,
    SECRET_VALUE,
    Clock,
    course_with_staff,
    create_quiz,
    error_of,
    events_until_marker,
    get_attempt,
    numeric,
    of_type,
    save,
    socket,
    start,
    student_in,
    when,
)

LIMIT = 10  # minutes
GRACE = 30  # seconds


async def timed_quiz(client, monkeypatch, **fields):
    clock = Clock(client, monkeypatch)
    _, headers, course = await course_with_staff(client)
    settings = {"time_limit_minutes": LIMIT, "grace_seconds": GRACE, **fields}
    quiz, [question] = await create_quiz(client, headers, course, [numeric(points=2)], **settings)
    return clock, headers, course, quiz, question


async def stored(attempt_id: str, question_id: str) -> list:
    rows = await AttemptAnswer.filter(attempt_id=attempt_id, question_id=question_id)
    return [row.response for row in rows]


async def save_via(transport, client, attempt_id, headers, question_id, value):
    """Save one answer over REST or ``quiz.save_answer``; (ok, error code)."""
    if transport == "rest":
        response = await save(client, attempt_id, headers, (question_id, value))
        if response.status == 200:
            return True, None
        return False, (await error_of(response))
    ws = await socket(client, headers)
    try:
        reply = await ws.call(
            "quiz.save_answer",
            {
                "attempt_id": attempt_id,
                "answers": [{"question_id": question_id, "response": value}],
            },
        )
    finally:
        await ws.close()
    if "result" in reply:
        assert reply["result"]["saved"] == [question_id]
        return True, None
    return False, (409 if reply["error"]["code"] == "attempt_closed" else 0, reply["error"]["code"])


@pytest.mark.parametrize("transport", ["rest", "ws"])
async def test_answer_before_the_deadline_counts_and_after_grace_is_refused(
    client, monkeypatch, transport
):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch)
    _, headers, _ = await student_in(client, course)
    t0 = clock.at
    attempt = await start(client, quiz, headers)
    deadline = t0 + timedelta(minutes=LIMIT)
    assert when(attempt["deadline"]) == deadline
    assert when(attempt["closes_at"]) == deadline + timedelta(seconds=GRACE)
    assert when(attempt["server_time"]) == t0

    clock.set(deadline - timedelta(seconds=1))
    assert await save_via(transport, client, attempt["id"], headers, question["id"], 1.0) == (
        True,
        None,
    )
    assert await stored(attempt["id"], question["id"]) == [1.0]

    clock.set(deadline + timedelta(seconds=GRACE + 1))
    ok, error = await save_via(
        transport, client, attempt["id"], headers, question["id"], SECRET_VALUE
    )
    assert (ok, error) == (False, (409, "attempt_closed"))
    assert await stored(attempt["id"], question["id"]) == [1.0]
    result = await get_attempt(client, attempt["id"], headers)
    assert result["status"] == "graded" and result["score"] == 0.0  # the late answer never counted
    assert when(result["submitted_at"]) == deadline


async def test_the_grace_window_is_inclusive(client, monkeypatch):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    closes = when(attempt["closes_at"])
    clock.set(when(attempt["deadline"]) + timedelta(seconds=1))
    assert (await save(client, attempt["id"], headers, (question["id"], 1.0))).status == 200
    clock.set(closes)
    assert (await save(client, attempt["id"], headers, (question["id"], 2.0))).status == 200
    assert await stored(attempt["id"], question["id"]) == [2.0]


async def test_leaving_and_coming_back_does_not_extend_time(client, monkeypatch):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch, max_attempts=1)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    deadline = when(attempt["deadline"])

    clock.move(minutes=7)
    later = await get_attempt(client, attempt["id"], headers)
    assert when(later["deadline"]) == deadline and later["status"] == "in_progress"
    assert when(later["server_time"]) == clock.at
    again = await start(client, quiz, headers)  # the start button pressed again
    assert again["id"] == attempt["id"] and when(again["deadline"]) == deadline
    assert when(again["started_at"]) == when(attempt["started_at"])
    # A fresh socket (a dropped connection) changes nothing either.
    assert await save_via("ws", client, attempt["id"], headers, question["id"], 3.0) == (True, None)

    clock.set(deadline + timedelta(seconds=GRACE + 1))
    late = await save(client, attempt["id"], headers, (question["id"], 4.0))
    assert await error_of(late) == (409, "attempt_closed")
    refused = await client.post(f"{API}/quizzes/{quiz['id']}/attempts", headers=headers)
    assert refused.status == 409  # the one attempt is used up, not reopened
    assert await QuizAttempt.filter(quiz_id=quiz["id"]).count() == 1
    assert await stored(attempt["id"], question["id"]) == [3.0]


@pytest.mark.parametrize(
    ("extra_minutes", "multiplier", "minutes"),
    [(0, 1.0, 10), (5, 1.0, 15), (0, 1.5, 15), (5, 2.0, 25)],
)
async def test_an_accommodation_changes_the_deadline(
    client, monkeypatch, extra_minutes, multiplier, minutes
):
    clock, staff, course, quiz, question = await timed_quiz(client, monkeypatch)
    student, headers, _ = await student_in(client, course)
    _, other_headers, _ = await student_in(client, course)
    response = await client.put(
        f"{API}/quizzes/{quiz['id']}/accommodations/{student.id}",
        json={"extra_minutes": extra_minutes, "time_multiplier": multiplier},
        headers=staff,
    )
    assert response.status == 204
    t0 = clock.at
    attempt = await start(client, quiz, headers)
    other = await start(client, quiz, other_headers)
    assert when(attempt["deadline"]) == t0 + timedelta(minutes=minutes)
    assert when(other["deadline"]) == t0 + timedelta(minutes=LIMIT)

    # The extra time is real: past everyone else's close, this student may still answer.
    clock.set(t0 + timedelta(minutes=LIMIT, seconds=GRACE + 1))
    saved = await save(client, attempt["id"], headers, (question["id"], 5.0))
    assert saved.status == (200 if minutes > LIMIT else 409)
    late_other = await save(client, other["id"], other_headers, (question["id"], 5.0))
    assert late_other.status == 409
    clock.set(t0 + timedelta(minutes=minutes, seconds=GRACE + 1))
    too_late = await save(client, attempt["id"], headers, (question["id"], 6.0))
    assert await error_of(too_late) == (409, "attempt_closed")
    assert await stored(attempt["id"], question["id"]) == ([5.0] if minutes > LIMIT else [None])


async def test_the_deadline_is_capped_at_available_until(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    until = clock.at + timedelta(minutes=10)
    quiz, [question] = await create_quiz(
        client,
        staff,
        course,
        [numeric()],
        time_limit_minutes=60,
        available_until=until,
        grace_seconds=GRACE,
    )
    student, headers, _ = await student_in(client, course)
    # Even with extra time the window is the window.
    await client.put(
        f"{API}/quizzes/{quiz['id']}/accommodations/{student.id}",
        json={"extra_minutes": 120},
        headers=staff,
    )
    attempt = await start(client, quiz, headers)
    assert when(attempt["deadline"]) == until
    assert when(attempt["closes_at"]) == until + timedelta(seconds=GRACE)
    clock.set(until + timedelta(seconds=GRACE + 1))
    late = await save(client, attempt["id"], headers, (question["id"], 1.0))
    assert await error_of(late) == (409, "attempt_closed")


async def test_untimed_quiz_deadline_is_the_window_or_none(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    until = clock.at + timedelta(days=2)
    windowed, _ = await create_quiz(client, staff, course, [numeric()], available_until=until)
    open_ended, [question] = await create_quiz(client, staff, course, [numeric()])
    _, headers, _ = await student_in(client, course)
    assert when((await start(client, windowed, headers))["deadline"]) == until
    attempt = await start(client, open_ended, headers)
    assert attempt["deadline"] is None and attempt["closes_at"] is None
    clock.move(days=30)
    assert (await save(client, attempt["id"], headers, (question["id"], 1.0))).status == 200


async def test_a_quiz_not_yet_open_or_already_closed_refuses_to_start(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    opens = clock.at + timedelta(hours=1)
    closes = clock.at + timedelta(hours=2)
    quiz, _ = await create_quiz(
        client, staff, course, [numeric()], available_from=opens, available_until=closes
    )
    _, headers, _ = await student_in(client, course)
    url = f"{API}/quizzes/{quiz['id']}/attempts"

    early = await client.post(url, headers=headers)
    assert early.status == 409
    assert when((await early.json())["error"]["details"][0]["opens_at"]) == opens
    clock.set(opens - timedelta(seconds=1))
    assert (await client.post(url, headers=headers)).status == 409
    clock.set(closes)
    assert (await client.post(url, headers=headers)).status == 409
    assert await QuizAttempt.filter(quiz_id=quiz["id"]).count() == 0
    clock.set(opens)
    assert (await client.post(url, headers=headers)).status == 201


# --- closing abandoned attempts ------------------------------------------------------------


async def test_the_close_job_waits_for_the_deadline_then_closes_and_grades_once(
    client, monkeypatch
):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch)
    student, headers, _ = await student_in(client, course)
    channel = f"user:{student.id}"
    ws = await socket(client, headers, channel)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (question["id"], SECRET_VALUE))
    ctx = {"deps": client.app[keys.DEPS]}
    closes = when(attempt["closes_at"])

    for moment in (clock.at, when(attempt["deadline"]), closes - timedelta(seconds=1)):
        clock.set(moment)
        with pytest.raises(Retry):
            await close_quiz_attempt(ctx, attempt["id"])
    assert (await QuizAttempt.get(id=attempt["id"])).status == "in_progress"

    clock.set(closes + timedelta(seconds=1))
    assert await close_quiz_attempt(ctx, attempt["id"]) == "closed"
    assert await close_quiz_attempt(ctx, attempt["id"]) == "already closed"
    results = await asyncio.gather(*(close_quiz_attempt(ctx, attempt["id"]) for _ in range(3)))
    assert results == ["already closed"] * 3

    row = await QuizAttempt.get(id=attempt["id"])
    assert (row.status, row.closed_by, row.score, row.max_score) == ("graded", "deadline", 2, 2)
    assert row.submitted_at == when(attempt["deadline"])
    assert await AttemptAnswer.filter(attempt_id=attempt["id"]).count() == 1
    events = await events_until_marker(client, ws, channel)
    assert [e["type"] for e in events] == ["attempt.closed", "attempt.graded"]
    assert events[0]["data"]["closed_by"] == "deadline"
    assert events[1]["data"]["score"] == 2


async def test_concurrent_close_jobs_close_once(client, monkeypatch):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch)
    student, headers, _ = await student_in(client, course)
    channel = f"user:{student.id}"
    ws = await socket(client, headers, channel)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (question["id"], SECRET_VALUE))
    clock.set(when(attempt["closes_at"]) + timedelta(seconds=5))
    ctx = {"deps": client.app[keys.DEPS]}
    results = await asyncio.gather(*(close_quiz_attempt(ctx, attempt["id"]) for _ in range(5)))
    assert sorted(results) == ["already closed"] * 4 + ["closed"]
    assert (await QuizAttempt.get(id=attempt["id"])).score == 2
    events = await events_until_marker(client, ws, channel)
    assert len(of_type(events, "attempt.closed")) == 1
    assert len(of_type(events, "attempt.graded")) == 1


async def test_reading_an_overdue_attempt_closes_it(client, monkeypatch):
    clock, _, course, quiz, question = await timed_quiz(client, monkeypatch)
    student, headers, _ = await student_in(client, course)
    channel = f"user:{student.id}"
    ws = await socket(client, headers, channel)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (question["id"], SECRET_VALUE))
    clock.set(when(attempt["closes_at"]) + timedelta(seconds=1))

    # No job has run: the read alone closes and grades it.
    read = await get_attempt(client, attempt["id"], headers)
    assert read["status"] == "graded" and read["score"] == 2
    assert when(read["submitted_at"]) == when(attempt["deadline"])
    again = await get_attempt(client, attempt["id"], headers)
    assert again["score"] == 2
    ctx = {"deps": client.app[keys.DEPS]}
    assert await close_quiz_attempt(ctx, attempt["id"]) == "already closed"
    events = await events_until_marker(client, ws, channel)
    assert [e["type"] for e in events] == ["attempt.closed", "attempt.graded"]


async def test_the_close_job_is_scheduled_once_with_a_deterministic_id(client, monkeypatch):
    _, _, course, quiz, _ = await timed_quiz(client, monkeypatch)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    await start(client, quiz, headers)  # a second tab schedules nothing new
    jobs = client.app[keys.DEPS].jobs
    again = await jobs.enqueue(
        CLOSE_JOB, attempt["id"], job_id=close_job_id(attempt["id"]), defer_by=1
    )
    assert again is False  # the id is taken: the job was already queued under it


@pytest.mark.services
async def test_the_close_job_is_in_arq_under_its_id(client, monkeypatch):
    _, _, course, quiz, _ = await timed_quiz(client, monkeypatch)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    await start(client, quiz, headers)
    redis = client.app[keys.DEPS].redis
    assert redis is not None
    job_id = f"close-attempt:{attempt['id']}"
    raw = await redis.get(f"arq:job:{job_id}")
    assert raw is not None
    job = deserialize_job(raw)
    assert (job.function, job.args) == ("close_quiz_attempt", (attempt["id"],))
    # Deferred to deadline + grace (+0.5 s), not run now.
    score = await redis.zscore(queue_name("default"), job_id)
    seconds_ahead = score / 1000 - job.enqueue_time.timestamp()
    assert LIMIT * 60 + GRACE <= seconds_ahead <= LIMIT * 60 + GRACE + 5
    assert len([k async for k in redis.scan_iter(match="arq:job:close-attempt:*")]) == 1
