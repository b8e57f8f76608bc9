"""Rubric and plain grading, regrading, the student's inbox, and completion after a grade."""

from __future__ import annotations

from lms_rt.assignments.completion import awaiting_grade
from lms_rt.assignments.models import Submission
from lms_rt.enrollments.models import Enrollment, LessonProgress, ProgressStatus
from lms_rt.notifications.models import Notification, NotificationType
from tests.assignments.helpers import (
    API,
    assignment_course,
    enrolled,
    error_of,
    grade,
    graded,
    return_for_resubmission,
    submitted,
)
from tests.factories import course_lessons
from tests.quizzes.helpers import enrollment_of

RUBRIC = [
    {"id": "thesis", "title": "Thesis", "points": 4},
    {"id": "evidence", "title": "Evidence", "points": 4.5},
    {"id": "style", "title": "Style", "points": 1.5},
]


async def test_rubric_grading_needs_every_criterion_within_its_points(client):
    setup = await assignment_course(client, rubric=RUBRIC)
    assert setup.assignment["max_points"] == 10
    _, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    teacher = setup.teacher_headers

    status, error = await error_of(
        await grade(client, submission["id"], teacher, rubric_scores={"thesis": 4, "style": 1})
    )
    assert status == 422
    assert {"field": "rubric_scores.evidence", "message": "missing"} in error["details"]
    status, error = await error_of(
        await grade(
            client,
            submission["id"],
            teacher,
            rubric_scores={"thesis": 4, "evidence": 5, "style": 1},
        )
    )
    assert status == 422
    assert error["details"] == [
        {"field": "rubric_scores.evidence", "message": "at most 4.5 points"}
    ]
    status, error = await error_of(
        await grade(
            client,
            submission["id"],
            teacher,
            rubric_scores={"thesis": 4, "evidence": 4, "style": 1, "spelling": 1},
        )
    )
    assert status == 422 and error["details"][0]["field"] == "rubric_scores.spelling"
    status, _ = await error_of(
        await grade(
            client,
            submission["id"],
            teacher,
            rubric_scores={"thesis": -1, "evidence": 4, "style": 1},
        )
    )
    assert status == 422
    status, _ = await error_of(
        await grade(
            client,
            submission["id"],
            teacher,
            rubric_scores={"thesis": 4, "evidence": 4, "style": 1},
            raw_score=10,
        )
    )
    assert status == 422
    # Nothing of the refused grades was kept.
    row = await Submission.get(id=submission["id"])
    assert row.raw_score is None and row.status == "submitted"

    result = await graded(
        client,
        submission["id"],
        teacher,
        rubric_scores={"thesis": 3.5, "evidence": 4, "style": 1.5},
        feedback="Solid evidence.",
    )
    assert result["rubric_scores"] == {"thesis": 3.5, "evidence": 4, "style": 1.5}
    assert (result["raw_score"], result["score"], result["status"]) == (9.0, 9.0, "graded")
    assert result["feedback"] == "Solid evidence."


async def test_plain_grades_and_regrades(client):
    setup = await assignment_course(client, max_points=20)
    student, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    teacher = setup.teacher_headers
    for body in ({"raw_score": 21}, {}, {"rubric_scores": {"a": 1}}, {"raw_score": 5, "x": 1}):
        status, _ = await error_of(await grade(client, submission["id"], teacher, **body))
        assert status == 422, body
    first = await graded(client, submission["id"], teacher, raw_score=12, feedback="Fine")
    assert (first["raw_score"], first["score"]) == (12, 12)
    again = await graded(client, submission["id"], teacher, raw_score=17.5, feedback="Better")
    assert (again["raw_score"], again["score"], again["feedback"]) == (17.5, 17.5, "Better")
    # The student reads the grade on their submission; each grade was in their inbox.
    response = await client.get(f"{API}/submissions/{submission['id']}", headers=headers)
    seen = await response.json()
    assert (seen["score"], seen["feedback"], seen["status"]) == (17.5, "Better", "graded")
    inbox = await Notification.filter(
        user_id=student.id, type=NotificationType.GRADE_RELEASED
    ).order_by("created_at")
    assert [n.body for n in inbox] == ["12 / 20", "17.5 / 20"]
    assert inbox[-1].data["submission_id"] == submission["id"]
    assert inbox[-1].link == f"/api/v1/submissions/{submission['id']}"


async def test_returning_puts_a_request_for_another_attempt_in_the_inbox(client):
    setup = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    response = await return_for_resubmission(
        client, submission["id"], setup.teacher_headers, "Please add a conclusion"
    )
    assert response.status == 200
    [note] = await Notification.filter(
        user_id=student.id, type=NotificationType.SUBMISSION_RETURNED
    )
    assert note.body == "Please add a conclusion" and "Essay" in note.title
    assert note.data["submission_id"] == submission["id"]
    response = await return_for_resubmission(client, submission["id"], setup.teacher_headers, "")
    assert response.status == 422  # a return says what to change


async def test_a_graded_assignment_completes_its_lesson_and_the_course(client):
    setup = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    enrollment = await enrollment_of(student, setup.course)
    text_lesson, assignment_lesson = await course_lessons(setup.course)
    response = await client.post(
        f"{API}/enrollments/{enrollment.id}/lessons/{text_lesson.id}/complete", headers=headers
    )
    assert response.status == 200
    # An assignment lesson cannot be marked done by hand: a graded submission completes it.
    response = await client.post(
        f"{API}/enrollments/{enrollment.id}/lessons/{assignment_lesson.id}/complete",
        headers=headers,
    )
    status, error = await error_of(response)
    assert status == 409 and error["details"] == [{"reason": "assignment_not_graded"}]
    assert not await LessonProgress.filter(
        enrollment_id=enrollment.id, lesson_id=assignment_lesson.id, status="completed"
    ).exists()
    assert (await Enrollment.get(id=enrollment.id)).completed_at is None

    submission = await submitted(client, setup, headers)
    assert (await Enrollment.get(id=enrollment.id)).completed_at is None
    assert await awaiting_grade(assignment_lesson.id, student.id)
    assert not await awaiting_grade(text_lesson.id, student.id)
    await graded(client, submission["id"], setup.teacher_headers, raw_score=70)
    assert not await awaiting_grade(assignment_lesson.id, student.id)
    refreshed = await Enrollment.get(id=enrollment.id)
    assert refreshed.completed_at is not None and refreshed.status == "completed"
    assert refreshed.progress_percentage == 100.0


async def test_grading_marks_the_lesson_completed_without_the_student_marking_it(client):
    setup = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    await graded(client, submission["id"], setup.teacher_headers, raw_score=0)
    enrollment = await enrollment_of(student, setup.course)
    progress = await LessonProgress.get(enrollment_id=enrollment.id, lesson_id=setup.lesson.id)
    assert progress.status == ProgressStatus.COMPLETED and progress.completed_at is not None
    # One of two published lessons is done; the course is not finished.
    assert enrollment.completed_lessons_count == 1 and enrollment.progress_percentage == 50.0
    assert enrollment.completed_at is None


async def test_an_optional_assignment_lesson_does_not_hold_completion_back(client):
    setup = await assignment_course(client, lesson_fields={"is_optional": True})
    student, headers = await enrolled(client, setup)
    enrollment = await enrollment_of(student, setup.course)
    text_lesson, _ = await course_lessons(setup.course)
    await client.post(
        f"{API}/enrollments/{enrollment.id}/lessons/{text_lesson.id}/complete", headers=headers
    )
    assert (await Enrollment.get(id=enrollment.id)).completed_at is not None
