"""``/api/v1/enrollments`` and the course roster."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF
from lms_rt.courses.access import editable_course
from lms_rt.courses.service import course_out, lesson_summary
from lms_rt.enrollments import service
from lms_rt.enrollments.models import LessonProgress
from lms_rt.enrollments.schemas import (
    BulkEnrollIn,
    BulkEnrollOut,
    EnrollIn,
    EnrollmentDetailOut,
    EnrollmentOut,
    LessonProgressOut,
    MyCourseOut,
    ProgressIn,
    ReviewIn,
    RosterEntry,
    RosterQuery,
)
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User

api = ApiRoutes(tag="enrollments")


def progress_out(row: LessonProgress) -> LessonProgressOut:
    return LessonProgressOut(
        lesson_id=row.lesson_id,
        status=row.status,
        started_at=row.started_at,
        completed_at=row.completed_at,
        time_spent_seconds=row.time_spent_seconds,
        completion_percentage=row.completion_percentage,
        last_position_seconds=row.last_position_seconds,
    )


@api.post(
    "/enrollments",
    summary="Enroll in a free course",
    body=EnrollIn,
    response=EnrollmentOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[402, 404, 409],
)
async def enroll(request: web.Request, body: EnrollIn, user: User) -> EnrollmentOut:
    """Free published courses enroll at once (a dropped enrollment is reactivated); paid
    courses answer 402 naming the payment endpoints; a second enrollment is 409."""
    enrollment = await service.enroll(request.app[keys.DEPS], user, body.course_id)
    return service.enrollment_out(enrollment)


@api.get(
    "/enrollments/my-courses",
    summary="Your courses with progress and what is next",
    response=list[MyCourseOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_courses(request: web.Request, user: User) -> list[MyCourseOut]:
    enrollments = await service.my_enrollments(user)
    upcoming = await service.next_lessons(enrollments)
    return [
        MyCourseOut(
            enrollment=service.enrollment_out(e),
            course=course_out(e.course),
            next_lesson=lesson_summary(upcoming[e.id], e, staff=False)  # type: ignore[arg-type]
            if upcoming.get(e.id)
            else None,
        )
        for e in enrollments
    ]


@api.get(
    "/enrollments/{enrollment_id}",
    summary="An enrollment with per-lesson progress",
    response=EnrollmentDetailOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_enrollment(request: web.Request, user: User) -> EnrollmentDetailOut:
    """Yours, or one of your course's students' if you teach it; anyone else's is 404."""
    enrollment = await service.own_enrollment(user, path_uuid(request, "enrollment_id"))
    rows = await LessonProgress.filter(enrollment_id=enrollment.id)
    return EnrollmentDetailOut(
        **service.enrollment_out(enrollment).model_dump(),
        lessons=[progress_out(row) for row in rows],
    )


@api.post(
    "/enrollments/{enrollment_id}/drop",
    summary="Leave a course",
    response=EnrollmentOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def drop(request: web.Request, user: User) -> EnrollmentOut:
    enrollment = await service.own_enrollment(user, path_uuid(request, "enrollment_id"))
    return service.enrollment_out(await service.drop(request.app[keys.DEPS], user, enrollment))


@api.put(
    "/enrollments/{enrollment_id}/review",
    summary="Rate and review a course",
    body=ReviewIn,
    response=EnrollmentOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def review(request: web.Request, body: ReviewIn, user: User) -> EnrollmentOut:
    """Once you have made progress in it."""
    enrollment = await service.own_enrollment(user, path_uuid(request, "enrollment_id"))
    updated = await service.review(request.app[keys.DEPS], user, enrollment, body)
    return service.enrollment_out(updated)


@api.put(
    "/enrollments/{enrollment_id}/lessons/{lesson_id}/progress",
    summary="Report time spent and position in a lesson",
    body=ProgressIn,
    response=LessonProgressOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def report_progress(request: web.Request, body: ProgressIn, user: User) -> LessonProgressOut:
    """Time is added, never overwritten; a repeated ``report_id`` adds none."""
    enrollment = await service.own_enrollment(user, path_uuid(request, "enrollment_id"))
    row = await service.record_progress(
        request.app[keys.DEPS], user, enrollment, path_uuid(request, "lesson_id"), body
    )
    return progress_out(row)


@api.post(
    "/enrollments/{enrollment_id}/lessons/{lesson_id}/complete",
    summary="Mark a lesson completed",
    response=LessonProgressOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def complete(request: web.Request, user: User) -> LessonProgressOut:
    """Idempotent. Completing the last required lesson completes the enrollment."""
    enrollment = await service.own_enrollment(user, path_uuid(request, "enrollment_id"))
    row = await service.complete_lesson(
        request.app[keys.DEPS], user, enrollment, path_uuid(request, "lesson_id")
    )
    return progress_out(row)


@api.get(
    "/courses/{course}/enrollments",
    summary="The roster (JSON or CSV)",
    query=RosterQuery,
    response=Page[RosterEntry],
    roles=STAFF,
    errors=[403, 404],
)
async def roster(
    request: web.Request, query: RosterQuery, user: User
) -> web.StreamResponse | Page[RosterEntry]:
    """``format=csv`` downloads every matching row."""
    course = await editable_course(user, request.match_info["course"])
    rows, total = await service.roster(course, query)
    if query.format == "csv":
        return csv_response(
            f"{course.slug}-roster.csv", service.ROSTER_COLUMNS, service.roster_rows(rows)
        )
    return Page[RosterEntry](
        items=[
            RosterEntry(
                **service.enrollment_out(e).model_dump(),
                student_name=e.student.full_name,
                student_email=e.student.email,
            )
            for e in rows
        ],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.post(
    "/courses/{course}/enrollments",
    summary="Enroll existing users by email",
    body=BulkEnrollIn,
    response=BulkEnrollOut,
    roles=STAFF,
    errors=[403, 404],
)
async def bulk_enroll(request: web.Request, body: BulkEnrollIn, user: User) -> BulkEnrollOut:
    course = await editable_course(user, request.match_info["course"])
    return await service.bulk_enroll(request.app[keys.DEPS], course, body.emails)
