"""Writing, scheduling and publishing announcements.

Publishing is one conditional update (``published_at`` still empty and the time reached),
whether the request, the deferred job or the backstop sweep gets there first; the class hears
of it (``announcement.published``, inbox, mail by preference) only from that one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from lms_rt.announcements.models import Announcement
from lms_rt.announcements.schemas import AnnouncementOut
from lms_rt.courses.models import Course
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.users.models import User


def job_id(announcement_id: uuid.UUID) -> str:
    return f"announcement:{announcement_id}"


async def create(
    deps: Deps,
    author: User,
    course: Course,
    title: str,
    body: str,
    pinned: bool,
    publish_at: datetime | None,
) -> Announcement:
    now = deps.clock.now()
    row = await Announcement.create(
        course_id=course.id,
        author_id=author.id,
        title=title,
        body=body,
        pinned=pinned,
        publish_at=max(publish_at or now, now),
    )
    if row.publish_at <= now:
        await publish(deps, row.id)
    else:
        await deps.jobs.enqueue(
            "publish_announcement",
            str(row.id),
            job_id=job_id(row.id),
            defer_by=(row.publish_at - now).total_seconds(),
        )
    return await Announcement.get(id=row.id)


async def publish(deps: Deps, announcement_id: uuid.UUID) -> bool:
    now = deps.clock.now()
    async with atomic(deps) as effects:
        published = await Announcement.filter(
            id=announcement_id, published_at=None, publish_at__lte=now
        ).update(published_at=now)
        if not published:
            return False
        row = await Announcement.get(id=announcement_id)
        course = await Course.get(id=row.course_id)
        payload = AnnouncementOut.model_validate(row).model_dump(mode="json")
        effects.publish(f"course:{row.course_id}", "announcement.published", payload)
        students = await Enrollment.filter(
            course_id=row.course_id,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        ).values_list("student_id", flat=True)
        emails = dict(await User.filter(id__in=list(students)).values_list("id", "email"))
        await notify(
            effects,
            list(students),  # type: ignore[arg-type]
            NotificationType.ANNOUNCEMENT,
            f"{course.title}: {row.title}",
            row.body,
            f"/courses/{course.slug}",
            {"announcement_id": str(row.id), "course_id": str(course.id)},
            key=f"announcement:{row.id}",
            emails=emails,
        )
    return True


async def publish_announcement(ctx: dict[str, Any], announcement_id: str) -> str:
    """The deferred job: publishes at its time (or finds it published already)."""
    published = await publish(ctx["deps"], uuid.UUID(announcement_id))
    return "published" if published else "not due or already published"


async def publish_due(ctx: dict[str, Any]) -> int:
    """Cron backstop: anything due whose job was lost."""
    deps: Deps = ctx["deps"]
    due = await Announcement.filter(
        published_at=None, publish_at__lte=deps.clock.now()
    ).values_list("id", flat=True)
    return sum([await publish(deps, a) for a in due])  # type: ignore[arg-type]
