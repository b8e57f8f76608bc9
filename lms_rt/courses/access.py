"""Who may see and change a course.

Staff of a course are its owner (``instructor``), the users in ``CourseStaff``, and admins.
Drafts do not exist for anyone else (404); another instructor changing a course gets 403.
"""

from __future__ import annotations

import uuid

from lms_rt.courses.models import Course, CourseStaff
from lms_rt.errors import Forbidden, NotFound
from lms_rt.users.models import Role, User


async def is_staff(user: User | None, course: Course) -> bool:
    if user is None:
        return False
    if user.role == Role.ADMIN or course.instructor_id == user.id:
        return True
    return await CourseStaff.filter(course_id=course.id, user_id=user.id).exists()


async def staffed_course_ids(user: User) -> list[uuid.UUID]:
    owned: list[uuid.UUID] = await Course.filter(instructor_id=user.id).values_list("id", flat=True)  # type: ignore[assignment]
    helped: list[uuid.UUID] = await CourseStaff.filter(user_id=user.id).values_list(
        "course_id", flat=True
    )  # type: ignore[assignment]
    return [*owned, *helped]


async def find_course(id_or_slug: str) -> Course:
    try:
        course = await Course.filter(id=uuid.UUID(id_or_slug)).first()
    except ValueError:
        course = await Course.filter(slug=id_or_slug).first()
    if course is None:
        raise NotFound("No such course")
    return course


async def visible_course(user: User | None, id_or_slug: str) -> tuple[Course, bool]:
    """The course if the caller may see it (drafts: staff only), and whether they are staff."""
    course = await find_course(id_or_slug)
    staff = await is_staff(user, course)
    if not course.is_published and not staff:
        raise NotFound("No such course")
    return course, staff


async def editable_course(user: User, id_or_slug: str) -> Course:
    """The course if the caller may change it; drafts of others stay invisible (404)."""
    course, staff = await visible_course(user, id_or_slug)
    if not staff:
        raise Forbidden("Only this course's instructors and admins may change it")
    return course


async def owned_course(user: User, id_or_slug: str) -> Course:
    """Managing staff is for the course's owner and admins, not its assistants."""
    course = await editable_course(user, id_or_slug)
    if user.role != Role.ADMIN and course.instructor_id != user.id:
        raise Forbidden("Only the course's owner and admins manage its staff")
    return course
