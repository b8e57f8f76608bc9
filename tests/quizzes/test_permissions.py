"""Who may do what with quizzes and attempts."""

from __future__ import annotations

import uuid

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.schemas import StaffAdd
from lms_rt.enrollments.service import drop
from lms_rt.quizzes.models import AttemptAnswer, Quiz, QuizAttempt, QuizQuestion
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.quizzes.helpers import (
    API,
    course_with_staff,
    create_quiz,
    get_attempt,
    numeric,
    save,
    single,
    socket,
    start,
    student_in,
)


def edits(quiz_id: str, question_id: str, student_id: str) -> list[tuple[str, str, dict | None]]:
    """Every staff-only change to a quiz: (method, url, body)."""
    q = f"{API}/quizzes/{quiz_id}"
    return [
        ("PATCH", q, {"title": "Mine now"}),
        ("POST", f"{q}/publish", None),
        ("POST", f"{q}/unpublish", None),
        ("GET", f"{q}/questions", None),
        ("POST", f"{q}/questions", single()),
        ("POST", f"{q}/questions/import", {"questions": [single()]}),
        ("PATCH", f"{q}/questions/{question_id}", {"text": "Changed"}),
        ("POST", f"{q}/questions/reorder", {"question_ids": [question_id]}),
        ("POST", f"{q}/regrade", {"questions": [{"question_id": question_id, "points": 9}]}),
        ("PUT", f"{q}/accommodations/{student_id}", {"extra_minutes": 60}),
        ("GET", f"{q}/attempts", None),
        ("DELETE", f"{q}/questions/{question_id}", None),
        ("DELETE", q, None),
    ]


async def test_another_courses_instructor_cannot_edit_a_quiz(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [single()])
    draft, [draft_question] = await create_quiz(client, staff, course, [single()], publish=False)
    student, _, _ = await student_in(client, course)
    _, stranger = await signed_in(client, Role.INSTRUCTOR)

    for method, url, body in edits(quiz["id"], question["id"], str(student.id)):
        response = await client.request(method, url, json=body, headers=stranger)
        assert response.status == 403, (method, url, response.status)
    # A draft does not exist for them at all.
    for method, url, body in edits(draft["id"], draft_question["id"], str(student.id)):
        response = await client.request(method, url, json=body, headers=stranger)
        assert response.status == 404, (method, url, response.status)
    created = await client.post(
        f"{API}/quizzes", json={"course_id": str(course.id), "title": "Sneaky"}, headers=stranger
    )
    assert created.status == 403

    stored = await Quiz.get(id=quiz["id"])
    assert (stored.title, stored.is_published) == (quiz["title"], True)
    assert await QuizQuestion.filter(quiz_id=quiz["id"]).count() == 1
    assert (await QuizQuestion.get(id=question["id"])).points == 1


async def test_students_cannot_edit_quizzes(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [single()])
    student, headers, _ = await student_in(client, course)
    for method, url, body in edits(quiz["id"], question["id"], str(student.id)):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status in (403, 404), (method, url, response.status)
    made = await client.post(
        f"{API}/quizzes", json={"course_id": str(course.id), "title": "Mine"}, headers=headers
    )
    assert made.status == 403
    assert (await Quiz.get(id=quiz["id"])).title == quiz["title"]


async def test_course_staff_and_admins_may_edit_and_see_attempts(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [single()])
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    await courses.add_staff(course, StaffAdd(email=assistant.email))
    _, admin = await signed_in(client, Role.ADMIN)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    for who in (assistant_headers, admin):
        assert (await get_attempt(client, attempt["id"], who))["review"] is not None
        listed = await client.get(f"{API}/quizzes/{quiz['id']}/attempts", headers=who)
        assert listed.status == 200 and (await listed.json())["total"] == 1
        patched = await client.patch(
            f"{API}/quizzes/{quiz['id']}/questions/{question['id']}",
            json={"text": "Reworded"},
            headers=who,
        )
        assert patched.status == 200


async def test_another_courses_instructor_gets_404_on_attempts(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [numeric()], time_limit_minutes=9)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    _, stranger = await signed_in(client, Role.INSTRUCTOR)
    a = f"{API}/attempts/{attempt['id']}"
    for method, url, body in (
        ("GET", a, None),
        ("PUT", f"{a}/answers", {"answers": [{"question_id": question["id"], "response": 1}]}),
        ("POST", f"{a}/submit", None),
        ("POST", f"{a}/grade", {"grades": [{"question_id": question["id"], "points": 1}]}),
    ):
        response = await client.request(method, url, json=body, headers=stranger)
        assert response.status == 404, (method, url, response.status)
    assert (await QuizAttempt.get(id=attempt["id"])).status == "in_progress"


async def test_a_student_who_is_not_enrolled_cannot_start(client):
    _, staff, course = await course_with_staff(client)
    quiz, _ = await create_quiz(client, staff, course, [single()])
    _, outsider = await signed_in(client, Role.STUDENT)
    response = await client.post(f"{API}/quizzes/{quiz['id']}/attempts", headers=outsider)
    assert response.status == 403
    # Nor one who dropped the course.
    student, headers, enrollment = await student_in(client, course)
    await drop(client.app[keys.DEPS], student, enrollment)
    response = await client.post(f"{API}/quizzes/{quiz['id']}/attempts", headers=headers)
    assert response.status == 403
    assert await QuizAttempt.filter(quiz_id=quiz["id"]).count() == 0


async def test_another_students_attempt_is_not_found(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [numeric()], time_limit_minutes=9)
    _, owner_headers, _ = await student_in(client, course)
    _, classmate, _ = await student_in(client, course)
    attempt = await start(client, quiz, owner_headers)
    a = f"{API}/attempts/{attempt['id']}"
    assert (await client.get(a, headers=classmate)).status == 404
    assert (await save(client, attempt["id"], classmate, (question["id"], 1))).status == 404
    assert (await client.post(f"{a}/submit", headers=classmate)).status == 404
    grade = {"grades": [{"question_id": question["id"], "points": 1}]}
    assert (await client.post(f"{a}/grade", json=grade, headers=classmate)).status in (403, 404)
    ws = await socket(client, classmate)
    reply = await ws.call(
        "quiz.save_answer",
        {"attempt_id": attempt["id"], "answers": [{"question_id": question["id"], "response": 1}]},
    )
    assert reply["error"]["code"] == "not_found"
    # An id that does not exist reads the same.
    assert (await client.get(f"{API}/attempts/{uuid.uuid4()}", headers=classmate)).status == 404

    assert (await QuizAttempt.get(id=attempt["id"])).status == "in_progress"
    assert await AttemptAnswer.filter(attempt_id=attempt["id"]).count() == 0


async def test_anonymous_callers_get_401(client):
    _, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [numeric()], time_limit_minutes=9)
    _, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    a = f"{API}/attempts/{attempt['id']}"
    for method, url, body in (
        ("POST", f"{API}/quizzes/{quiz['id']}/attempts", None),
        ("GET", f"{API}/quizzes/{quiz['id']}/attempts/mine", None),
        ("GET", f"{API}/quizzes/{quiz['id']}/attempts", None),
        ("GET", a, None),
        ("PUT", f"{a}/answers", {"answers": [{"question_id": question["id"], "response": 1}]}),
        ("POST", f"{a}/submit", None),
        ("POST", f"{a}/grade", {"grades": [{"question_id": question["id"], "points": 1}]}),
        ("POST", f"{API}/quizzes", {"course_id": str(course.id), "title": "x"}),
    ):
        response = await client.request(method, url, json=body)
        assert response.status == 401, (method, url, response.status)
    assert (await QuizAttempt.get(id=attempt["id"])).status == "in_progress"


async def test_unpublished_quizzes_do_not_exist_for_students(client):
    _, staff, course = await course_with_staff(client)
    draft, _ = await create_quiz(client, staff, course, [single()], publish=False)
    withdrawn, _ = await create_quiz(client, staff, course, [single()])
    assert (
        await client.post(f"{API}/quizzes/{withdrawn['id']}/unpublish", headers=staff)
    ).status == 200
    _, headers, _ = await student_in(client, course)
    for quiz in (draft, withdrawn):
        q = f"{API}/quizzes/{quiz['id']}"
        assert (await client.get(q, headers=headers)).status == 404
        assert (await client.get(q)).status == 404
        assert (await client.post(f"{q}/attempts", headers=headers)).status == 404
        assert (await client.get(f"{q}/attempts/mine", headers=headers)).status == 404
    assert await QuizAttempt.all().count() == 0
    # Published, it is visible (without keys) to the student.
    assert (await client.post(f"{API}/quizzes/{draft['id']}/publish", headers=staff)).status == 200
    visible = await client.get(f"{API}/quizzes/{draft['id']}", headers=headers)
    assert visible.status == 200 and "answer_key" not in await visible.text()


async def test_a_quiz_of_an_unpublished_course_is_hidden(client):
    _, staff, course = await course_with_staff(client)
    quiz, _ = await create_quiz(client, staff, course, [single()])
    _, headers, _ = await student_in(client, course)
    await courses.unpublish_course(client.app[keys.DEPS], course)
    assert (await client.get(f"{API}/quizzes/{quiz['id']}", headers=headers)).status == 404
    started = await client.post(f"{API}/quizzes/{quiz['id']}/attempts", headers=headers)
    assert started.status == 404


async def test_only_course_staff_hear_the_staff_channel(client):
    _, _, course = await course_with_staff(client)
    _, headers, _ = await student_in(client, course)
    _, stranger = await signed_in(client, Role.INSTRUCTOR)
    for who in (headers, stranger):
        ws = await socket(client, who)
        frame = await ws.sub(f"course:{course.id}:staff")
        assert (frame["op"], frame.get("code")) == ("error", "forbidden")
        other = await signed_in(client, Role.STUDENT)
        frame = await ws.sub(f"user:{other[0].id}")
        assert (frame["op"], frame.get("code")) == ("error", "forbidden")
