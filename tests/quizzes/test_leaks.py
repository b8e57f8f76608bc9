"""No answer key leaves the server before review: every response body and every websocket
frame a student receives in a full flow is scanned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lms_rt import keys
from lms_rt.quizzes.tasks import close_quiz_attempt
from tests.quizzes.helpers import (
    API,
    SECRET_ACCEPTED,
    SECRET_ACCEPTED_2,
    SECRET_EXPLANATION,
    SECRET_VALUE,
    Clock,
    course_with_staff,
    create_quiz,
    essay,
    events_until_marker,
    multiple,
    numeric,
    short,
    single,
    socket,
    student_in,
    true_false,
    when,
)

# Field names of keys and reviews (as JSON keys: "accepted" alone is an ordinary word in a
# message), and every value that exists only in a key or an explanation.
FORBIDDEN = (
    "answer_key",
    '"accepted"',
    '"correct"',
    "is_correct",
    "correct_answer",
    '"explanation"',
    '"tolerance"',
    '"value"',
    SECRET_ACCEPTED,
    SECRET_ACCEPTED_2,
    str(SECRET_VALUE),
    SECRET_EXPLANATION,
)


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in FORBIDDEN if word.lower() in lowered]


def quiz_questions() -> list[dict[str, Any]]:
    explained = {"explanation": SECRET_EXPLANATION}
    return [
        single(**explained),
        multiple(**explained),
        true_false(**explained),
        short(**explained),
        numeric(**explained),
        essay(**explained),
    ]


class Recorder:
    """A student's REST client keeping every response body."""

    def __init__(self, client, headers) -> None:
        self.client = client
        self.headers = headers
        self.bodies: list[tuple[str, str]] = []

    async def __call__(self, method: str, url: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, url, headers=self.headers, **kwargs)
        text = await response.text()
        self.bodies.append((f"{method} {url} → {response.status}", text))
        return response

    async def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = await self(method, url, **kwargs)
        assert response.status < 300, await response.text()
        return await response.json()


def answers_for(attempt: dict) -> list[dict]:
    """Plausible but wrong answers: none of them equals a key value."""
    wrong = {
        "single_choice": "b",
        "multiple_choice": ["a", "b"],
        "true_false": False,
        "short_answer": "Mombasa",
        "numeric": 12.5,
        "essay": "An essay of mine.",
    }
    return [{"question_id": q["id"], "response": wrong[q["type"]]} for q in attempt["questions"]]


async def test_nothing_a_student_receives_contains_a_key_under_review_never(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    until = clock.at + timedelta(hours=2)
    quiz, _ = await create_quiz(
        client,
        staff,
        course,
        quiz_questions(),
        review_policy="never",
        time_limit_minutes=30,
        available_until=until,
        max_attempts=3,
        type="graded",
    )
    student, headers, _ = await student_in(client, course)
    frames: list[str] = []
    user_channel, course_channel = f"user:{student.id}", f"course:{course.id}"
    ws = await socket(client, headers, user_channel, course_channel, sink=frames)
    call = Recorder(client, headers)

    await call.json("GET", f"{API}/quizzes/{quiz['id']}")
    attempt = await call.json("POST", f"{API}/quizzes/{quiz['id']}/attempts")
    await call.json("POST", f"{API}/quizzes/{quiz['id']}/attempts")  # second tab
    answers = answers_for(attempt)
    await call.json("PUT", f"{API}/attempts/{attempt['id']}/answers", json={"answers": answers})
    reply = await ws.call("quiz.save_answer", {"attempt_id": attempt["id"], "answers": answers[:2]})
    assert "result" in reply
    bad = await ws.call(
        "quiz.save_answer",
        {"attempt_id": attempt["id"], "answers": [{**answers[0], "response": "zz"}]},
    )
    assert "error" in bad
    await call("PUT", f"{API}/attempts/{attempt['id']}/answers", json={"answers": [{}]})
    await call.json("GET", f"{API}/attempts/{attempt['id']}")
    await call.json("GET", f"{API}/quizzes/{quiz['id']}/attempts/mine")
    submitted = await call.json("POST", f"{API}/attempts/{attempt['id']}/submit")
    assert submitted["status"] == "needs_grading"
    await call.json("POST", f"{API}/attempts/{attempt['id']}/submit")
    late = await call("PUT", f"{API}/attempts/{attempt['id']}/answers", json={"answers": answers})
    assert late.status == 409

    # Staff grade the essay: the graded event reaches the student.
    essay_id = next(q["id"] for q in attempt["questions"] if q["type"] == "essay")
    graded = await client.post(
        f"{API}/attempts/{attempt['id']}/grade",
        json={"grades": [{"question_id": essay_id, "points": 1}]},
        headers=staff,
    )
    assert graded.status == 200

    # A second attempt abandoned and closed by the job; then the quiz closes.
    second = await call.json("POST", f"{API}/quizzes/{quiz['id']}/attempts")
    await call.json("PUT", f"{API}/attempts/{second['id']}/answers", json={"answers": answers})
    clock.set(when(second["closes_at"]) + timedelta(seconds=1))
    assert await close_quiz_attempt({"deps": client.app[keys.DEPS]}, second["id"]) == "closed"
    await call.json("GET", f"{API}/attempts/{second['id']}")
    clock.set(until + timedelta(days=1))
    await call.json("GET", f"{API}/attempts/{second['id']}")
    await call.json("GET", f"{API}/attempts/{attempt['id']}")
    await call("POST", f"{API}/quizzes/{quiz['id']}/attempts")
    await call("GET", f"{API}/quizzes/{quiz['id']}/questions")  # staff only

    seen = [*await events_until_marker(client, ws, user_channel)]
    seen += await events_until_marker(client, ws, course_channel)
    assert {"attempt.closed", "attempt.graded"} <= {e["type"] for e in seen}
    assert len(call.bodies) >= 15 and len(frames) >= 8

    found = {what: leaks(body) for what, body in call.bodies if leaks(body)}
    assert found == {}, found
    in_frames = [(frame[:200], leaks(frame)) for frame in frames if leaks(frame)]
    assert in_frames == []


async def test_after_attempt_keys_appear_only_once_submitted(client):
    _, staff, course = await course_with_staff(client)
    quiz, _ = await create_quiz(
        client,
        staff,
        course,
        [q for q in quiz_questions() if q["type"] != "essay"],
        review_policy="after_attempt",
        time_limit_minutes=30,
    )
    student, headers, _ = await student_in(client, course)
    frames: list[str] = []
    user_channel = f"user:{student.id}"
    ws = await socket(client, headers, user_channel, sink=frames)
    call = Recorder(client, headers)

    attempt = await call.json("POST", f"{API}/quizzes/{quiz['id']}/attempts")
    answers = answers_for(attempt)
    await call.json("PUT", f"{API}/attempts/{attempt['id']}/answers", json={"answers": answers})
    assert "result" in await ws.call(
        "quiz.save_answer", {"attempt_id": attempt["id"], "answers": answers[:1]}
    )
    await call.json("GET", f"{API}/attempts/{attempt['id']}")
    before = list(call.bodies)
    found = {what: leaks(body) for what, body in before if leaks(body)}
    assert found == {}, found

    submitted = await call("POST", f"{API}/attempts/{attempt['id']}/submit")
    body = await submitted.text()
    for shown in (SECRET_ACCEPTED, SECRET_ACCEPTED_2, SECRET_EXPLANATION, "correct_answer"):
        assert shown in body
    assert set(leaks(body)) >= {'"correct"', '"accepted"', str(SECRET_VALUE)}  # the scan sees keys
    # Events carry scores, never keys, even once review is open.
    await events_until_marker(client, ws, user_channel)
    assert [leaks(frame) for frame in frames if leaks(frame)] == []
