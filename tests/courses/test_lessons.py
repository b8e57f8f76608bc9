"""Lessons: CRUD, slugs unique per course, atomic reordering, who may read the content, drip
release, and an outline that never carries content."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lms_rt.courses.models import Lesson
from lms_rt.enrollments.models import Enrollment
from lms_rt.users.models import Role
from tests.factories import (
    complete_lesson,
    course_lessons,
    create_course,
    create_lesson,
    create_user,
    enroll,
    signed_in,
)

API = "/api/v1"


def lessons_url(course, *rest: object) -> str:
    return "/".join([f"{API}/courses/{course.id}/lessons", *map(str, rest)])


async def order_of(course) -> list[uuid.UUID]:
    return [lesson.id for lesson in await course_lessons(course)]


def keys_anywhere(value) -> set[str]:
    """Every key of every object nested in a JSON document."""
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= keys_anywhere(item)
        return found
    if isinstance(value, list):
        return set().union(*map(keys_anywhere, value)) if value else set()
    return set()


# --- CRUD ----------------------------------------------------------------------------------


async def test_lesson_crud(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    _, student_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=1)
    created = await client.post(
        lessons_url(course),
        json={
            "title": "Video: loops",
            "type": "video",
            "video_url": "https://video.example.org/loops.mp4",
            "duration_minutes": 12,
            "description": "Looping",
            "content": "Transcript",
        },
        headers=headers,
    )
    assert created.status == 201, await created.text()
    body = await created.json()
    assert body["slug"] == "video-loops" and body["order"] == 1
    assert (body["type"], body["duration_minutes"], body["content"]) == ("video", 12, "Transcript")
    assert body["is_published"] is False and body["is_preview"] is False
    lesson_id = body["id"]
    for key in (lesson_id, "video-loops"):
        got = await client.get(lessons_url(course, key), headers=headers)
        assert got.status == 200
        assert (await got.json())["video_url"] == "https://video.example.org/loops.mp4"
    changed = await client.patch(
        lessons_url(course, lesson_id),
        json={"title": "Loops, revised", "content": "New transcript", "is_preview": True},
        headers=headers,
    )
    assert changed.status == 200
    stored = await Lesson.get(id=lesson_id)
    assert (stored.title, stored.content, stored.is_preview, stored.slug) == (
        "Loops, revised",
        "New transcript",
        True,
        "video-loops",
    )
    for method, json in (("patch", {"title": "x"}), ("delete", None)):
        for who in (other_headers, student_headers):
            response = await client.request(
                method, lessons_url(course, lesson_id), json=json, headers=who
            )
            assert response.status == 403
    assert (await client.post(lessons_url(course), json={"title": "x"})).status == 401
    refused = await client.post(
        lessons_url(course), json={"title": "x", "course_id": str(course.id)}, headers=headers
    )
    assert refused.status == 422
    assert (await Lesson.get(id=lesson_id)).title == "Loops, revised"
    deleted = await client.delete(lessons_url(course, lesson_id), headers=headers)
    assert deleted.status == 204
    assert not await Lesson.filter(id=lesson_id).exists()
    assert (await client.get(lessons_url(course, lesson_id), headers=headers)).status == 404


async def test_lesson_slugs_are_unique_within_a_course(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=0, published=False)
    other_course = await create_course(client, owner, lessons=0, published=False)

    async def create(target, **json):
        response = await client.post(lessons_url(target), json=json, headers=headers)
        return response.status, await response.json()

    _, first = await create(course, title="Welcome")
    _, second = await create(course, title="Welcome")
    assert (first["slug"], second["slug"]) == ("welcome", "welcome-2")
    status, _ = await create(course, title="Other", slug="welcome")
    assert status == 409
    status, elsewhere = await create(other_course, title="Welcome", slug="welcome")
    assert status == 201 and elsewhere["slug"] == "welcome"
    clash = await client.patch(
        lessons_url(course, second["id"]), json={"slug": "welcome"}, headers=headers
    )
    assert clash.status == 409
    assert (await Lesson.get(id=second["id"])).slug == "welcome-2"
    assert await Lesson.filter(course_id=course.id).count() == 2


# --- reorder -------------------------------------------------------------------------------


async def test_reorder_sets_the_order_of_every_lesson(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=3)
    a, b, c = await order_of(course)
    response = await client.post(
        lessons_url(course, "reorder"),
        json={"lesson_ids": [str(c), str(a), str(b)]},
        headers=headers,
    )
    assert response.status == 204
    assert await order_of(course) == [c, a, b]
    outline = await (await client.get(f"{API}/courses/{course.id}")).json()
    assert [item["id"] for item in outline["unsectioned_lessons"]] == [str(c), str(a), str(b)]
    assert [item["order"] for item in outline["unsectioned_lessons"]] == [0, 1, 2]


async def test_reorder_refuses_lists_that_do_not_match_and_changes_nothing(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=3)
    other_course = await create_course(client, owner, lessons=1)
    [foreign] = await order_of(other_course)
    a, b, c = before = await order_of(course)
    for ids in (
        [c, a],  # missing one
        [c, a, b, foreign],  # one of another course
        [c, a, b, uuid.uuid4()],  # one that does not exist
        [c, a, a],  # a duplicate instead of b
        [c, a, b, b],  # every lesson, one twice
        [],
    ):
        response = await client.post(
            lessons_url(course, "reorder"),
            json={"lesson_ids": [str(i) for i in ids]},
            headers=headers,
        )
        assert response.status == 422, ids
        assert (await response.json())["error"]["code"] == "invalid"
        assert await order_of(course) == before
    assert [lesson.order for lesson in await course_lessons(course)] == [0, 1, 2]
    assert await order_of(other_course) == [foreign]
    forbidden = await client.post(
        lessons_url(course, "reorder"),
        json={"lesson_ids": [str(c), str(b), str(a)]},
        headers=other_headers,
    )
    assert forbidden.status == 403
    assert await order_of(course) == before


# --- who reads the content -----------------------------------------------------------------


async def test_lesson_content_is_for_enrolled_students_staff_and_previews(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    enrolled, enrolled_headers = await signed_in(client)
    _, outsider_headers = await signed_in(client)
    _, other_teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=1)
    [lesson] = await course_lessons(course)
    preview = await create_lesson(client, course, is_preview=True, content="Free sample")
    draft = await create_lesson(client, course, is_published=False, content="Unfinished")
    await enroll(client, enrolled, course)

    async def read(target, headers):
        response = await client.get(lessons_url(course, target.id), headers=headers)
        return response.status, await response.json()

    for headers in (enrolled_headers, owner_headers, admin_headers):
        status, body = await read(lesson, headers)
        assert status == 200 and body["content"] == lesson.content
    for headers in ({}, outsider_headers, enrolled_headers, other_teacher_headers):
        status, body = await read(preview, headers)
        assert status == 200 and body["content"] == "Free sample"
    for headers in (outsider_headers, other_teacher_headers):
        status, body = await read(lesson, headers)
        assert status == 403
        assert "content" not in keys_anywhere(body) and lesson.content not in str(body)
        assert body["error"]["details"] == [{"reason": "not_enrolled"}]
    status, body = await read(lesson, {})
    assert status in (401, 403) and lesson.content not in str(body)
    # An unpublished lesson is staff-only: it does not exist for students.
    status, _ = await read(draft, enrolled_headers)
    assert status == 404
    status, body = await read(draft, owner_headers)
    assert status == 200 and body["content"] == "Unfinished"


async def test_a_completed_student_keeps_access_and_a_dropped_one_loses_it(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    graduate, graduate_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=1)
    [lesson] = await course_lessons(course)
    finished = await enroll(client, graduate, course)
    await complete_lesson(client, graduate, finished, lesson)
    assert (await Enrollment.get(id=finished.id)).status.value == "completed"
    read = await client.get(lessons_url(course, lesson.id), headers=graduate_headers)
    assert read.status == 200
    enrollment = await enroll(client, student, course)
    assert (await client.get(lessons_url(course, lesson.id), headers=headers)).status == 200
    dropped = await client.post(f"{API}/enrollments/{enrollment.id}/drop", headers=headers)
    assert dropped.status == 200
    assert (await client.get(lessons_url(course, lesson.id), headers=headers)).status == 403


async def test_lessons_of_a_draft_course_do_not_exist_for_students(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, student_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=1, published=False)
    [lesson] = await course_lessons(course)
    await Lesson.filter(id=lesson.id).update(is_preview=True)
    for headers in ({}, student_headers):
        assert (await client.get(lessons_url(course, lesson.id), headers=headers)).status == 404
    assert (await client.get(lessons_url(course, lesson.id), headers=owner_headers)).status == 200


async def test_a_drip_lesson_unlocks_days_after_enrollment(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, owner, lessons=1)
    drip = await create_lesson(client, course, available_after_days=7, content="Week two")
    enrollment = await enroll(client, student, course)

    async def read():
        response = await client.get(lessons_url(course, drip.id), headers=headers)
        return response.status, await response.json()

    async def outline_entry():
        body = await (await client.get(f"{API}/courses/{course.id}", headers=headers)).json()
        [entry] = [e for e in body["unsectioned_lessons"] if e["id"] == str(drip.id)]
        return entry

    status, body = await read()
    assert status == 403
    assert "Week two" not in str(body)
    [detail] = body["error"]["details"]
    assert detail["reason"] == "drip_locked"
    expected = enrollment.enrolled_at + timedelta(days=7)
    assert datetime.fromisoformat(detail["available_at"]) == expected
    entry = await outline_entry()
    assert entry["locked"] is True
    assert datetime.fromisoformat(entry["available_at"].replace("Z", "+00:00")) == expected
    # Staff read it at any time.
    staff_read = await client.get(lessons_url(course, drip.id), headers=owner_headers)
    assert staff_read.status == 200
    # Six days later it is still locked; a week after enrolling it opens.
    now = datetime.now(UTC)
    await Enrollment.filter(id=enrollment.id).update(enrolled_at=now - timedelta(days=6))
    assert (await read())[0] == 403
    await Enrollment.filter(id=enrollment.id).update(enrolled_at=now - timedelta(days=7, minutes=1))
    status, body = await read()
    assert status == 200 and body["content"] == "Week two"
    assert (await outline_entry())["locked"] is False


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "enrolled", "staff"])
async def test_the_outline_never_carries_content(client, viewer):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    section_response = await client.post(
        f"{API}/courses/{course.id}/sections", json={"title": "Part 1"}, headers=owner_headers
    )
    section_id = (await section_response.json())["id"]
    await create_lesson(client, course, section_id=section_id, content="SECRET-IN-SECTION")
    await create_lesson(client, course, is_preview=True, content="SECRET-PREVIEW")
    await create_lesson(client, course, is_published=False, content="SECRET-DRAFT")
    await enroll(client, student, course)
    headers = {
        "anonymous": {},
        "outsider": (await signed_in(client))[1],
        "enrolled": student_headers,
        "staff": owner_headers,
    }[viewer]
    response = await client.get(f"{API}/courses/{course.id}", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert "content" not in keys_anywhere(body)
    assert "SECRET" not in await response.text()
    lessons = body["unsectioned_lessons"] + [x for s in body["sections"] for x in s["lessons"]]
    assert len(lessons) == (5 if viewer == "staff" else 4)  # drafts only for staff
    assert body["is_staff"] is (viewer == "staff")
    locked = {item["title"]: item["locked"] for item in lessons}
    if viewer in ("anonymous", "outsider"):
        assert sorted(locked.values()) == [False, True, True, True]  # only the preview opens
    else:
        assert not any(locked.values())
