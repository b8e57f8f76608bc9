"""Staff write assignments for assignment lessons; students see them once they may."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt.courses.models import LessonType
from lms_rt.users.models import Role
from tests.assignments.helpers import (
    API,
    assignment_course,
    create_assignment,
    enrolled,
    error_of,
    submitted,
)
from tests.factories import create_lesson, signed_in
from tests.quizzes.helpers import Clock, course_with_staff, student_in, when

RUBRIC = [
    {"id": "argument", "title": "Argument", "description": "Is it convincing?", "points": 6},
    {"id": "style", "title": "Style", "points": 4},
]


async def _lesson(client, course, **fields):
    return await create_lesson(client, course, type=LessonType.ASSIGNMENT, **fields)


async def test_staff_create_read_change_and_delete_an_assignment(client):
    _teacher, headers, course = await course_with_staff(client)
    lesson = await _lesson(client, course, title="Write an essay")
    due = datetime(2031, 5, 1, 12, tzinfo=UTC)
    response = await create_assignment(
        client,
        headers,
        lesson,
        instructions="Five paragraphs.",
        submission_types=["text", "file"],
        due_at=due,
        late_policy="accept",
        late_days=3,
        late_penalty_percent=10,
        rubric=RUBRIC,
    )
    assert response.status == 201, await response.text()
    created = await response.json()
    # The title comes from the lesson; the maximum from the rubric's total.
    assert created["title"] == "Write an essay" and created["max_points"] == 10
    assert when(created["closes_at"]) == due + timedelta(days=3)
    assert created["students_submitted"] == 0 and created["gradebook_category"] == "assignments"

    by_lesson = await client.get(f"{API}/lessons/{lesson.id}/assignment", headers=headers)
    assert (await by_lesson.json())["id"] == created["id"]

    response = await client.patch(
        f"{API}/assignments/{created['id']}",
        json={"title": "Essay (revised)", "late_days": 5},
        headers=headers,
    )
    assert response.status == 200, await response.text()
    changed = await response.json()
    assert changed["title"] == "Essay (revised)" and changed["late_days"] == 5

    response = await client.delete(f"{API}/assignments/{created['id']}", headers=headers)
    assert response.status == 204
    response = await client.get(f"{API}/assignments/{created['id']}", headers=headers)
    assert response.status == 404


async def test_inconsistent_assignments_are_refused_field_by_field(client):
    _, headers, course = await course_with_staff(client)
    lesson = await _lesson(client, course)
    due = datetime(2031, 1, 1, tzinfo=UTC)
    cases = [
        ({"submission_types": []}, "submission_types"),
        ({"submission_types": ["text", "text"]}, "submission_types"),
        ({"submission_types": ["video"]}, "submission_types.0"),
        ({"late_policy": "accept", "due_at": due, "late_days": 0}, "late_days"),
        ({"late_policy": "accept", "late_days": 2}, "due_at"),
        (
            {"late_policy": "accept", "due_at": due, "late_days": 2, "late_penalty_percent": 101},
            "late_penalty_percent",
        ),
        ({"late_policy": "refuse", "due_at": due, "late_days": 2}, "late_days"),
        ({"rubric": [{**RUBRIC[0], "id": "x"}, {**RUBRIC[1], "id": "x"}]}, "rubric"),
        ({"rubric": RUBRIC, "max_points": 12}, "rubric"),
        ({"due_at": "2031-01-01T00:00:00"}, "due_at"),  # no timezone: ambiguous
        ({"role": "admin"}, "role"),
    ]
    for fields, field in cases:
        response = await create_assignment(client, headers, lesson, **fields)
        status, error = await error_of(response)
        assert status == 422, (fields, error)
        assert field in [d["field"] for d in error["details"]], (fields, error)
    # None of them left a row behind: a valid one is still the first.
    response = await create_assignment(client, headers, lesson, rubric=RUBRIC, max_points=10)
    assert response.status == 201, await response.text()


async def test_one_assignment_per_lesson_and_only_for_assignment_lessons(client):
    _, headers, course = await course_with_staff(client)
    lesson = await _lesson(client, course)
    assert (await create_assignment(client, headers, lesson)).status == 201
    status, _ = await error_of(await create_assignment(client, headers, lesson))
    assert status == 409
    text_lesson = await create_lesson(client, course, type=LessonType.TEXT)
    status, error = await error_of(await create_assignment(client, headers, text_lesson))
    assert status == 422 and error["details"][0]["field"] == "lesson_id"


async def test_rubric_and_points_are_fixed_once_something_is_graded(client):
    setup = await assignment_course(client, rubric=RUBRIC)
    assignment_id = setup.assignment["id"]
    _, headers = await enrolled(client, setup)
    # Before any grade the rubric may change (with max_points kept consistent).
    response = await client.patch(
        f"{API}/assignments/{assignment_id}",
        json={"rubric": [{**RUBRIC[0], "points": 8}, RUBRIC[1]], "max_points": 12},
        headers=setup.teacher_headers,
    )
    assert response.status == 200, await response.text()
    # Inconsistent changes are 422 and change nothing.
    response = await client.patch(
        f"{API}/assignments/{assignment_id}", json={"max_points": 50}, headers=setup.teacher_headers
    )
    assert response.status == 422
    response = await client.patch(
        f"{API}/assignments/{assignment_id}", json={"title": None}, headers=setup.teacher_headers
    )
    assert response.status == 422
    submission = await submitted(client, setup, headers)
    response = await client.post(
        f"{API}/submissions/{submission['id']}/grade",
        json={"rubric_scores": {"argument": 7, "style": 3}},
        headers=setup.teacher_headers,
    )
    assert response.status == 200, await response.text()
    response = await client.patch(
        f"{API}/assignments/{assignment_id}",
        json={"rubric": [{**RUBRIC[0], "points": 9}, RUBRIC[1]], "max_points": 13},
        headers=setup.teacher_headers,
    )
    assert response.status == 409
    # A submitted assignment can no longer be deleted either.
    response = await client.delete(
        f"{API}/assignments/{assignment_id}", headers=setup.teacher_headers
    )
    assert response.status == 409


async def test_students_see_an_assignment_once_enrolled_published_and_unlocked(client, monkeypatch):
    setup = await assignment_course(client, rubric=RUBRIC, gradebook_category="essays")
    assignment_id = setup.assignment["id"]
    _student, headers = await enrolled(client, setup)
    response = await client.get(f"{API}/assignments/{assignment_id}", headers=headers)
    assert response.status == 200
    seen = await response.json()
    # The rubric guides the student; the staff's figures and grouping are not theirs.
    assert [c["id"] for c in seen["rubric"]] == ["argument", "style"]
    for staff_only in ("gradebook_category", "students_submitted", "awaiting_grading"):
        assert staff_only not in seen

    # Not enrolled: not found, by id or by lesson.
    _, outsider = await signed_in(client)
    assert (await client.get(f"{API}/assignments/{assignment_id}", headers=outsider)).status == 404
    response = await client.get(f"{API}/lessons/{setup.lesson.id}/assignment", headers=outsider)
    assert response.status == 404

    # An unpublished lesson: not found for students, still there for staff.
    hidden = await _lesson(client, setup.course, is_published=False)
    made = await create_assignment(client, setup.teacher_headers, hidden)
    hidden_id = (await made.json())["id"]
    assert (await client.get(f"{API}/assignments/{hidden_id}", headers=headers)).status == 404
    response = await client.get(f"{API}/assignments/{hidden_id}", headers=setup.teacher_headers)
    assert response.status == 200

    # A drip lesson: not found until it unlocks for this student.
    clock = Clock(client, monkeypatch)
    drip = await _lesson(client, setup.course, available_after_days=7)
    made = await create_assignment(client, setup.teacher_headers, drip)
    drip_id = (await made.json())["id"]
    _late_student, late_headers, _ = await student_in(client, setup.course)
    assert (await client.get(f"{API}/assignments/{drip_id}", headers=late_headers)).status == 404
    clock.move(days=8)
    assert (await client.get(f"{API}/assignments/{drip_id}", headers=late_headers)).status == 200


async def test_staff_of_another_course_and_students_cannot_author(client):
    setup = await assignment_course(client)
    assignment_id = setup.assignment["id"]
    _, student_headers = await enrolled(client, setup)
    _, other_teacher = await signed_in(client, Role.INSTRUCTOR)
    lesson = await _lesson(client, setup.course)

    # Another course's instructor: the course is theirs to see but not to change.
    status, _ = await error_of(await create_assignment(client, other_teacher, lesson))
    assert status == 403
    for method, path in (
        ("GET", f"/assignments/{assignment_id}"),
        ("PATCH", f"/assignments/{assignment_id}"),
        ("DELETE", f"/assignments/{assignment_id}"),
    ):
        response = await client.request(method, API + path, json={}, headers=other_teacher)
        assert response.status == 404, (method, path)
    # A student of the course: refused.
    status, _ = await error_of(await create_assignment(client, student_headers, lesson))
    assert status == 403
    response = await client.patch(
        f"{API}/assignments/{assignment_id}", json={"title": "Mine"}, headers=student_headers
    )
    assert response.status == 403
    response = await client.get(f"{API}/assignments/{assignment_id}", headers=setup.teacher_headers)
    assert (await response.json())["title"] == "Essay"
