"""Analytics against a small seeded class whose every figure was worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from lms_rt.enrollments.models import Enrollment
from lms_rt.payments.models import Payment, PaymentStatus
from lms_rt.users.models import Role
from tests.factories import complete_lesson, course_lessons, create_course, enroll, signed_in
from tests.quizzes.helpers import create_quiz, save, single, start, submit, true_false

API = "/api/v1"


async def _class(client):
    """Four students (A completes the course, B two lessons, C one, D none) and a fifth who
    dropped; a three-question quiz (1 + 1 + 2 points) taken once by each of the four:
    A 4/4, B 3/4, C 1/4, D 0/4."""
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=3)
    lessons = await course_lessons(course)
    quiz, questions = await create_quiz(
        client,
        teacher_headers,
        course,
        [single(correct="a"), true_false(correct=True), single(points=2, correct="d")],
    )
    people = {}
    for name, done, answers in (
        ("A", 3, ("a", True, "d")),
        ("B", 2, ("a", False, "d")),
        ("C", 1, ("b", True, "c")),
        ("D", 0, ("c", False, "a")),
    ):
        student, headers = await signed_in(client, full_name=f"Student {name}")
        enrollment = await enroll(client, student, course)
        for lesson in lessons[:done]:
            await complete_lesson(client, student, enrollment, lesson)
            enrollment = await Enrollment.get(id=enrollment.id)
        attempt = await start(client, quiz, headers)
        pairs = [(q["id"], a) for q, a in zip(questions, answers, strict=True)]
        response = await save(client, attempt["id"], headers, *pairs)
        assert response.status == 200, await response.text()
        await submit(client, attempt["id"], headers)
        people[name] = (student, headers, enrollment)
    leaver, leaver_headers = await signed_in(client)
    left = await enroll(client, leaver, course)
    await client.post(f"{API}/enrollments/{left.id}/drop", headers=leaver_headers)
    now = datetime.now(UTC)
    figures = {"A": (now - timedelta(days=1), 3600, 5), "B": (now - timedelta(days=1), 1800, 3)}
    figures |= {"C": (now - timedelta(days=10), 600, None), "D": (None, 0, None)}
    for name, (active, seconds, rating) in figures.items():
        await Enrollment.filter(id=people[name][2].id).update(
            last_activity_at=active, total_time_spent_seconds=seconds, rating=rating
        )
    return teacher_headers, course, lessons, quiz, questions, people


async def test_course_figures_match_the_hand_computed_class(client):
    headers, course, *_ = await _class(client)
    response = await client.get(f"{API}/analytics/courses/{course.id}", headers=headers)
    assert response.status == 200, await response.text()
    figures = await response.json()
    assert figures["freshness"].startswith("live")
    assert figures["enrollments"]["total"] == 4 and figures["enrollments"]["dropped"] == 1
    assert sum(d["enrollments"] for d in figures["enrollments"]["over_time"]) == 5
    assert figures["active_students"] == {"last_7_days": 2, "last_30_days": 3}
    assert figures["completion_rate"] == 0.25
    assert figures["average_progress"] == 50.0
    assert figures["time_spent_seconds"] == {"total": 6000, "per_student": 1500}
    assert [(f["completed"], f["share_of_students"], f["drop_off"]) for f in figures["funnel"]] == [
        (3, 0.75, 1),
        (2, 0.5, 1),
        (1, 0.25, 1),
    ]
    [analysis] = figures["quizzes"]
    assert analysis["graded_attempts"] == 4
    q1, q2, q3 = analysis["questions"]
    assert (q1["share_correct"], q1["discrimination"]) == (0.5, 1.0)
    assert q1["choices"] == {"a": 2, "b": 1, "c": 1, "d": 0}
    # Answered right by A (upper group) and C (lower group) alike: it tells nobody apart.
    assert (q2["share_correct"], q2["discrimination"]) == (0.5, 0.0)
    assert q2["choices"] == {"true": 2, "false": 2}
    assert (q3["share_correct"], q3["discrimination"]) == (0.5, 1.0)
    assert q3["choices"] == {"a": 1, "b": 0, "c": 1, "d": 2}
    assert figures["ratings"] == {"count": 2, "average": 4.0, "distribution": {"3": 1, "5": 1}}

    response = await client.get(
        f"{API}/analytics/courses/{course.id}?format=csv&table=funnel", headers=headers
    )
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [r["completed"] for r in rows] == ["3", "2", "1"]
    response = await client.get(
        f"{API}/analytics/courses/{course.id}?format=csv&table=items", headers=headers
    )
    assert len(list(csv.DictReader(io.StringIO(await response.text())))) == 3


async def test_course_figures_are_for_its_staff_only(client):
    _, course, *_ = await _class(client)
    _, other_teacher = await signed_in(client, Role.INSTRUCTOR)
    _, student = await signed_in(client)
    assert (
        await client.get(f"{API}/analytics/courses/{course.id}", headers=other_teacher)
    ).status == 403
    assert (await client.get(f"{API}/analytics/courses/{course.id}", headers=student)).status == 403
    assert (await client.get(f"{API}/analytics/system/overview", headers=student)).status == 403
    assert (
        await client.get(f"{API}/analytics/courses/{course.id}?format=xml", headers=other_teacher)
    ).status == 422


async def test_a_students_dashboard(client):
    _, course, lessons, _, _, people = await _class(client)
    _, b_headers, _ = people["B"]
    response = await client.get(f"{API}/analytics/my-progress", headers=b_headers)
    [mine] = await response.json()
    assert mine["course_id"] == str(course.id) and mine["completed_lessons"] == 2
    assert mine["next_lesson"]["lesson_id"] == str(lessons[2].id)
    response = await client.get(f"{API}/analytics/my-dashboard", headers=b_headers)
    dashboard = await response.json()
    assert [c["course_id"] for c in dashboard["in_progress"]] == [str(course.id)]
    assert dashboard["next_lessons"][0]["title"] == lessons[2].title
    assert [g["percentage"] for g in dashboard["recent_grades"]] == [75.0]
    # Lessons and the quiz today, last activity recorded yesterday: two days in a row.
    assert dashboard["streak_days"] == 2
    _, a_headers, _ = people["A"]
    dashboard = await (await client.get(f"{API}/analytics/my-dashboard", headers=a_headers)).json()
    assert dashboard["in_progress"] == [] and len(dashboard["completed"]) == 1


async def test_the_system_overview(client):
    _, course, _, _, _, people = await _class(client)
    _, admin = await signed_in(client, Role.ADMIN)
    student = people["A"][0]
    now = datetime.now(UTC)
    for amount, refunded, currency, status in (
        (150_00, 0, "EGP", PaymentStatus.SUCCEEDED),
        (50_00, 20_00, "EGP", PaymentStatus.PARTIALLY_REFUNDED),
        (10_00, 0, "USD", PaymentStatus.SUCCEEDED),
        (99_00, 0, "EGP", PaymentStatus.FAILED),
    ):
        await Payment.create(
            provider="stripe",
            user_id=student.id,
            course_id=course.id,
            amount=amount,
            amount_refunded=refunded,
            currency=currency,
            status=status,
            processed_at=now if status != PaymentStatus.FAILED else None,
        )
    response = await client.get(f"{API}/analytics/system/overview", headers=admin)
    assert response.status == 200, await response.text()
    overview = await response.json()
    assert overview["users"]["by_role"] == {"admin": 1, "instructor": 1, "student": 5}
    month = now.strftime("%Y-%m")
    assert overview["revenue"] == [
        {"currency": "EGP", "month": month, "gross": 200_00, "refunded": 20_00, "net": 180_00},
        {"currency": "USD", "month": month, "gross": 10_00, "refunded": 0, "net": 10_00},
    ]
    assert sum(m["enrollments"] for m in overview["enrollments_by_month"]) == 5
    assert sum(m["completions"] for m in overview["completions_by_month"]) == 1
    assert overview["top_courses"][0]["course_id"] == str(course.id)
    assert "default" in overview["jobs"]["waiting"]
