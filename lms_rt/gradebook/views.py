"""``/api/v1`` routes of the gradebook."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF
from lms_rt.courses.access import editable_course, visible_course
from lms_rt.errors import NotFound
from lms_rt.gradebook import service
from lms_rt.gradebook.book import load_book, load_rules
from lms_rt.gradebook.export import gradebook_csv
from lms_rt.gradebook.rules import Rules, RulesOut
from lms_rt.gradebook.schemas import (
    GradebookOut,
    GradebookQuery,
    MyGradesOut,
    OverrideIn,
    OverrideOut,
    OverrideSetOut,
    OverridesQuery,
)
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.users.models import User

api = ApiRoutes(tag="gradebook")


@api.get(
    "/courses/{course_id}/gradebook",
    summary="The course's gradebook: a row per student, a column per graded item (JSON or CSV)",
    query=GradebookQuery,
    response=GradebookOut,
    roles=STAFF,
    errors=[403, 404],
)
async def get_gradebook(
    request: web.Request, query: GradebookQuery, user: User
) -> web.StreamResponse | GradebookOut:
    """Active and completed students; each cell says whether it counts, was dropped or is
    overridden; categories, the final percentage and its letter. The rules are in
    ``docs/gradebook.md``."""
    course = await editable_course(user, request.match_info["course_id"])
    book = await load_book(course.id, request.app[keys.DEPS].clock.now())
    if query.format == "csv":
        return gradebook_csv(book)
    return book.out()


@api.get(
    "/courses/{course_id}/grades/mine",
    summary="Your own grades in a course (enrolled students)",
    response=MyGradesOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def my_grades(request: web.Request, user: User) -> MyGradesOut:
    course, _ = await visible_course(user, request.match_info["course_id"])
    book = await load_book(course.id, request.app[keys.DEPS].clock.now(), [user.id])
    if not book.rows:
        raise NotFound("You are not enrolled in this course")
    return MyGradesOut(
        course_id=course.id, settings=book.settings, columns=book.columns, row=book.rows[0]
    )


@api.get(
    "/courses/{course_id}/gradebook/settings",
    summary="The gradebook's categories, weights and letter scale",
    response=RulesOut,
    roles=STAFF,
    errors=[403, 404],
)
async def get_settings(request: web.Request, user: User) -> RulesOut:
    course = await editable_course(user, request.match_info["course_id"])
    rules, is_default = await load_rules(course.id)
    return RulesOut(
        categories=rules.categories, letter_scale=rules.letter_scale, is_default=is_default
    )


@api.put(
    "/courses/{course_id}/gradebook/settings",
    summary="Replace the gradebook's categories, weights and letter scale",
    body=Rules,
    response=RulesOut,
    roles=STAFF,
    errors=[403, 404, 422],
)
async def put_settings(request: web.Request, body: Rules, user: User) -> RulesOut:
    """Category keys unique, weights summing to exactly 100, ``drop_lowest`` >= 0; letters
    unique with minimums strictly descending to 0. Sends ``gradebook.changed``."""
    course = await editable_course(user, request.match_info["course_id"])
    await service.save_rules(request.app[keys.DEPS], course, body)
    return RulesOut(categories=body.categories, letter_scale=body.letter_scale, is_default=False)


@api.put(
    "/courses/{course_id}/gradebook/overrides",
    summary="Override one cell (or the final grade) of a student, with a reason",
    body=OverrideIn,
    response=OverrideSetOut,
    roles=STAFF,
    errors=[403, 404, 409, 422],
)
async def put_override(request: web.Request, body: OverrideIn, user: User) -> OverrideSetOut:
    """A new history row each time; ``percentage: null`` lifts the override in force.
    Sends ``gradebook.updated`` with the student's recomputed row."""
    course = await editable_course(user, request.match_info["course_id"])
    row, student_row = await service.set_override(request.app[keys.DEPS], user, course, body)
    return OverrideSetOut(override=OverrideOut.model_validate(row), row=student_row)


@api.get(
    "/courses/{course_id}/gradebook/overrides",
    summary="The history of overrides, newest first",
    query=OverridesQuery,
    response=Page[OverrideOut],
    roles=STAFF,
    errors=[403, 404],
)
async def list_overrides(
    request: web.Request, query: OverridesQuery, user: User
) -> Page[OverrideOut]:
    course = await editable_course(user, request.match_info["course_id"])
    rows, total = await service.history(
        course, query.student_id, query.item, query.limit, query.offset
    )
    return Page[OverrideOut](
        items=[OverrideOut.model_validate(r) for r in rows],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )
