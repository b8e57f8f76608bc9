"""An explicit ``null`` for something that cannot be empty is a 422 naming it, and changes
nothing (it used to reach the database: a 500, or a 409 about the slug)."""

from __future__ import annotations

from lms_rt.courses.models import Course, Lesson
from lms_rt.users.models import Role
from tests.factories import course_lessons, create_course, signed_in

API = "/api/v1"


async def test_nulls_in_course_and_lesson_updates_are_refused(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    lesson = (await course_lessons(course))[0]
    for body in ({"price_amount": None}, {"metadata": None, "title": "Kept?"}):
        response = await client.patch(f"{API}/courses/{course.id}", json=body, headers=headers)
        assert response.status == 422, await response.text()
        fields = [d["field"] for d in (await response.json())["error"]["details"]]
        assert fields == [name for name, value in body.items() if value is None]
    assert (await Course.get(id=course.id)).title == course.title
    for name in ("is_published", "is_preview", "duration_minutes", "available_after_days"):
        response = await client.patch(
            f"{API}/courses/{course.id}/lessons/{lesson.id}", json={name: None}, headers=headers
        )
        assert response.status == 422, (name, await response.text())
    assert (await Lesson.get(id=lesson.id)).is_published is True
