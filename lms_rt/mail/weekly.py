"""The weekly report: each instructor gets a summary of their courses over the past week.

Figures are aggregated in SQL per course (one query per figure for all of an instructor's
courses, never one per student), and each instructor's message is keyed by the ISO week, so a
second run in the same week sends nothing new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.functions import Avg, Count

from lms_rt.courses.models import Course
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.quizzes.models import AttemptStatus, QuizAttempt
from lms_rt.users.models import Role, User


@dataclass(frozen=True)
class CourseWeek:
    title: str
    new_enrollments: int
    completions: int
    average_progress: float | None  # percent, over active and completed enrollments
    quiz_pass_rate: float | None  # percent of graded attempts passed this week

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "new_enrollments": self.new_enrollments,
            "completions": self.completions,
            "average_progress": self.average_progress,
            "quiz_pass_rate": self.quiz_pass_rate,
        }


def _by_course(rows: list[dict[str, Any]], key: str) -> dict[uuid.UUID, Any]:
    return {row["course_id"]: row[key] for row in rows}


async def instructor_week(instructor: User, until: datetime) -> list[CourseWeek]:
    since = until - timedelta(days=7)
    courses = await Course.filter(instructor_id=instructor.id).order_by("title")
    ids = [c.id for c in courses]
    if not ids:
        return []
    enrolled = _by_course(
        await Enrollment.filter(course_id__in=ids, enrolled_at__gte=since, enrolled_at__lt=until)
        .group_by("course_id")
        .annotate(n=Count("id"))
        .values("course_id", "n"),
        "n",
    )
    completed = _by_course(
        await Enrollment.filter(course_id__in=ids, completed_at__gte=since, completed_at__lt=until)
        .group_by("course_id")
        .annotate(n=Count("id"))
        .values("course_id", "n"),
        "n",
    )
    progress = _by_course(
        await Enrollment.filter(
            course_id__in=ids,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        )
        .group_by("course_id")
        .annotate(p=Avg("progress_percentage"))
        .values("course_id", "p"),
        "p",
    )
    graded = QuizAttempt.filter(
        quiz__course_id__in=ids,
        status=AttemptStatus.GRADED,
        graded_at__gte=since,
        graded_at__lt=until,
    )
    attempts = _by_course(
        await graded.group_by("quiz__course_id")
        .annotate(n=Count("id"))
        .values(course_id="quiz__course_id", n="n"),
        "n",
    )
    passes = _by_course(
        await graded.filter(passed=True)
        .group_by("quiz__course_id")
        .annotate(n=Count("id"))
        .values(course_id="quiz__course_id", n="n"),
        "n",
    )
    out = []
    for course in courses:
        tried = attempts.get(course.id, 0)
        passed = passes.get(course.id, 0)
        average = progress.get(course.id)
        out.append(
            CourseWeek(
                title=course.title,
                new_enrollments=enrolled.get(course.id, 0),
                completions=completed.get(course.id, 0),
                average_progress=round(float(average), 1) if average is not None else None,
                quiz_pass_rate=round(100.0 * passed / tried, 1) if tried else None,
            )
        )
    return out


def week_name(at: datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


async def send_weekly_reports(ctx: dict[str, Any]) -> int:
    """Queue one report per active instructor with courses; how many were queued."""
    deps: Deps = ctx["deps"]
    now = deps.clock.now()
    week = week_name(now)
    queued = 0
    teaching = await Course.all().distinct().values_list("instructor_id", flat=True)
    instructors = await User.filter(
        id__in=list(teaching), role__in=[Role.INSTRUCTOR, Role.ADMIN], is_active=True
    ).order_by("email")
    for instructor in instructors:
        courses = await instructor_week(instructor, now)
        if not courses:
            continue
        key = f"weekly-report:{instructor.id}:{week}"
        await deps.jobs.enqueue(
            "send_email",
            instructor.email,
            "weekly_report",
            {
                "name": instructor.full_name,
                "week": week,
                "courses": [c.as_dict() for c in courses],
                "dashboard_url": f"{deps.settings.base_url}/dashboard",
            },
            key,
            job_id=key,
        )
        queued += 1
    return queued
