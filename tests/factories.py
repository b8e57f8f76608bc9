"""``create_*`` factories: explicit, real rows made through the app's own services."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.users.models import Role, User
from lms_rt.users.schemas import UserCreate
from lms_rt.users.service import create_user as create_user_service

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def create_user(
    client: TestClient,
    *,
    role: Role = Role.STUDENT,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str | None = None,
    **fields: Any,
) -> User:
    n = next(_counter)
    data = UserCreate(
        email=email or f"{role.value}{n}@example.org",
        password=password,
        full_name=full_name or f"{role.value.title()} {n}",
        role=role,
    )
    user = await create_user_service(client.app[keys.DEPS], data)
    if fields:
        await User.filter(id=user.id).update(**fields)
        user = await User.get(id=user.id)
    return user


async def login(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> dict:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status == 200, await response.text()
    return await response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def signed_in(
    client: TestClient, role: Role = Role.STUDENT, **kwargs: Any
) -> tuple[User, dict[str, str]]:
    """A user of that role and the headers of a fresh session of theirs."""
    user = await create_user(client, role=role, **kwargs)
    tokens = await login(client, user.email, kwargs.get("password", DEFAULT_PASSWORD))
    return user, bearer(tokens["access_token"])


# --- catalog and learning ------------------------------------------------------------------


def access_token(headers: dict[str, str]) -> str:
    """The bearer token inside headers made by :func:`signed_in` (for ``/ws`` auth)."""
    return headers["Authorization"].split(" ", 1)[1]


async def create_lesson(
    client: TestClient, course: Any, *, title: str | None = None, **fields: Any
) -> Any:
    """A lesson through the app's service; published unless ``is_published=False``."""
    from lms_rt.courses import service as courses
    from lms_rt.courses.schemas import LessonCreate

    n = next(_counter)
    fields.setdefault("is_published", True)
    fields.setdefault("content", f"The content of lesson {n}")
    data = LessonCreate(title=title or f"Lesson {n}", **fields)
    return await courses.create_lesson(client.app[keys.DEPS], course, data)


async def create_course(
    client: TestClient,
    instructor: User,
    *,
    lessons: int = 2,
    published: bool = True,
    price_amount: int = 0,
    title: str | None = None,
    **fields: Any,
) -> Any:
    """A course with ``lessons`` published lessons, published unless told otherwise."""
    from lms_rt.courses import service as courses
    from lms_rt.courses.schemas import CourseCreate

    if published and lessons < 1:
        raise ValueError("a published course needs at least one published lesson")
    deps = client.app[keys.DEPS]
    n = next(_counter)
    data = CourseCreate(title=title or f"Course {n}", price_amount=price_amount, **fields)
    course = await courses.create_course(deps, instructor, data)
    for i in range(lessons):
        await create_lesson(client, course, title=f"Lesson {i + 1} of {course.title}")
    if published:
        course = await courses.publish_course(deps, course)
    return course


async def course_lessons(course: Any) -> list[Any]:
    """The course's lessons in their order."""
    from lms_rt.courses.models import Lesson

    return await Lesson.filter(course_id=course.id).order_by("order")


async def enroll(client: TestClient, student: User, course: Any, source: Any = None) -> Any:
    """An active enrollment through the service (no price or publication check)."""
    from lms_rt.enrollments.models import EnrollmentSource
    from lms_rt.enrollments.service import admit

    return await admit(client.app[keys.DEPS], student, course, source or EnrollmentSource.FREE)


async def complete_lesson(client: TestClient, student: User, enrollment: Any, lesson: Any) -> Any:
    """The student completes a lesson through the service."""
    from lms_rt.enrollments.service import complete_lesson as complete

    return await complete(client.app[keys.DEPS], student, enrollment, lesson.id)
