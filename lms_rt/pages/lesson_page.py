"""``/learn/{course}/{lesson}``: a lesson's content for the people the API would show it to.

The same checks as ``GET /api/v1/courses/{course}/lessons/{lesson}`` (staff, enrolled students
once a drip lesson unlocks, previews). What staff wrote is Markdown, shown only after the
sanitiser (:mod:`lms_rt.content.markdown`); everything else in the template is autoescaped.
"""

from __future__ import annotations

from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup

from lms_rt.auth import cookies
from lms_rt.content.markdown import render_markdown
from lms_rt.courses import service
from lms_rt.courses.access import visible_course
from lms_rt.errors import Forbidden, NotFound

routes = web.RouteTableDef()


def lesson_path(course_slug: str, lesson_slug: str) -> str:
    return f"/learn/{course_slug}/{lesson_slug}"


@routes.get("/learn/{course}/{lesson}", name="lesson_page")
async def lesson_page(request: web.Request) -> web.StreamResponse:
    current = await cookies.read_session(request)
    if current is None:
        raise web.HTTPSeeOther(f"/sign-in?{urlencode({'next': request.path})}")
    user = current.user
    try:
        course, staff = await visible_course(user, request.match_info["course"])
        lesson = await service.course_lesson(course, request.match_info["lesson"])
        await service.readable_lesson(user, course, lesson, staff)
    except NotFound:
        raise web.HTTPNotFound() from None
    except Forbidden as exc:
        return aiohttp_jinja2.render_template(
            "pages/lesson_locked.html",
            request,
            {"course": course, "lesson": lesson, "reason": exc.message},
            status=403,
        )
    return aiohttp_jinja2.render_template(
        "pages/lesson.html",
        request,
        {
            "course": course,
            "lesson": lesson,
            # Sanitised above; Markup only tells the autoescaping template not to escape again.
            "description_html": Markup(render_markdown(lesson.description)),  # noqa: S704
            "content_html": Markup(render_markdown(lesson.content)),  # noqa: S704
            "csrf_token": current.csrf_token,
        },
    )
