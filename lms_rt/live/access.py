"""Who may host, join, follow and see a live session."""

from __future__ import annotations

import uuid

from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Forbidden, NotFound
from lms_rt.live.models import LiveParticipant, LiveSession
from lms_rt.users.models import User


async def find_session(session_id: uuid.UUID) -> LiveSession:
    session = await LiveSession.filter(id=session_id).first()
    if session is None:
        raise NotFound("No such live session")
    return session


async def active_user(user_id: str | uuid.UUID) -> User:
    user = await User.filter(id=user_id, is_active=True).first()
    if user is None:
        raise NotFound("No such live session")
    return user


async def hosts(user: User, session: LiveSession) -> bool:
    """The session's course staff run it (its host and, say, a co-teacher); a host taken off
    the course's staff no longer does."""
    course = await Course.get(id=session.course_id)
    return await is_staff(user, course)


async def is_enrolled(user: User, course_id: uuid.UUID) -> bool:
    return await Enrollment.filter(
        course_id=course_id,
        student_id=user.id,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).exists()


async def hosted_session(user: User, session_id: uuid.UUID) -> LiveSession:
    """The session if the caller hosts it; participants get 403, strangers 404."""
    session = await find_session(session_id)
    if await hosts(user, session):
        return session
    if await participant_of(user, session) is not None or await is_enrolled(
        user, session.course_id
    ):
        raise Forbidden("Only the session's host may do this")
    raise NotFound("No such live session")


async def participant_of(user: User, session: LiveSession) -> LiveParticipant | None:
    """The caller's place in the room, unless they were removed from it or have left the
    course since."""
    participant = await LiveParticipant.filter(
        session_id=session.id, user_id=user.id, kicked_at=None
    ).first()
    if participant is None or not await is_enrolled(user, session.course_id):
        return None
    return participant


async def joined_participant(user: User, session: LiveSession) -> LiveParticipant:
    participant = await participant_of(user, session)
    if participant is None:
        if await hosts(user, session):
            raise Forbidden("Hosts do not take part in their own session")
        raise Forbidden("Join the session first")
    return participant


async def visible_session(user: User, session_id: uuid.UUID) -> tuple[LiveSession, bool]:
    """The session and whether the caller hosts it: staff, participants and enrolled students
    see it; everyone else gets 404."""
    session = await find_session(session_id)
    if await hosts(user, session):
        return session, True
    if await is_enrolled(user, session.course_id) or await participant_of(user, session):
        return session, False
    raise NotFound("No such live session")
