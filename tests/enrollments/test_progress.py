"""Progress: time reports, completion, the arithmetic over published and optional lessons, and
what concurrent requests do to it."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from lms_rt.courses.models import Lesson
from lms_rt.enrollments.models import (
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    ProgressReport,
)
from lms_rt.users.models import Role
from tests.factories import (
    complete_lesson,
    course_lessons,
    create_course,
    create_lesson,
    create_user,
    enroll,
    signed_in,
)

API = "/api/v1"


async def put_progress(client, headers, enrollment, lesson, **json):
    return await client.put(
        f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/progress",
        json=json,
        headers=headers,
    )


async def post_complete(client, headers, enrollment, lesson):
    return await client.post(
        f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/complete", headers=headers
    )


async def numbers(enrollment) -> tuple:
    fresh = await Enrollment.get(id=enrollment.id)
    return (
        fresh.status.value,
        fresh.completed_lessons_count,
        fresh.total_lessons_count,
        fresh.progress_percentage,
    )


async def learner(client, lessons=3, **course_fields):
    """A course, and a signed-in student enrolled in it."""
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=lessons, **course_fields)
    student, headers = await signed_in(client)
    enrollment = await enroll(client, student, course)
    return course, student, headers, enrollment, teacher_headers


# --- time and position ---------------------------------------------------------------------


async def test_time_is_added_not_overwritten(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=2)
    first, second = await course_lessons(course)
    response = await put_progress(
        client, headers, enrollment, first, time_spent_seconds=30, last_position_seconds=30
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["time_spent_seconds"], body["status"]) == (30, "in_progress")
    response = await put_progress(
        client,
        headers,
        enrollment,
        first,
        time_spent_seconds=45,
        last_position_seconds=75,
        completion_percentage=40,
    )
    body = await response.json()
    assert (body["time_spent_seconds"], body["last_position_seconds"]) == (75, 75)
    assert body["completion_percentage"] == 40
    await put_progress(client, headers, enrollment, second, time_spent_seconds=10)
    # A position only moves the bookmark; it adds no time.
    await put_progress(client, headers, enrollment, first, last_position_seconds=5)
    row = await LessonProgress.get(enrollment_id=enrollment.id, lesson_id=first.id)
    assert (row.time_spent_seconds, row.last_position_seconds) == (75, 5)
    fresh = await Enrollment.get(id=enrollment.id)
    assert fresh.total_time_spent_seconds == 85
    assert fresh.started_at is not None and fresh.last_activity_at is not None
    # Reporting is not completing.
    assert await numbers(enrollment) == ("active", 0, 2, 0.0)


@pytest.mark.parametrize(
    "body",
    [
        {"time_spent_seconds": -1},
        {"time_spent_seconds": 3601},
        {"time_spent_seconds": 10**9},
        {"time_spent_seconds": "lots"},
        {"completion_percentage": 101},
        {"completion_percentage": -1},
        {"last_position_seconds": -5},
        {"last_position_seconds": 10**9},
        {"time_spent_seconds": 10, "status": "completed"},
        {"time_spent_seconds": 10, "report_id": ""},
    ],
)
async def test_absurd_reports_are_refused_and_change_nothing(client, body):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    [lesson] = await course_lessons(course)
    ok = await put_progress(
        client, headers, enrollment, lesson, time_spent_seconds=20, completion_percentage=10
    )
    assert ok.status == 200
    before_row = await LessonProgress.filter(enrollment_id=enrollment.id).values()
    before = await Enrollment.filter(id=enrollment.id).values()
    response = await put_progress(client, headers, enrollment, lesson, **body)
    assert response.status == 422
    assert (await response.json())["error"]["code"] == "invalid"
    assert await LessonProgress.filter(enrollment_id=enrollment.id).values() == before_row
    assert await Enrollment.filter(id=enrollment.id).values() == before


async def test_the_largest_allowed_report_is_accepted(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    [lesson] = await course_lessons(course)
    response = await put_progress(
        client, headers, enrollment, lesson, time_spent_seconds=3600, completion_percentage=100
    )
    assert response.status == 200
    assert (await Enrollment.get(id=enrollment.id)).total_time_spent_seconds == 3600


async def test_a_repeated_report_id_adds_no_time(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    [lesson] = await course_lessons(course)
    for _ in range(3):
        response = await put_progress(
            client, headers, enrollment, lesson, time_spent_seconds=60, report_id="r-1"
        )
        assert response.status == 200
    await put_progress(client, headers, enrollment, lesson, time_spent_seconds=60, report_id="r-2")
    # A retry racing its original still counts once.
    await asyncio.gather(
        *(
            put_progress(client, headers, enrollment, lesson, time_spent_seconds=7, report_id="r-3")
            for _ in range(3)
        )
    )
    row = await LessonProgress.get(enrollment_id=enrollment.id, lesson_id=lesson.id)
    assert row.time_spent_seconds == 127
    assert (await Enrollment.get(id=enrollment.id)).total_time_spent_seconds == 127
    assert await ProgressReport.filter(enrollment_id=enrollment.id).count() == 3


async def test_report_ids_are_per_enrollment(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=1)
    [lesson] = await course_lessons(course)
    amal, amal_headers = await signed_in(client)
    badr, badr_headers = await signed_in(client)
    e_amal, e_badr = await enroll(client, amal, course), await enroll(client, badr, course)
    for headers, enrollment in ((amal_headers, e_amal), (badr_headers, e_badr)):
        response = await put_progress(
            client, headers, enrollment, lesson, time_spent_seconds=30, report_id="same"
        )
        assert response.status == 200
    for enrollment in (e_amal, e_badr):
        assert (await Enrollment.get(id=enrollment.id)).total_time_spent_seconds == 30


# --- who may report, and on what -----------------------------------------------------------


async def test_only_the_enrolled_student_reports_progress(client):
    course, _, _, enrollment, teacher_headers = await learner(client, lessons=1)
    [lesson] = await course_lessons(course)
    _, classmate_headers = await signed_in(client)
    for who, status in ((teacher_headers, 403), (classmate_headers, 404), ({}, 401)):
        response = await put_progress(client, who, enrollment, lesson, time_spent_seconds=5)
        assert response.status == status
        assert (await post_complete(client, who, enrollment, lesson)).status == status
    assert not await LessonProgress.filter(enrollment_id=enrollment.id).exists()
    assert await numbers(enrollment) == ("active", 0, 1, 0.0)


async def test_a_lesson_of_another_course_is_not_found(client):
    _, student, headers, enrollment, _ = await learner(client, lessons=1)
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    elsewhere = await create_course(client, teacher, lessons=1)
    [foreign] = await course_lessons(elsewhere)
    await enroll(client, student, elsewhere)  # even one the student takes
    response = await put_progress(client, headers, enrollment, foreign, time_spent_seconds=5)
    assert response.status == 404
    assert (await post_complete(client, headers, enrollment, foreign)).status == 404
    assert not await LessonProgress.filter(enrollment_id=enrollment.id).exists()
    assert await numbers(enrollment) == ("active", 0, 1, 0.0)


async def test_an_unpublished_lesson_takes_no_progress(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    draft = await create_lesson(client, course, is_published=False)
    response = await put_progress(client, headers, enrollment, draft, time_spent_seconds=5)
    assert response.status == 404
    assert (await post_complete(client, headers, enrollment, draft)).status == 404
    assert not await LessonProgress.filter(enrollment_id=enrollment.id).exists()


async def test_a_dropped_enrollment_takes_no_progress(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    [lesson] = await course_lessons(course)
    await client.post(f"{API}/enrollments/{enrollment.id}/drop", headers=headers)
    response = await put_progress(client, headers, enrollment, lesson, time_spent_seconds=5)
    assert response.status == 409
    assert (await post_complete(client, headers, enrollment, lesson)).status == 409
    assert not await LessonProgress.filter(enrollment_id=enrollment.id).exists()
    assert (await Enrollment.get(id=enrollment.id)).status == EnrollmentStatus.DROPPED


async def test_a_locked_drip_lesson_takes_no_progress(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    drip = await create_lesson(client, course, available_after_days=3)
    response = await put_progress(client, headers, enrollment, drip, time_spent_seconds=5)
    assert response.status == 403
    assert (await post_complete(client, headers, enrollment, drip)).status == 403
    assert not await LessonProgress.filter(enrollment_id=enrollment.id).exists()


# --- the arithmetic ------------------------------------------------------------------------


async def test_progress_is_completed_published_lessons_over_published_lessons(client):
    course, _, headers, enrollment, teacher_headers = await learner(client, lessons=3)
    draft = await create_lesson(client, course, is_published=False)
    a, b, c, _ = await course_lessons(course)
    assert await numbers(enrollment) == ("active", 0, 3, 0.0)
    response = await post_complete(client, headers, enrollment, a)
    assert response.status == 200
    body = await response.json()
    assert (body["status"], body["completion_percentage"]) == ("completed", 100)
    assert body["completed_at"] is not None
    assert await numbers(enrollment) == ("active", 1, 3, 33.33)
    await post_complete(client, headers, enrollment, b)
    assert await numbers(enrollment) == ("active", 2, 3, 66.67)
    # Unpublishing a completed lesson takes it out of both counts ...
    unpublish = await client.patch(
        f"{API}/courses/{course.id}/lessons/{b.id}",
        json={"is_published": False},
        headers=teacher_headers,
    )
    assert unpublish.status == 200
    assert await numbers(enrollment) == ("active", 1, 2, 50.0)
    # ... publishing the draft adds it to the total only ...
    publish = await client.patch(
        f"{API}/courses/{course.id}/lessons/{draft.id}",
        json={"is_published": True},
        headers=teacher_headers,
    )
    assert publish.status == 200
    assert await numbers(enrollment) == ("active", 1, 3, 33.33)
    # ... and deleting a lesson takes it out of the total.
    deleted = await client.delete(
        f"{API}/courses/{course.id}/lessons/{draft.id}", headers=teacher_headers
    )
    assert deleted.status == 204
    assert await numbers(enrollment) == ("active", 1, 2, 50.0)
    await post_complete(client, headers, enrollment, c)
    assert await numbers(enrollment) == ("completed", 2, 2, 100.0)
    my = await (await client.get(f"{API}/enrollments/{enrollment.id}", headers=headers)).json()
    assert (my["completed_lessons_count"], my["progress_percentage"]) == (2, 100.0)


async def test_optional_lessons_are_not_needed_to_complete(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=2)
    optional = await create_lesson(client, course, is_optional=True)
    a, b, _ = await course_lessons(course)
    await post_complete(client, headers, enrollment, a)
    assert await numbers(enrollment) == ("active", 1, 3, 33.33)
    await post_complete(client, headers, enrollment, b)
    assert await numbers(enrollment) == ("completed", 2, 3, 66.67)
    completed_at = (await Enrollment.get(id=enrollment.id)).completed_at
    assert completed_at is not None
    await post_complete(client, headers, enrollment, optional)
    assert await numbers(enrollment) == ("completed", 3, 3, 100.0)
    assert (await Enrollment.get(id=enrollment.id)).completed_at == completed_at


async def test_completing_a_lesson_twice_counts_once(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=2)
    a, b = await course_lessons(course)
    first = await post_complete(client, headers, enrollment, a)
    second = await post_complete(client, headers, enrollment, a)
    assert first.status == second.status == 200
    assert (await first.json())["completed_at"] == (await second.json())["completed_at"]
    assert await numbers(enrollment) == ("active", 1, 2, 50.0)
    await post_complete(client, headers, enrollment, b)
    completed_at = (await Enrollment.get(id=enrollment.id)).completed_at
    await post_complete(client, headers, enrollment, b)
    assert await numbers(enrollment) == ("completed", 2, 2, 100.0)
    assert (await Enrollment.get(id=enrollment.id)).completed_at == completed_at
    assert await LessonProgress.filter(enrollment_id=enrollment.id).count() == 2


async def test_concurrent_completion_of_the_same_lesson_counts_once(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=2)
    a, _ = await course_lessons(course)
    responses = await asyncio.gather(
        *(post_complete(client, headers, enrollment, a) for _ in range(2))
    )
    assert [r.status for r in responses] == [200, 200]
    assert await numbers(enrollment) == ("active", 1, 2, 50.0)
    assert await LessonProgress.filter(enrollment_id=enrollment.id).count() == 1
    more = await asyncio.gather(*(post_complete(client, headers, enrollment, a) for _ in range(5)))
    assert {r.status for r in more} == {200}
    assert await numbers(enrollment) == ("active", 1, 2, 50.0)


async def test_concurrent_completion_of_the_last_lesson_completes_once(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=1)
    [only] = await course_lessons(course)
    responses = await asyncio.gather(
        *(post_complete(client, headers, enrollment, only) for _ in range(2))
    )
    assert [r.status for r in responses] == [200, 200]
    assert await numbers(enrollment) == ("completed", 1, 1, 100.0)


async def test_two_lessons_completed_at_once_are_both_counted(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=3)
    a, b, c = await course_lessons(course)
    responses = await asyncio.gather(
        post_complete(client, headers, enrollment, a),
        post_complete(client, headers, enrollment, b),
    )
    assert [r.status for r in responses] == [200, 200]
    assert await numbers(enrollment) == ("active", 2, 3, 66.67)
    await post_complete(client, headers, enrollment, c)
    assert await numbers(enrollment) == ("completed", 3, 3, 100.0)


async def test_the_last_two_lessons_completed_at_once_complete_the_enrollment(client):
    course, _, headers, enrollment, _ = await learner(client, lessons=2)
    a, b = await course_lessons(course)
    await asyncio.gather(
        post_complete(client, headers, enrollment, a),
        post_complete(client, headers, enrollment, b),
    )
    assert await numbers(enrollment) == ("completed", 2, 2, 100.0)


async def test_a_new_lesson_updates_every_enrollment_but_uncompletes_none(client):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=1)
    [first] = await course_lessons(course)
    done_student = await create_user(client)
    busy_student = await create_user(client)
    done = await enroll(client, done_student, course)
    busy = await enroll(client, busy_student, course)
    await complete_lesson(client, done_student, done, first)
    completed_at = (await Enrollment.get(id=done.id)).completed_at
    assert await numbers(done) == ("completed", 1, 1, 100.0)
    draft = await client.post(
        f"{API}/courses/{course.id}/lessons", json={"title": "Draft"}, headers=teacher_headers
    )
    assert draft.status == 201
    assert await numbers(done) == ("completed", 1, 1, 100.0)
    added = await client.post(
        f"{API}/courses/{course.id}/lessons",
        json={"title": "Bonus chapter", "is_published": True},
        headers=teacher_headers,
    )
    assert added.status == 201
    assert await numbers(done) == ("completed", 1, 2, 50.0)
    assert (await Enrollment.get(id=done.id)).completed_at == completed_at
    assert await numbers(busy) == ("active", 0, 2, 0.0)
    new_student = await create_user(client)
    assert await numbers(await enroll(client, new_student, course)) == ("active", 0, 2, 0.0)
    # Completing the new lesson brings the completed enrollment to 100 % and keeps its date.
    bonus = await Lesson.get(course_id=course.id, title="Bonus chapter")
    await complete_lesson(client, done_student, await Enrollment.get(id=done.id), bonus)
    assert await numbers(done) == ("completed", 2, 2, 100.0)
    assert (await Enrollment.get(id=done.id)).completed_at == completed_at


async def test_removing_the_last_open_required_lesson_completes_the_enrollment(client):
    course, _, headers, enrollment, teacher_headers = await learner(client, lessons=2)
    a, b = await course_lessons(course)
    await post_complete(client, headers, enrollment, a)
    response = await client.patch(
        f"{API}/courses/{course.id}/lessons/{b.id}",
        json={"is_optional": True},
        headers=teacher_headers,
    )
    assert response.status == 200
    status, completed, total, percentage = await numbers(enrollment)
    assert (status, completed, total, percentage) == ("completed", 1, 2, 50.0)
    assert isinstance((await Enrollment.get(id=enrollment.id)).completed_at, datetime)
    assert await Lesson.filter(course_id=course.id, is_optional=True).count() == 1
