"""``/dashboard/courses/{id}``: the course's staff watch their class as it happens.

The page is drawn from the same figures the analytics API gives; from then on it follows the
course's staff channel (presence, progress, completions, quiz submissions) and redraws itself.
"""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from lms_rt.analytics.course import funnel
from lms_rt.auth.permissions import optional_user
from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.users.models import User

routes = web.RouteTableDef()


@routes.get("/dashboard/courses/{course_id}", name="course_dashboard")
async def course_dashboard(request: web.Request) -> web.StreamResponse:
    user = await optional_user(request)
    if user is None:
        raise web.HTTPFound(f"/sign-in?next={request.path}")
    course = await Course.filter(id=_course_id(request)).first()
    if course is None or not await is_staff(user, course):
        raise web.HTTPNotFound()
    return aiohttp_jinja2.render_template(
        "dashboards/course.html", request, {"course": course, "data": await _data(course)}
    )


def _course_id(request: web.Request) -> str:
    try:
        return str(uuid.UUID(request.match_info["course_id"]))
    except ValueError:
        raise web.HTTPNotFound() from None


async def _data(course: Course) -> dict[str, Any]:
    rows = await Enrollment.filter(
        course_id=course.id, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]
    ).values_list("id", "student_id", "progress_percentage")
    names = dict(
        await User.filter(id__in=[student for _, student, _ in rows]).values_list("id", "full_name")
    )
    return {
        "course_id": str(course.id),
        "students": {
            str(enrollment): {"name": names.get(student, ""), "progress": float(progress or 0)}
            for enrollment, student, progress in rows
        },
        "funnel": await funnel(course),
    }
