"""``/api/v1/analytics``: every figure is computed when asked (``freshness`` says so)."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from lms_rt import keys
from lms_rt.analytics import course as course_analytics
from lms_rt.analytics import student, system
from lms_rt.auth.permissions import ADMIN, ANYONE_SIGNED_IN, STAFF
from lms_rt.courses.access import editable_course
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.users.models import User

api = ApiRoutes(tag="analytics")


# Documents of figures: their shape is described in each operation's text.
Figures = dict[str, Any]


class CourseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "csv"] = "json"
    table: Literal["enrollments", "funnel", "items"] = "funnel"


@api.get(
    "/analytics/my-progress",
    summary="My courses with progress and the next lesson",
    response=list[Figures],
    roles=ANYONE_SIGNED_IN,
)
async def my_progress(request: web.Request, user: User) -> list[dict[str, Any]]:
    return await student.my_progress(user)


@api.get(
    "/analytics/my-dashboard",
    summary="My learning at a glance",
    response=Figures,
    roles=ANYONE_SIGNED_IN,
)
async def my_dashboard(request: web.Request, user: User) -> dict[str, Any]:
    """Courses in progress and completed, next lessons, recent grades, certificates and the
    streak of active days in my timezone."""
    return await student.my_dashboard(user, request.app[keys.DEPS].clock.now())


@api.get(
    "/analytics/courses/{course_id}",
    summary="A course's figures (its staff; JSON or CSV)",
    query=CourseQuery,
    response=Figures,
    roles=STAFF,
    errors=[403, 404],
)
async def course_figures(
    request: web.Request, query: CourseQuery, user: User
) -> web.StreamResponse | dict[str, Any]:
    """Enrollments over time, active students (7/30 days), completion rate, average
    progress, time spent, the per-lesson funnel, quiz item analysis (share correct, choice
    counts, discrimination index) and ratings. ``?format=csv&table=enrollments|funnel|items``
    gives one table as CSV."""
    course = await editable_course(user, request.match_info["course_id"])
    figures = await course_analytics.course_figures(course, request.app[keys.DEPS].clock.now())
    if query.format == "csv":
        return _csv(course.id, query.table, figures)
    return figures


def _csv(course_id: Any, table: str, figures: dict[str, Any]) -> web.Response:
    name = f"course-{course_id}-{table}.csv"
    if table == "enrollments":
        rows = figures["enrollments"]["over_time"]
        return csv_response(
            name, ("day", "enrollments"), ([r["day"], r["enrollments"]] for r in rows)
        )
    if table == "items":
        header = (
            "quiz_id",
            "question_id",
            "text",
            "answered",
            "share_correct",
            "discrimination",
            "choices",
        )
        return csv_response(
            name,
            header,
            (
                [
                    quiz["quiz_id"],
                    item["question_id"],
                    item["text"],
                    item["answered"],
                    item["share_correct"],
                    item["discrimination"],
                    " ".join(f"{k}={v}" for k, v in item["choices"].items()),
                ]
                for quiz in figures["quizzes"]
                for item in quiz["questions"]
            ),
        )
    funnel = ("lesson_id", "title", "completed", "share_of_students", "drop_off")
    return csv_response(name, funnel, ([r[h] for h in funnel] for r in figures["funnel"]))


@api.get(
    "/analytics/system/overview",
    summary="The platform's figures (admin)",
    response=Figures,
    roles=ADMIN,
)
async def system_overview(request: web.Request, user: User) -> dict[str, Any]:
    """Users by role and activity, enrollments and completions by month, revenue by currency
    and month (minor units), top courses, job queue depth and failures."""
    deps = request.app[keys.DEPS]
    return await system.overview(deps, deps.clock.now())
