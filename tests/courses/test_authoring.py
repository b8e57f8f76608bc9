"""Course authoring: create, read, change, delete or archive, publish, staff, sections, and the
``course:<id>`` events they send."""

from __future__ import annotations

import re
import uuid

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.models import Course, CourseStaff, Lesson, Section
from lms_rt.courses.schemas import StaffAdd
from lms_rt.users.models import Role
from tests.factories import (
    access_token,
    create_course,
    create_lesson,
    create_user,
    enroll,
    signed_in,
)
from tests.harness.ws import WsClient

API = "/api/v1"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


async def course_row(course) -> dict:
    fresh = await Course.get(id=course.id)
    return {
        "title": fresh.title,
        "slug": fresh.slug,
        "description": fresh.description,
        "category": fresh.category,
        "price_amount": fresh.price_amount,
        "is_published": fresh.is_published,
        "archived_at": fresh.archived_at,
    }


async def catalog_ids(client) -> set[str]:
    body = await (await client.get(f"{API}/courses", params={"limit": 100})).json()
    return {item["id"] for item in body["items"]}


# --- create --------------------------------------------------------------------------------


async def test_create_makes_a_draft_owned_by_the_caller(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR, full_name="Nadia Nour")
    response = await client.post(
        f"{API}/courses",
        json={
            "title": "  Intro to Python  ",
            "description": "From zero",
            "category": "programming",
            "difficulty": "intermediate",
            "price_amount": 250_00,
            "currency": "USD",
            "thumbnail_url": "https://cdn.example.org/python.png",
            "estimated_duration_minutes": 90,
            "metadata": {"language": "en"},
        },
        headers=headers,
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["title"] == "Intro to Python" and body["slug"] == "intro-to-python"
    assert body["instructor"] == {"id": str(teacher.id), "full_name": "Nadia Nour"}
    assert body["is_published"] is False and body["published_at"] is None
    assert (body["price_amount"], body["currency"], body["is_free"]) == (250_00, "USD", False)
    assert body["difficulty"] == "intermediate" and body["metadata"] == {"language": "en"}
    assert body["thumbnail_url"] == "https://cdn.example.org/python.png"
    stored = await Course.get(id=body["id"])
    assert stored.instructor_id == teacher.id and not stored.is_published


async def test_slugs_come_from_titles_and_stay_unique(client):
    _, headers = await signed_in(client, Role.INSTRUCTOR)

    async def create(**json) -> tuple[int, dict]:
        response = await client.post(f"{API}/courses", json=json, headers=headers)
        return response.status, await response.json()

    _, first = await create(title="Data Science")
    _, second = await create(title="Data science!")
    assert (first["slug"], second["slug"]) == ("data-science", "data-science-2")
    _, arabic = await create(title="مقدمة في البرمجة")
    _, arabic_again = await create(title="مقدمة في البرمجة")
    for slug in (arabic["slug"], arabic_again["slug"]):
        assert SLUG.match(slug) and slug not in ("", "untitled")
    assert arabic["slug"] != arabic_again["slug"]
    _, symbols = await create(title="!!!")
    assert SLUG.match(symbols["slug"])
    status, explicit = await create(title="Anything", slug="my-own-slug")
    assert status == 201 and explicit["slug"] == "my-own-slug"
    # Both slug pages answer with their own course.
    for course in (first, arabic, explicit):
        got = await client.get(f"{API}/courses/{course['slug']}", headers=headers)
        assert (await got.json())["id"] == course["id"]


async def test_a_taken_slug_is_a_conflict_and_creates_nothing(client):
    _, headers = await signed_in(client, Role.INSTRUCTOR)
    created = await client.post(
        f"{API}/courses", json={"title": "A", "slug": "taken"}, headers=headers
    )
    assert created.status == 201
    again = await client.post(
        f"{API}/courses", json={"title": "B", "slug": "taken"}, headers=headers
    )
    assert again.status == 409
    assert (await again.json())["error"]["code"] == "conflict"
    assert await Course.all().count() == 1


async def test_create_refuses_unknown_fields_bad_values_and_non_authors(client):
    _, headers = await signed_in(client, Role.INSTRUCTOR)
    _, student_headers = await signed_in(client, Role.STUDENT)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    for body, field in [
        ({"title": "X", "is_published": True}, "is_published"),
        ({"title": "X", "instructor_id": str(uuid.uuid4())}, "instructor_id"),
        ({"title": "X", "enrollment_count": 10}, "enrollment_count"),
        ({"title": ""}, "title"),
        ({"title": "X", "slug": "Not A Slug"}, "slug"),
        ({"title": "X", "price_amount": -1}, "price_amount"),
        ({"title": "X", "difficulty": "expert"}, "difficulty"),
        ({"title": "X", "thumbnail_url": "not a url"}, "thumbnail_url"),
    ]:
        response = await client.post(f"{API}/courses", json=body, headers=headers)
        assert response.status == 422, body
        details = (await response.json())["error"]["details"]
        assert [d["field"] for d in details] == [field]
    assert await Course.all().count() == 0
    student = await client.post(f"{API}/courses", json={"title": "X"}, headers=student_headers)
    assert student.status == 403
    anonymous = await client.post(f"{API}/courses", json={"title": "X"})
    assert anonymous.status == 401
    assert await Course.all().count() == 0
    admin = await client.post(f"{API}/courses", json={"title": "By admin"}, headers=admin_headers)
    assert admin.status == 201


# --- read ----------------------------------------------------------------------------------


async def test_get_by_id_or_slug(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Arabic Calligraphy")
    by_id = await client.get(f"{API}/courses/{course.id}")
    by_slug = await client.get(f"{API}/courses/arabic-calligraphy")
    assert by_id.status == by_slug.status == 200
    one, two = await by_id.json(), await by_slug.json()
    assert one["id"] == two["id"] == str(course.id)
    assert one["is_staff"] is False and one["enrollment_id"] is None
    assert [lesson["title"] for lesson in one["unsectioned_lessons"]] == [
        "Lesson 1 of Arabic Calligraphy",
        "Lesson 2 of Arabic Calligraphy",
    ]
    for missing in (str(uuid.uuid4()), "no-such-course"):
        response = await client.get(f"{API}/courses/{missing}")
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "not_found"


async def test_drafts_exist_only_for_their_staff(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    _, student_headers = await signed_in(client, Role.STUDENT)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    draft = await create_course(client, owner, published=False)
    await courses.add_staff(draft, StaffAdd(email=assistant.email))
    for headers in ({}, student_headers, other_headers):
        for key in (draft.id, draft.slug):
            response = await client.get(f"{API}/courses/{key}", headers=headers)
            assert response.status == 404
    for headers in (owner_headers, assistant_headers, admin_headers):
        response = await client.get(f"{API}/courses/{draft.slug}", headers=headers)
        assert response.status == 200
        body = await response.json()
        assert body["is_staff"] is True and body["is_published"] is False


# --- change --------------------------------------------------------------------------------


async def test_owner_and_admin_change_a_course(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    course = await create_course(client, owner, title="Old")
    response = await client.patch(
        f"{API}/courses/{course.id}",
        json={"title": "New", "category": "science", "price_amount": 0},
        headers=owner_headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["title"], body["category"]) == ("New", "science")
    assert body["slug"] == course.slug  # a new title keeps the address
    stored = await course_row(course)
    assert (stored["title"], stored["category"]) == ("New", "science")
    response = await client.patch(
        f"{API}/courses/{course.slug}",
        json={"description": "Edited by an admin", "slug": "renamed"},
        headers=admin_headers,
    )
    assert response.status == 200
    stored = await course_row(course)
    assert (stored["description"], stored["slug"], stored["title"]) == (
        "Edited by an admin",
        "renamed",
        "New",
    )


async def test_only_the_courses_staff_change_it(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    student = await create_user(client)
    _, student_headers = await signed_in(client, Role.STUDENT)
    course = await create_course(client, owner, title="Mine")
    await enroll(client, student, course)
    draft = await create_course(client, owner, published=False)
    before = await course_row(course)
    other = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Stolen"}, headers=other_headers
    )
    assert other.status == 403
    assert (await other.json())["error"]["code"] == "forbidden"
    student_try = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Stolen"}, headers=student_headers
    )
    assert student_try.status == 403
    anonymous = await client.patch(f"{API}/courses/{course.id}", json={"title": "Stolen"})
    assert anonymous.status == 401
    # Another instructor's draft does not exist for them.
    hidden = await client.patch(
        f"{API}/courses/{draft.id}", json={"title": "Stolen"}, headers=other_headers
    )
    assert hidden.status == 404
    for path in ("publish", "unpublish"):
        response = await client.post(f"{API}/courses/{course.id}/{path}", headers=other_headers)
        assert response.status == 403
    deleted = await client.delete(f"{API}/courses/{course.id}", headers=other_headers)
    assert deleted.status == 403
    assert await course_row(course) == before
    assert (await course_row(draft))["title"] == draft.title


async def test_patch_validation_and_slug_conflicts(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    other = await create_course(client, owner)
    before = await course_row(course)
    for body, status in [
        ({"role": "admin"}, 422),
        ({"instructor_id": str(owner.id)}, 422),
        ({"is_published": False}, 422),
        ({"title": None}, 422),
        ({"title": "   "}, 422),
        ({"price_amount": -5}, 422),
        ({"slug": other.slug}, 409),
    ]:
        response = await client.patch(f"{API}/courses/{course.id}", json=body, headers=headers)
        assert response.status == status, (body, await response.text())
    assert await course_row(course) == before
    same = await client.patch(
        f"{API}/courses/{course.id}", json={"slug": course.slug}, headers=headers
    )
    assert same.status == 200


# --- delete or archive ---------------------------------------------------------------------


async def test_delete_without_enrollments_deletes(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    response = await client.delete(f"{API}/courses/{course.id}", headers=headers)
    assert response.status == 204
    assert not await Course.filter(id=course.id).exists()
    assert not await Lesson.filter(course_id=course.id).exists()
    again = await client.get(f"{API}/courses/{course.id}", headers=headers)
    assert again.status == 404


async def test_delete_with_enrollments_archives_and_students_keep_access(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client)
    course = await create_course(client, owner)
    [lesson, _] = await Lesson.filter(course_id=course.id).order_by("order")
    await enroll(client, student, course)
    assert str(course.id) in await catalog_ids(client)
    response = await client.delete(f"{API}/courses/{course.id}", headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["id"] == str(course.id) and body["archived_at"] is not None
    assert (await course_row(course))["archived_at"] is not None
    assert str(course.id) not in await catalog_ids(client)
    page = await client.get(f"{API}/courses/{course.id}", headers=student_headers)
    assert page.status == 200
    assert (await page.json())["enrollment_id"] is not None
    read = await client.get(
        f"{API}/courses/{course.id}/lessons/{lesson.id}", headers=student_headers
    )
    assert read.status == 200
    assert (await read.json())["content"] == lesson.content
    republish = await client.post(f"{API}/courses/{course.id}/publish", headers=headers)
    assert republish.status == 409
    # Deleting again keeps it archived (never deletes enrolled students' course).
    again = await client.delete(f"{API}/courses/{course.id}", headers=headers)
    assert again.status == 200
    assert await Course.filter(id=course.id).exists()


# --- publish -------------------------------------------------------------------------------


async def test_publish_needs_a_published_lesson(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=0, published=False)

    async def publish():
        return await client.post(f"{API}/courses/{course.id}/publish", headers=headers)

    refused = await publish()
    assert refused.status == 409
    error = (await refused.json())["error"]
    assert error["code"] == "conflict" and "published lesson" in error["message"]
    assert error["details"] == [{"reason": "no_published_lessons"}]
    lesson = await create_lesson(client, course, is_published=False)
    assert (await publish()).status == 409
    assert (await course_row(course))["is_published"] is False
    await client.patch(
        f"{API}/courses/{course.id}/lessons/{lesson.id}",
        json={"is_published": True},
        headers=headers,
    )
    published = await publish()
    assert published.status == 200
    body = await published.json()
    assert body["is_published"] is True and body["published_at"] is not None
    assert str(course.id) in await catalog_ids(client)
    twice = await publish()
    assert twice.status == 200
    assert (await twice.json())["published_at"] == body["published_at"]


async def test_unpublish_takes_a_course_out_of_the_catalog(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    response = await client.post(f"{API}/courses/{course.id}/unpublish", headers=headers)
    assert response.status == 200
    assert (await response.json())["is_published"] is False
    assert (await course_row(course))["is_published"] is False
    assert str(course.id) not in await catalog_ids(client)
    assert (await client.get(f"{API}/courses/{course.id}")).status == 404
    assert (await client.get(f"{API}/courses/{course.id}", headers=headers)).status == 200
    again = await client.post(f"{API}/courses/{course.id}/publish", headers=headers)
    assert again.status == 200
    assert str(course.id) in await catalog_ids(client)


# --- staff ---------------------------------------------------------------------------------


async def test_staff_are_added_listed_and_removed_by_the_owner(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR, full_name="Owner")
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR, full_name="Helper")
    course = await create_course(client, owner)
    staff_url = f"{API}/courses/{course.id}/staff"
    before = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Nope"}, headers=assistant_headers
    )
    assert before.status == 403
    added = await client.post(
        staff_url, json={"email": assistant.email.upper()}, headers=owner_headers
    )
    assert added.status == 204, await added.text()
    listed = await client.get(staff_url, headers=owner_headers)
    assert listed.status == 200
    assert [(s["full_name"], s["role"], s["owner"]) for s in await listed.json()] == [
        ("Owner", "instructor", True),
        ("Helper", "assistant", False),
    ]
    # The assistant now changes the course and its lessons, and sees the staff list ...
    edit = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Edited by TA"}, headers=assistant_headers
    )
    assert edit.status == 200
    lesson = await client.post(
        f"{API}/courses/{course.id}/lessons", json={"title": "By TA"}, headers=assistant_headers
    )
    assert lesson.status == 201
    assert (await client.get(staff_url, headers=assistant_headers)).status == 200
    # ... but does not manage the staff.
    third = await create_user(client, role=Role.INSTRUCTOR)
    refused = await client.post(staff_url, json={"email": third.email}, headers=assistant_headers)
    assert refused.status == 403
    self_removal = await client.delete(f"{staff_url}/{assistant.id}", headers=assistant_headers)
    assert self_removal.status == 403
    assert await CourseStaff.filter(course_id=course.id).count() == 1
    removed = await client.delete(f"{staff_url}/{assistant.id}", headers=owner_headers)
    assert removed.status == 204
    after = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Again"}, headers=assistant_headers
    )
    assert after.status == 403
    gone = await client.delete(f"{staff_url}/{assistant.id}", headers=owner_headers)
    assert gone.status == 404


async def test_who_can_be_staff(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    student = await create_user(client)
    colleague = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, owner)
    staff_url = f"{API}/courses/{course.id}/staff"

    async def add(email, headers=owner_headers, **extra):
        response = await client.post(staff_url, json={"email": email, **extra}, headers=headers)
        return response.status

    assert await add(student.email) == 409
    assert await add("nobody@example.org") == 404
    assert await add(owner.email) == 409
    assert await add("not-an-email") == 422
    assert await add(colleague.email, other_headers) == 403
    assert await CourseStaff.filter(course_id=course.id).count() == 0
    assert await add(colleague.email, admin_headers, role="instructor") == 204
    assert await add(colleague.email) == 409
    [row] = await CourseStaff.filter(course_id=course.id)
    assert (row.user_id, row.role.value) == (colleague.id, "instructor")
    removed = await client.delete(f"{staff_url}/{colleague.id}", headers=admin_headers)
    assert removed.status == 204


# --- sections ------------------------------------------------------------------------------


async def test_sections_crud(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    elsewhere = await create_course(client, owner)
    url = f"{API}/courses/{course.id}/sections"
    first = await client.post(url, json={"title": "Basics"}, headers=headers)
    second = await client.post(url, json={"title": "Advanced"}, headers=headers)
    assert first.status == second.status == 201
    basics, advanced = await first.json(), await second.json()
    assert (basics["order"], advanced["order"]) == (0, 1)
    lesson = await client.post(
        f"{API}/courses/{course.id}/lessons",
        json={"title": "In basics", "section_id": basics["id"], "is_published": True},
        headers=headers,
    )
    assert lesson.status == 201
    lesson_id = (await lesson.json())["id"]
    renamed = await client.patch(
        f"{url}/{advanced['id']}", json={"title": "Deep dive", "order": 0}, headers=headers
    )
    assert renamed.status == 200
    assert (await renamed.json()) == {"id": advanced["id"], "title": "Deep dive", "order": 0}
    await client.patch(f"{url}/{basics['id']}", json={"order": 1}, headers=headers)
    outline = await (await client.get(f"{API}/courses/{course.id}")).json()
    assert [s["title"] for s in outline["sections"]] == ["Deep dive", "Basics"]
    assert [item["id"] for item in outline["sections"][1]["lessons"]] == [lesson_id]
    assert lesson_id not in [item["id"] for item in outline["unsectioned_lessons"]]
    # Not for others, not across courses, no unknown fields.
    assert (await client.post(url, json={"title": "X"}, headers=other_headers)).status == 403
    assert (
        await client.patch(f"{url}/{basics['id']}", json={"title": "X"}, headers=other_headers)
    ).status == 403
    assert (await client.delete(f"{url}/{basics['id']}", headers=other_headers)).status == 403
    wrong_course = f"{API}/courses/{elsewhere.id}/sections/{basics['id']}"
    assert (await client.patch(wrong_course, json={"title": "X"}, headers=headers)).status == 404
    assert (await client.delete(wrong_course, headers=headers)).status == 404
    assert (await client.post(url, json={"title": "X", "course": "y"}, headers=headers)).status == (
        422
    )
    foreign = await client.post(
        f"{API}/courses/{elsewhere.id}/lessons",
        json={"title": "Wrong section", "section_id": basics["id"]},
        headers=headers,
    )
    assert foreign.status == 422
    # Deleting a section keeps its lessons, now outside any section.
    deleted = await client.delete(f"{url}/{basics['id']}", headers=headers)
    assert deleted.status == 204
    assert not await Section.filter(id=basics["id"]).exists()
    outline = await (await client.get(f"{API}/courses/{course.id}")).json()
    assert [s["title"] for s in outline["sections"]] == ["Deep dive"]
    assert lesson_id in [item["id"] for item in outline["unsectioned_lessons"]]
    assert (await Lesson.get(id=lesson_id)).section_id is None


# --- events on course:<id> ------------------------------------------------------------------


async def socket_for(client, headers) -> WsClient:
    ws = await WsClient.connect(client)
    await ws.auth(access_token(headers))
    return ws


async def next_event(ws: WsClient) -> dict:
    """The next event that is not a presence notice."""
    while True:
        frame = await ws.expect("event")
        if frame["type"] != "presence.changed":
            return frame


async def test_course_events_reach_enrolled_students_only(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client)
    outsider, outsider_headers = await signed_in(client)
    course = await create_course(client, owner)
    await enroll(client, student, course)
    channel = f"course:{course.id}"
    enrolled_ws = await socket_for(client, student_headers)
    assert (await enrolled_ws.sub(channel))["op"] == "ack"
    outsider_ws = await socket_for(client, outsider_headers)
    refused = await outsider_ws.sub(channel)
    assert (refused["op"], refused["code"], refused["status"]) == ("error", "forbidden", 4403)
    assert (await outsider_ws.sub(f"user:{outsider.id}"))["op"] == "ack"

    patched = await client.patch(
        f"{API}/courses/{course.id}", json={"title": "Renamed"}, headers=owner_headers
    )
    assert patched.status == 200
    updated = await next_event(enrolled_ws)
    assert (updated["channel"], updated["type"]) == (channel, "course.updated")
    assert updated["data"]["course_id"] == str(course.id)

    draft_lesson = await client.post(
        f"{API}/courses/{course.id}/lessons", json={"title": "Not yet"}, headers=owner_headers
    )
    assert draft_lesson.status == 201
    lesson = await client.post(
        f"{API}/courses/{course.id}/lessons",
        json={"title": "Fresh lesson", "is_published": True},
        headers=owner_headers,
    )
    assert lesson.status == 201
    lesson_id = (await lesson.json())["id"]
    published = await next_event(enrolled_ws)
    assert (published["channel"], published["type"]) == (channel, "lesson.published")
    assert published["data"] == {"lesson_id": lesson_id, "title": "Fresh lesson"}
    assert published["seq"] > updated["seq"]

    # Publishing the draft lesson later announces it too.
    later = await client.patch(
        f"{API}/courses/{course.id}/lessons/{(await draft_lesson.json())['id']}",
        json={"is_published": True},
        headers=owner_headers,
    )
    assert later.status == 200
    announced = await next_event(enrolled_ws)
    assert announced["type"] == "lesson.published"
    assert announced["data"]["lesson_id"] == (await draft_lesson.json())["id"]

    # The outsider got nothing: a marker on their own channel is the first event they see.
    await client.app[keys.BUS].publish(f"user:{outsider.id}", "marker", {})
    first = await outsider_ws.expect("event")
    assert first["type"] == "marker"
    await enrolled_ws.close()
    await outsider_ws.close()
