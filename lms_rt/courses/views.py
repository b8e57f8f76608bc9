"""``/api/v1/courses``: the catalog, authoring, sections, lessons and staff."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import STAFF, optional_user
from lms_rt.courses import service
from lms_rt.courses.access import editable_course, owned_course, visible_course
from lms_rt.courses.catalog_cache import cached_catalog
from lms_rt.courses.catalog_http import private_response, public_response
from lms_rt.courses.models import Course, Lesson
from lms_rt.courses.schemas import (
    CatalogQuery,
    CourseCreate,
    CourseDetailOut,
    CourseOut,
    CourseUpdate,
    LessonCreate,
    LessonOut,
    LessonUpdate,
    OutlineSection,
    ReorderIn,
    SectionCreate,
    SectionOut,
    SectionUpdate,
    StaffAdd,
    StaffOut,
)
from lms_rt.enrollments.models import Enrollment
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User

api = ApiRoutes(tag="courses")


@api.get("/courses", summary="The course catalog", query=CatalogQuery, response=Page[CourseOut])
async def list_courses(request: web.Request, query: CatalogQuery) -> web.Response:
    """Published courses for everyone; ``published=false`` lists the caller's drafts (all
    drafts for admins). Filters combine; ``q`` searches titles and descriptions.

    The published catalog is the same for every caller and is served from a cache of a few
    seconds, with an ``ETag`` (``If-None-Match`` gets 304): courses published, changed,
    unpublished, archived or deleted show at once; enrollment counts, ratings and instructor
    names may lag by up to ``max-age``. Drafts are never cached."""
    user = await optional_user(request)
    deps = request.app[keys.DEPS]
    if not query.published:
        return private_response(await service.catalog_body(deps, user, query))
    entry, max_age = await cached_catalog(
        deps,
        service.catalog_key(query),
        lambda: service.catalog_body(deps, None, service.keyed_catalog_query(query)),
    )
    return public_response(request, entry, max_age)


@api.post(
    "/courses",
    summary="Create a course (a draft)",
    body=CourseCreate,
    response=CourseOut,
    status=201,
    roles=STAFF,
    errors=[409],
)
async def create_course(request: web.Request, body: CourseCreate, user: User) -> CourseOut:
    course = await service.create_course(request.app[keys.DEPS], user, body)
    return service.course_out(course)


@api.get(
    "/courses/{course}", summary="A course and its outline", response=CourseDetailOut, errors=[404]
)
async def get_course(request: web.Request) -> CourseDetailOut:
    """By id or slug. Drafts exist only for their staff; lesson content is not included."""
    user = await optional_user(request)
    course, staff = await visible_course(user, request.match_info["course"])
    await course.fetch_related("instructor")
    sections, loose, enrollment = await service.outline(user, course, staff)
    return CourseDetailOut(
        **service.course_out(course).model_dump(),
        sections=[
            OutlineSection(id=s.id, title=s.title, order=s.order, lessons=lessons)
            for s, lessons in sections
        ],
        unsectioned_lessons=loose,
        is_staff=staff,
        enrollment_id=enrollment.id if enrollment else None,
    )


@api.patch(
    "/courses/{course}",
    summary="Change a course",
    body=CourseUpdate,
    response=CourseOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def update_course(request: web.Request, body: CourseUpdate, user: User) -> CourseOut:
    course = await editable_course(user, request.match_info["course"])
    return service.course_out(await service.update_course(request.app[keys.DEPS], course, body))


@api.delete(
    "/courses/{course}",
    summary="Delete a course, or archive it once enrolled",
    response=CourseOut,
    empty=[204],
    roles=STAFF,
    errors=[403, 404],
)
async def delete_course(request: web.Request, user: User) -> web.StreamResponse:
    """204 when deleted; 200 with the archived course when students are enrolled (they keep
    access; it leaves the catalog)."""
    course = await editable_course(user, request.match_info["course"])
    if await service.delete_course(request.app[keys.DEPS], course):
        return web.Response(status=204)
    archived = await Course.get(id=course.id).select_related("instructor")
    return web.json_response(service.course_out(archived).model_dump(mode="json"))


@api.post(
    "/courses/{course}/publish",
    summary="Publish a course",
    response=CourseOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def publish(request: web.Request, user: User) -> CourseOut:
    """Refused (409, with the reason) until the course has a published lesson."""
    course = await editable_course(user, request.match_info["course"])
    return service.course_out(await service.publish_course(request.app[keys.DEPS], course))


@api.post(
    "/courses/{course}/unpublish",
    summary="Take a course out of the catalog",
    response=CourseOut,
    roles=STAFF,
    errors=[403, 404],
)
async def unpublish(request: web.Request, user: User) -> CourseOut:
    course = await editable_course(user, request.match_info["course"])
    return service.course_out(await service.unpublish_course(request.app[keys.DEPS], course))


# --- staff ---------------------------------------------------------------------------------


@api.get(
    "/courses/{course}/staff",
    summary="The course's instructors and assistants",
    response=list[StaffOut],
    roles=STAFF,
    errors=[403, 404],
)
async def list_staff(request: web.Request, user: User) -> list[StaffOut]:
    course = await editable_course(user, request.match_info["course"])
    return [
        StaffOut(user_id=u.id, full_name=u.full_name, email=u.email, role=role, owner=owner)
        for u, role, owner in await service.list_staff(course)
    ]


@api.post(
    "/courses/{course}/staff",
    summary="Add an instructor or assistant",
    body=StaffAdd,
    status=204,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def add_staff(request: web.Request, body: StaffAdd, user: User) -> None:
    await service.add_staff(await owned_course(user, request.match_info["course"]), body)


@api.delete(
    "/courses/{course}/staff/{user_id}",
    summary="Remove a staff member",
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def remove_staff(request: web.Request, user: User) -> None:
    course = await owned_course(user, request.match_info["course"])
    await service.remove_staff(request.app[keys.DEPS], course, path_uuid(request, "user_id"))


# --- sections ------------------------------------------------------------------------------


@api.post(
    "/courses/{course}/sections",
    summary="Add a section",
    body=SectionCreate,
    response=SectionOut,
    status=201,
    roles=STAFF,
    errors=[403, 404],
)
async def create_section(request: web.Request, body: SectionCreate, user: User) -> SectionOut:
    course = await editable_course(user, request.match_info["course"])
    section = await service.create_section(course, body)
    return SectionOut(id=section.id, title=section.title, order=section.order)


@api.patch(
    "/courses/{course}/sections/{section_id}",
    summary="Rename or move a section",
    body=SectionUpdate,
    response=SectionOut,
    roles=STAFF,
    errors=[403, 404],
)
async def update_section(request: web.Request, body: SectionUpdate, user: User) -> SectionOut:
    course = await editable_course(user, request.match_info["course"])
    section = await service.course_section(course, path_uuid(request, "section_id"))
    section = await service.update_section(section, body)
    return SectionOut(id=section.id, title=section.title, order=section.order)


@api.delete(
    "/courses/{course}/sections/{section_id}",
    summary="Delete a section (its lessons stay, unsectioned)",
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def delete_section(request: web.Request, user: User) -> None:
    course = await editable_course(user, request.match_info["course"])
    section = await service.course_section(course, path_uuid(request, "section_id"))
    await section.delete()


# --- lessons -------------------------------------------------------------------------------


def lesson_out(
    lesson: Lesson, enrollment: Enrollment | None = None, staff: bool = True
) -> LessonOut:
    summary = service.lesson_summary(lesson, enrollment, staff)
    return LessonOut(
        **summary.model_dump(),
        description=lesson.description,
        content=lesson.content,
        video_url=lesson.video_url,
    )


@api.post(
    "/courses/{course}/lessons",
    summary="Add a lesson",
    body=LessonCreate,
    response=LessonOut,
    status=201,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def create_lesson(request: web.Request, body: LessonCreate, user: User) -> LessonOut:
    course = await editable_course(user, request.match_info["course"])
    return lesson_out(await service.create_lesson(request.app[keys.DEPS], course, body))


@api.post(
    "/courses/{course}/lessons/reorder",
    summary="Set the order of every lesson",
    body=ReorderIn,
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def reorder(request: web.Request, body: ReorderIn, user: User) -> None:
    """Atomic; the list must name each lesson of the course exactly once (else 422)."""
    course = await editable_course(user, request.match_info["course"])
    await service.reorder_lessons(course, body.lesson_ids, request.app[keys.DEPS])


@api.get(
    "/courses/{course}/lessons/{lesson}",
    summary="A lesson with its content",
    response=LessonOut,
    errors=[403, 404],
)
async def get_lesson(request: web.Request) -> LessonOut:
    """Content for course staff, enrolled students (once a drip lesson unlocks) and, for
    preview lessons, anyone."""
    user = await optional_user(request)
    course, staff = await visible_course(user, request.match_info["course"])
    lesson = await service.course_lesson(course, request.match_info["lesson"])
    await service.readable_lesson(user, course, lesson, staff)
    return lesson_out(lesson, await service.viewer_enrollment(user, course), staff)


@api.patch(
    "/courses/{course}/lessons/{lesson}",
    summary="Change a lesson",
    body=LessonUpdate,
    response=LessonOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def update_lesson(request: web.Request, body: LessonUpdate, user: User) -> LessonOut:
    course = await editable_course(user, request.match_info["course"])
    lesson = await service.course_lesson(course, request.match_info["lesson"])
    return lesson_out(await service.update_lesson(request.app[keys.DEPS], course, lesson, body))


@api.delete(
    "/courses/{course}/lessons/{lesson}",
    summary="Delete a lesson",
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def delete_lesson(request: web.Request, user: User) -> None:
    course = await editable_course(user, request.match_info["course"])
    lesson = await service.course_lesson(course, request.match_info["lesson"])
    await service.delete_lesson(request.app[keys.DEPS], course, lesson)
