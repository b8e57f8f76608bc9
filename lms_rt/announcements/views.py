"""``/api/v1/courses/{course_id}/announcements``."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.announcements import service
from lms_rt.announcements.models import Announcement
from lms_rt.announcements.schemas import AnnouncementIn, AnnouncementOut
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF
from lms_rt.courses.access import editable_course, visible_course
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import NotFound
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page, PageQuery
from lms_rt.users.models import User

api = ApiRoutes(tag="announcements")


@api.post(
    "/courses/{course_id}/announcements",
    summary="Announce to a course's class (staff), now or at a set time",
    body=AnnouncementIn,
    response=AnnouncementOut,
    status=201,
    roles=STAFF,
    errors=[403, 404],
)
async def create_announcement(
    request: web.Request, body: AnnouncementIn, user: User
) -> AnnouncementOut:
    """Publishing sends ``announcement.published`` on ``course:<id>``, puts it in every
    enrolled student's inbox and mails those whose preferences ask for it."""
    course = await editable_course(user, request.match_info["course_id"])
    row = await service.create(
        request.app[keys.DEPS], user, course, body.title, body.body, body.pinned, body.publish_at
    )
    return AnnouncementOut.model_validate(row)


@api.get(
    "/courses/{course_id}/announcements",
    summary="A course's announcements, pinned first, then newest first",
    query=PageQuery,
    response=Page[AnnouncementOut],
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def list_announcements(
    request: web.Request, query: PageQuery, user: User
) -> Page[AnnouncementOut]:
    """Staff also see what is scheduled; enrolled students see what is published."""
    course, staff = await visible_course(user, request.match_info["course_id"])
    rows = Announcement.filter(course_id=course.id)
    if not staff:
        enrolled = await Enrollment.filter(
            course_id=course.id,
            student_id=user.id,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        ).exists()
        if not enrolled:
            raise NotFound("No such course")
        rows = rows.exclude(published_at=None)
    total = await rows.count()
    page = (
        await rows.order_by("-pinned", "-publish_at", "-id").offset(query.offset).limit(query.limit)
    )
    return Page[AnnouncementOut](
        items=[AnnouncementOut.model_validate(r) for r in page],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )
