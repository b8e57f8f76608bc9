"""A student's own view: courses in progress with the next lesson, recent grades,
certificates and the streak of days with activity (in the student's timezone)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lms_rt.certificates.models import Certificate
from lms_rt.courses.models import Course, Lesson
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus, LessonProgress, ProgressStatus
from lms_rt.quizzes.models import AttemptStatus, Quiz, QuizAttempt
from lms_rt.users.models import User

RECENT_GRADES = 5
STREAK_LOOKBACK_DAYS = 366


async def my_progress(user: User) -> list[dict[str, Any]]:
    enrollments = await Enrollment.filter(
        student_id=user.id, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]
    ).order_by("-last_activity_at", "-enrolled_at")
    courses = {c.id: c for c in await Course.filter(id__in=[e.course_id for e in enrollments])}
    lessons = await Lesson.filter(course_id__in=list(courses), is_published=True).order_by(
        "course_id", "order"
    )
    done = set(
        await LessonProgress.filter(
            enrollment_id__in=[e.id for e in enrollments], status=ProgressStatus.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    out = []
    for enrollment in enrollments:
        course = courses[enrollment.course_id]
        upcoming = next(
            (
                lesson
                for lesson in lessons
                if lesson.course_id == course.id
                and lesson.id not in done
                and not lesson.is_optional
            ),
            None,
        )
        out.append(
            {
                "enrollment_id": str(enrollment.id),
                "course_id": str(course.id),
                "course_title": course.title,
                "course_slug": course.slug,
                "status": enrollment.status.value,
                "progress_percentage": enrollment.progress_percentage,
                "completed_lessons": enrollment.completed_lessons_count,
                "total_lessons": enrollment.total_lessons_count,
                "last_activity_at": enrollment.last_activity_at.isoformat()
                if enrollment.last_activity_at
                else None,
                "next_lesson": {"lesson_id": str(upcoming.id), "title": upcoming.title}
                if upcoming
                else None,
            }
        )
    return out


async def my_dashboard(user: User, now: datetime) -> dict[str, Any]:
    progress = await my_progress(user)
    attempts = (
        await QuizAttempt.filter(student_id=user.id, status=AttemptStatus.GRADED)
        .order_by("-graded_at")
        .limit(RECENT_GRADES)
    )
    quizzes = {q.id: q for q in await Quiz.filter(id__in=[a.quiz_id for a in attempts])}
    certificates = await Certificate.filter(
        student_id=user.id, is_revoked=False, file_key__not_isnull=True
    ).order_by("-issued_at")
    return {
        "generated_at": now.isoformat(),
        "freshness": "live: computed when asked",
        "in_progress": [p for p in progress if p["status"] == "active"],
        "completed": [p for p in progress if p["status"] == "completed"],
        "next_lessons": [
            {"course_title": p["course_title"], **p["next_lesson"]}
            for p in progress
            if p["status"] == "active" and p["next_lesson"]
        ],
        "recent_grades": [
            {
                "attempt_id": str(a.id),
                "quiz_title": quizzes[a.quiz_id].title if a.quiz_id in quizzes else "",
                "percentage": a.percentage,
                "passed": a.passed,
                "graded_at": a.graded_at.isoformat() if a.graded_at else None,
            }
            for a in attempts
        ],
        "certificates": [
            {"certificate_id": str(c.id), "number": c.number, "course_title": c.course_title}
            for c in certificates
        ],
        "streak_days": await streak(user, now),
    }


async def streak(user: User, now: datetime) -> int:
    """Consecutive days with learning activity, ending today or yesterday (a day not over yet
    does not break a streak), in the student's own timezone."""
    zone = ZoneInfo(user.timezone or "UTC")
    since = now - timedelta(days=STREAK_LOOKBACK_DAYS)
    moments: list[datetime] = [
        *await LessonProgress.filter(
            enrollment__student_id=user.id, completed_at__gte=since
        ).values_list("completed_at", flat=True),  # type: ignore[list-item]
        *await QuizAttempt.filter(student_id=user.id, submitted_at__gte=since).values_list(
            "submitted_at", flat=True
        ),  # type: ignore[list-item]
        *await Enrollment.filter(student_id=user.id, last_activity_at__gte=since).values_list(
            "last_activity_at", flat=True
        ),  # type: ignore[list-item]
    ]
    days = {m.astimezone(zone).date() for m in moments if m is not None}
    today = now.astimezone(zone).date()
    day: date = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count
