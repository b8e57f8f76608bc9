"""Many students at once, for tests whose subject is what happens to them, not how they signed up.

Signing up, signing in and joining hundreds of students over the API would take most of a
test's time budget and tell nothing new, so the rows are written in bulk (as
``tests/bench/live_quiz_burst.py`` does) and each student gets an access token minted for a
real auth session: any server process sharing the secret accepts it.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F

from lms_rt.auth.models import AuthSession
from lms_rt.auth.tokens import TokenIssuer
from lms_rt.config import Settings
from lms_rt.courses.models import Course, Lesson
from lms_rt.enrollments.models import Enrollment, EnrollmentSource
from lms_rt.live.models import LiveParticipant
from lms_rt.users.models import Role, User

_batch = itertools.count(1)
# Long enough for any test; short-lived tokens would expire only in a much longer run.
SESSION_DAYS = 1


@dataclass(frozen=True)
class Member:
    user: User
    token: str

    @property
    def id(self) -> str:
        return str(self.user.id)


async def students(settings: Settings, count: int, *, name: str = "Student") -> list[Member]:
    """``count`` active students, each signed in once (an auth session and its access token)."""
    batch = next(_batch)
    users = [
        User(
            email=f"crowd{batch}-{i}@example.org",
            password_hash="!",  # no password: these students never sign in by form
            full_name=f"{name} {i:03d}",
            role=Role.STUDENT,
        )
        for i in range(count)
    ]
    await User.bulk_create(users, batch_size=500)
    # Read back: bulk-created instances are not usable as relations (Tortoise marks them unsaved).
    emails = [user.email for user in users]
    stored = {user.email: user for user in await User.filter(email__in=emails)}
    users = [stored[email] for email in emails]
    expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
    sessions = [AuthSession(user_id=user.id, expires_at=expires) for user in users]
    await AuthSession.bulk_create(sessions, batch_size=500)
    issuer = TokenIssuer(settings)
    return [
        Member(user, issuer.access(str(user.id), str(session.id), Role.STUDENT.value)[0])
        for user, session in zip(users, sessions, strict=True)
    ]


async def enrolled(course: Any, members: list[Member]) -> list[Enrollment]:
    """Active free enrollments with the course's counters kept as the service keeps them."""
    lessons = await Lesson.filter(course_id=course.id, is_published=True).count()
    rows = [
        Enrollment(
            student_id=m.user.id,
            course_id=course.id,
            source=EnrollmentSource.FREE,
            total_lessons_count=lessons,
        )
        for m in members
    ]
    await Enrollment.bulk_create(rows, batch_size=500)
    await Course.filter(id=course.id).update(enrollment_count=F("enrollment_count") + len(rows))
    return rows


async def joined(session_id: str, members: list[Member]) -> dict[str, str]:
    """Every member joined to the live session: user id -> participant id."""
    now = datetime.now(UTC)
    rows = [
        LiveParticipant(
            session_id=uuid.UUID(session_id),
            user_id=m.user.id,
            display_name=m.user.full_name,
            joined_at=now + timedelta(microseconds=i),  # a stable order for ties
        )
        for i, m in enumerate(members)
    ]
    await LiveParticipant.bulk_create(rows, batch_size=500)
    return {str(row.user_id): str(row.id) for row in rows}
