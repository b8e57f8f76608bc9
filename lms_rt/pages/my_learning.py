"""What the "My learning" page shows: the student's open enrollments with their progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lms_rt.certificates.models import Certificate
from lms_rt.enrollments import service as enrollments
from lms_rt.enrollments.models import EnrollmentStatus
from lms_rt.pages.lesson_page import lesson_path
from lms_rt.users.models import User


@dataclass(frozen=True)
class CertificateLink:
    id: uuid.UUID
    number: str
    # The PDF is rendered by a job after completion; until it is stored there is nothing to get.
    ready: bool


@dataclass(frozen=True)
class CourseCard:
    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    title: str
    instructor: str
    completed: bool
    percent: int
    completed_lessons: int
    total_lessons: int
    next_lesson: str | None
    next_lesson_url: str | None
    certificate: CertificateLink | None


def whole_percent(value: float) -> int:
    """0-100 for a progress bar: never shows 100 before every lesson is done."""
    return max(0, min(100, int(value)))


async def course_cards(user: User) -> list[CourseCard]:
    """The same enrollments, order and "next lesson" as ``GET /enrollments/my-courses``."""
    rows = await enrollments.my_enrollments(user)
    upcoming = await enrollments.next_lessons(rows)
    certificates = {
        c.enrollment_id: c
        for c in await Certificate.filter(enrollment_id__in=[e.id for e in rows], is_revoked=False)
    }
    cards = []
    for e in rows:
        lesson = upcoming.get(e.id)
        certificate = certificates.get(e.id)
        cards.append(
            CourseCard(
                enrollment_id=e.id,
                course_id=e.course_id,
                title=e.course.title,
                instructor=e.course.instructor.full_name,
                completed=e.status == EnrollmentStatus.COMPLETED,
                percent=whole_percent(e.progress_percentage),
                completed_lessons=e.completed_lessons_count,
                total_lessons=e.total_lessons_count,
                next_lesson=lesson.title if lesson is not None else None,
                next_lesson_url=lesson_path(e.course.slug, lesson.slug) if lesson else None,
                certificate=CertificateLink(
                    id=certificate.id,
                    number=certificate.number,
                    ready=certificate.file_key is not None,
                )
                if certificate is not None
                else None,
            )
        )
    return cards
