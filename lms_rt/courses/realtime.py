"""``course:<id>`` (enrolled students and staff) and ``course:<id>:staff`` (staff only)."""

from __future__ import annotations

import uuid

from aiohttp import web

from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.realtime.registry import Caller, ChannelName, RealtimeRegistry
from lms_rt.users.models import User


async def course_channel(caller: Caller, channel: ChannelName) -> bool:
    try:
        course_id = uuid.UUID(channel.id)
    except ValueError:
        return False
    if str(course_id) != channel.id:
        return False  # one spelling per channel, or events would miss its subscribers
    course = await Course.filter(id=course_id).first()
    user = await User.filter(id=caller.user_id, is_active=True).first()
    if course is None or user is None:
        return False
    if await is_staff(user, course):
        return True
    if channel.sub == "staff":
        return False
    return await Enrollment.filter(
        course_id=course.id,
        student_id=user.id,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).exists()


def staff_sees_presence(channel: ChannelName) -> str:
    """Who of the class is online is for the course's staff, never for classmates."""
    return f"course:{channel.id}:staff"


def register(registry: RealtimeRegistry, app: web.Application) -> None:
    registry.channel("course", course_channel, subs=(None, "staff"), presence=staff_sees_presence)
