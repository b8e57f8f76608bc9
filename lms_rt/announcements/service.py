"""Writing, scheduling, publishing and delivering announcements.

Publishing is one conditional update (``published_at`` still empty and the time reached),
whether the request, the deferred job or the backstop sweep gets there first; only that one
sends ``announcement.published`` on the course channel and queues the delivery.

Delivery (inbox rows with their live pushes, mail by preference) is the ``deliver_announcement``
job, so a request costs the same for a class of five or five thousand. It goes through the
class in batches, each its own transaction; a re-run gives no one a second inbox row and
re-queues mail under the same keys, so nothing is sent twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lms_rt.announcements.models import Announcement
from lms_rt.announcements.schemas import AnnouncementOut
from lms_rt.courses.models import Course
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.notifications.models import Notification, NotificationType
from lms_rt.notifications.service import notify
from lms_rt.users.models import User

log = logging.getLogger(__name__)

# Students per delivery transaction: bounded inserts, pushes and mail enqueues per commit.
DELIVERY_BATCH = 500
# Inbox rows of an announcement are looked for from its creation on, less this much for the
# clocks of the machines writing ``created_at`` (the server's, a worker's) to disagree.
CLOCK_SKEW = timedelta(hours=1)
# The sweep queues delivery again for what was published this recently, in case the queueing
# after the publishing commit was lost; the queue refuses it while it remembers the first
# (an hour), and a delivery run again adds nothing.
REDELIVER_WITHIN = timedelta(hours=1)
CLASS = [EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]


def job_id(announcement_id: uuid.UUID) -> str:
    return f"announcement:{announcement_id}"


def delivery_job_id(announcement_id: uuid.UUID) -> str:
    return f"announcement-delivery:{announcement_id}"


async def create(
    deps: Deps,
    author: User,
    course: Course,
    title: str,
    body: str,
    pinned: bool,
    publish_at: datetime | None,
) -> Announcement:
    """Stored and published (or scheduled) in one transaction: all of it or none."""
    now = deps.clock.now()
    async with atomic(deps) as effects:
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
            effects.enqueue(
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
        payload = AnnouncementOut.model_validate(row).model_dump(mode="json")
        effects.publish(f"course:{row.course_id}", "announcement.published", payload)
        effects.enqueue("deliver_announcement", str(row.id), job_id=delivery_job_id(row.id))
    return True


async def deliver(deps: Deps, announcement_id: uuid.UUID) -> int:
    """Tell the class of a published announcement; how many inbox rows it added."""
    row = await Announcement.filter(id=announcement_id).exclude(published_at=None).first()
    if row is None:
        return 0
    course = await Course.get(id=row.course_id)
    students: list[uuid.UUID] = (
        await Enrollment.filter(  # type: ignore[assignment]
            course_id=row.course_id, status__in=CLASS
        )
        .order_by("student_id")
        .values_list("student_id", flat=True)
    )
    added = 0
    for start in range(0, len(students), DELIVERY_BATCH):
        batch = students[start : start + DELIVERY_BATCH]
        async with atomic(deps) as effects:
            have = await _in_inbox(row, batch)
            rows = await notify(
                effects,
                batch,
                NotificationType.ANNOUNCEMENT,
                f"{course.title}: {row.title}",
                row.body,
                f"/courses/{course.slug}",
                {"announcement_id": str(row.id), "course_id": str(course.id)},
                key=f"announcement:{row.id}",
                in_inbox_already=have,
            )
        added += len(rows)
    return added


async def _in_inbox(row: Announcement, students: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``students`` whose inbox has this announcement (an earlier run's batch)."""
    found = await Notification.filter(
        type=NotificationType.ANNOUNCEMENT,
        user_id__in=list(students),
        created_at__gte=row.created_at - CLOCK_SKEW,
    ).values_list("user_id", "data")
    wanted = str(row.id)
    return {user_id for user_id, data in found if data.get("announcement_id") == wanted}


async def publish_announcement(ctx: dict[str, Any], announcement_id: str) -> str:
    """The deferred job: publishes at its time (or finds it published already)."""
    published = await publish(ctx["deps"], uuid.UUID(announcement_id))
    return "published" if published else "not due or already published"


async def deliver_announcement(ctx: dict[str, Any], announcement_id: str) -> str:
    added = await deliver(ctx["deps"], uuid.UUID(announcement_id))
    return f"{added} inbox notification(s) added"


async def publish_due(ctx: dict[str, Any]) -> int:
    """Cron backstop: anything due whose job was lost, each on its own (one that fails is
    logged and tried again by the next sweep); and delivery again for what was published
    lately. How many it published."""
    deps: Deps = ctx["deps"]
    now = deps.clock.now()
    due = await Announcement.filter(published_at=None, publish_at__lte=now).order_by("publish_at")
    published = 0
    for row in due:
        try:
            published += await publish(deps, row.id)
        except Exception:
            log.exception("publishing announcement %s failed; the next sweep retries", row.id)
    recent = await Announcement.filter(published_at__gte=now - REDELIVER_WITHIN).values_list(
        "id", flat=True
    )
    for announcement_id in recent:
        try:
            await deps.jobs.enqueue(
                "deliver_announcement",
                str(announcement_id),
                job_id=delivery_job_id(announcement_id),  # type: ignore[arg-type]
            )
        except Exception:
            log.exception("queueing delivery of announcement %s failed", announcement_id)
    return published
