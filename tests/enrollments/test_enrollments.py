"""Enrolling, my courses, reading, dropping and reviewing enrollments, and the staff roster."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.models import Course
from lms_rt.courses.schemas import StaffAdd
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.enrollments.schemas import ProgressIn
from lms_rt.enrollments.service import record_progress
from lms_rt.users.models import Role
from tests.factories import (
    complete_lesson,
    course_lessons,
    create_course,
    create_user,
    enroll,
    signed_in,
)

API = "/api/v1"


async def post_enrollment(client, headers, course_id) -> tuple[int, dict]:
    response = await client.post(
        f"{API}/enrollments", json={"course_id": str(course_id)}, headers=headers
    )
    return response.status, await response.json()


async def report(client, student, enrollment, lesson, seconds=60) -> None:
    await record_progress(
        client.app[keys.DEPS],
        student,
        enrollment,
        lesson.id,
        ProgressIn(time_spent_seconds=seconds),
    )


# --- POST /enrollments ---------------------------------------------------------------------


async def test_a_free_published_course_enrolls_at_once(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, teacher, lessons=3)
    status, body = await post_enrollment(client, headers, course.id)
    assert status == 201, body
    assert (body["course_id"], body["student_id"]) == (str(course.id), str(student.id))
    assert (body["status"], body["source"]) == ("active", "free")
    assert body["total_lessons_count"] == 3 and body["completed_lessons_count"] == 0
    assert body["progress_percentage"] == 0.0 and body["completed_at"] is None
    assert (await Course.get(id=course.id)).enrollment_count == 1
    stored = await Enrollment.get(id=body["id"])
    assert stored.student_id == student.id and stored.status == EnrollmentStatus.ACTIVE


async def test_a_paid_course_asks_for_payment(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    _, headers = await signed_in(client)
    course = await create_course(client, teacher, price_amount=499_00, currency="USD")
    status, body = await post_enrollment(client, headers, course.id)
    assert status == 402
    assert body["error"]["code"] == "payment_required"
    [detail] = body["error"]["details"]
    assert (detail["price_amount"], detail["currency"]) == (499_00, "USD")
    assert detail["endpoints"] and all(
        e.startswith("/api/v1/payments/") for e in detail["endpoints"]
    )
    assert not await Enrollment.filter(course_id=course.id).exists()


async def test_drafts_archived_and_unknown_courses_cannot_be_enrolled_in(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    earlier = await create_user(client)
    _, headers = await signed_in(client)
    draft = await create_course(client, teacher, published=False)
    archived = await create_course(client, teacher)
    await enroll(client, earlier, archived)
    await courses.delete_course(client.app[keys.DEPS], archived)
    unpublished = await create_course(client, teacher)
    await courses.unpublish_course(client.app[keys.DEPS], unpublished)
    for course_id in (draft.id, archived.id, unpublished.id, uuid.uuid4()):
        status, body = await post_enrollment(client, headers, course_id)
        assert status == 404, body
    assert await Enrollment.all().count() == 1
    for body in ({"course_id": "nope"}, {"course_id": str(draft.id), "source": "staff"}, {}):
        response = await client.post(f"{API}/enrollments", json=body, headers=headers)
        assert response.status == 422
    anonymous = await client.post(f"{API}/enrollments", json={"course_id": str(draft.id)})
    assert anonymous.status == 401


async def test_enrolling_twice_is_a_conflict(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    _, headers = await signed_in(client)
    course = await create_course(client, teacher)
    assert (await post_enrollment(client, headers, course.id))[0] == 201
    status, body = await post_enrollment(client, headers, course.id)
    assert status == 409 and body["error"]["code"] == "conflict"
    assert await Enrollment.filter(course_id=course.id).count() == 1
    assert (await Course.get(id=course.id)).enrollment_count == 1


async def test_concurrent_enrollment_requests_create_one_enrollment(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    _, headers = await signed_in(client)
    course = await create_course(client, teacher)
    results = await asyncio.gather(*(post_enrollment(client, headers, course.id) for _ in range(5)))
    assert sorted(status for status, _ in results) == [201, 409, 409, 409, 409]
    assert await Enrollment.filter(course_id=course.id).count() == 1
    assert (await Course.get(id=course.id)).enrollment_count == 1
    # Coming back after dropping, five requests at once reactivate the one enrollment once.
    [(_, created)] = [(s, body) for s, body in results if s == 201]
    await client.post(f"{API}/enrollments/{created['id']}/drop", headers=headers)
    again = await asyncio.gather(*(post_enrollment(client, headers, course.id) for _ in range(5)))
    assert sorted(status for status, _ in again) == [201, 409, 409, 409, 409]
    [stored] = await Enrollment.filter(course_id=course.id)
    assert (str(stored.id), stored.status) == (created["id"], EnrollmentStatus.ACTIVE)
    assert (await Course.get(id=course.id)).enrollment_count == 1


async def test_drop_then_enroll_again_reactivates_the_same_enrollment(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, teacher, lessons=2)
    [first, _] = await course_lessons(course)
    _, enrolled = await post_enrollment(client, headers, course.id)
    await complete_lesson(client, student, await Enrollment.get(id=enrolled["id"]), first)
    dropped = await client.post(f"{API}/enrollments/{enrolled['id']}/drop", headers=headers)
    assert dropped.status == 200
    assert (await dropped.json())["status"] == "dropped"
    again = await client.post(f"{API}/enrollments/{enrolled['id']}/drop", headers=headers)
    assert again.status == 409
    status, back = await post_enrollment(client, headers, course.id)
    assert status == 201
    assert back["id"] == enrolled["id"] and back["status"] == "active"
    assert back["completed_lessons_count"] == 1  # progress was kept
    assert await Enrollment.filter(course_id=course.id).count() == 1
    assert (await Course.get(id=course.id)).enrollment_count == 1


# --- reading enrollments -------------------------------------------------------------------


async def test_my_courses_lists_progress_and_the_next_lesson(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    classmate = await create_user(client)
    started = await create_course(client, teacher, lessons=3, title="Started")
    fresh = await create_course(client, teacher, lessons=2, title="Fresh")
    finished = await create_course(client, teacher, lessons=1, title="Finished")
    left = await create_course(client, teacher, lessons=1, title="Left")
    e_started = await enroll(client, student, started)
    await enroll(client, student, fresh)
    e_finished = await enroll(client, student, finished)
    e_left = await enroll(client, student, left)
    await enroll(client, classmate, left)
    first, second, _ = await course_lessons(started)
    await complete_lesson(client, student, e_started, first)
    [only] = await course_lessons(finished)
    await complete_lesson(client, student, e_finished, only)
    await client.post(f"{API}/enrollments/{e_left.id}/drop", headers=headers)

    response = await client.get(f"{API}/enrollments/my-courses", headers=headers)
    assert response.status == 200
    mine = {item["course"]["title"]: item for item in await response.json()}
    assert set(mine) == {"Started", "Fresh", "Finished"}
    assert mine["Started"]["enrollment"]["progress_percentage"] == 33.33
    assert mine["Started"]["enrollment"]["completed_lessons_count"] == 1
    assert mine["Started"]["next_lesson"]["id"] == str(second.id)
    assert "content" not in mine["Started"]["next_lesson"]
    [fresh_first, _] = await course_lessons(fresh)
    assert mine["Fresh"]["next_lesson"]["id"] == str(fresh_first.id)
    assert mine["Fresh"]["enrollment"]["progress_percentage"] == 0.0
    assert mine["Finished"]["enrollment"]["status"] == "completed"
    assert mine["Finished"]["enrollment"]["progress_percentage"] == 100.0
    assert mine["Finished"]["next_lesson"] is None
    assert mine["Started"]["course"]["instructor"]["id"] == str(teacher.id)
    assert (await client.get(f"{API}/enrollments/my-courses")).status == 401


async def test_an_enrollment_is_read_by_its_student_and_the_courses_staff_only(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    student, student_headers = await signed_in(client)
    _, classmate_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    await courses.add_staff(course, StaffAdd(email=assistant.email))
    enrollment = await enroll(client, student, course)
    [lesson, _] = await course_lessons(course)
    await report(client, student, enrollment, lesson, seconds=90)
    url = f"{API}/enrollments/{enrollment.id}"
    for headers in (student_headers, owner_headers, assistant_headers, admin_headers):
        response = await client.get(url, headers=headers)
        assert response.status == 200
        body = await response.json()
        assert body["id"] == str(enrollment.id) and body["total_time_spent_seconds"] == 90
        [progress] = body["lessons"]
        assert (progress["lesson_id"], progress["time_spent_seconds"]) == (str(lesson.id), 90)
    for headers in (classmate_headers, other_teacher_headers):
        response = await client.get(url, headers=headers)
        assert response.status == 404
        assert str(student.id) not in await response.text()
    assert (await client.get(url)).status == 401
    missing = await client.get(f"{API}/enrollments/{uuid.uuid4()}", headers=student_headers)
    assert missing.status == 404
    malformed = await client.get(f"{API}/enrollments/not-an-id", headers=student_headers)
    assert malformed.status == 404


async def test_only_the_student_drops_their_enrollment(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    student, student_headers = await signed_in(client)
    _, classmate_headers = await signed_in(client)
    course = await create_course(client, owner)
    enrollment = await enroll(client, student, course)
    url = f"{API}/enrollments/{enrollment.id}/drop"
    assert (await client.post(url, headers=owner_headers)).status == 403
    assert (await client.post(url, headers=admin_headers)).status == 403
    assert (await client.post(url, headers=classmate_headers)).status == 404
    assert (await Enrollment.get(id=enrollment.id)).status == EnrollmentStatus.ACTIVE
    assert (await client.post(url, headers=student_headers)).status == 200
    assert (await Enrollment.get(id=enrollment.id)).status == EnrollmentStatus.DROPPED


# --- reviews -------------------------------------------------------------------------------


async def test_reviews_need_progress_and_a_rating_from_1_to_5(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    classmate, classmate_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    [lesson, _] = await course_lessons(course)
    mine = await enroll(client, student, course)
    theirs = await enroll(client, classmate, course)

    async def put_review(enrollment, json, who=headers):
        response = await client.put(
            f"{API}/enrollments/{enrollment.id}/review", json=json, headers=who
        )
        return response.status

    assert await put_review(mine, {"rating": 5, "review": "Great"}) == 409
    await report(client, student, mine, lesson, seconds=30)
    for rating in (0, 6, -1, 4.5, "five"):
        assert await put_review(mine, {"rating": rating}) == 422, rating
    assert await put_review(mine, {"rating": 5, "stars": 5}) == 422
    stored = await Enrollment.get(id=mine.id)
    assert (stored.rating, stored.review) == (None, None)
    assert await put_review(mine, {"rating": 5, "review": "Great"}, owner_headers) == 403
    assert await put_review(mine, {"rating": 1}, classmate_headers) == 404
    assert await put_review(mine, {"rating": 5, "review": "Great"}) == 200
    stored = await Enrollment.get(id=mine.id)
    assert (stored.rating, stored.review) == (5, "Great")
    course_row = await Course.get(id=course.id)
    assert (course_row.rating_average, course_row.rating_count) == (5.0, 1)
    await complete_lesson(client, classmate, theirs, lesson)
    assert await put_review(theirs, {"rating": 4}, classmate_headers) == 200
    course_row = await Course.get(id=course.id)
    assert (course_row.rating_average, course_row.rating_count) == (4.5, 2)
    # Changing a review replaces it rather than counting twice.
    assert await put_review(mine, {"rating": 2}) == 200
    course_row = await Course.get(id=course.id)
    assert (course_row.rating_average, course_row.rating_count) == (3.0, 2)
    listed = await (await client.get(f"{API}/courses/{course.id}")).json()
    assert (listed["rating_average"], listed["rating_count"]) == (3.0, 2)


# --- the roster ----------------------------------------------------------------------------


async def _roster_course(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, lessons=2, title="Roster Course")
    amal = await create_user(client, full_name="Amal Adel", email="amal@example.org")
    badr = await create_user(client, full_name="Badr Bakr", email="badr@example.org")
    evil = await create_user(
        client, full_name='=HYPERLINK("http://evil.example","click")', email="evil@example.org"
    )
    e_amal = await enroll(client, amal, course)
    e_badr = await enroll(client, badr, course)
    await enroll(client, evil, course)
    [lesson, _] = await course_lessons(course)
    await complete_lesson(client, amal, e_amal, lesson)
    await Enrollment.filter(id=e_badr.id).update(status=EnrollmentStatus.DROPPED)
    return owner, owner_headers, course


async def test_the_roster_lists_students_with_progress_filters_and_pages(client):
    _, headers, course = await _roster_course(client)
    url = f"{API}/courses/{course.id}/enrollments"

    async def roster(**params):
        response = await client.get(url, params=params, headers=headers)
        assert response.status == 200, await response.text()
        return await response.json()

    body = await roster()
    assert body["total"] == 3 and len(body["items"]) == 3
    by_name = {item["student_name"]: item for item in body["items"]}
    amal = by_name["Amal Adel"]
    assert amal["student_email"] == "amal@example.org"
    assert (amal["progress_percentage"], amal["completed_lessons_count"]) == (50.0, 1)
    assert by_name["Badr Bakr"]["status"] == "dropped"
    dropped = await roster(status="dropped")
    assert [i["student_name"] for i in dropped["items"]] == ["Badr Bakr"]
    assert dropped["total"] == 1
    assert [i["student_name"] for i in (await roster(q="amal"))["items"]] == ["Amal Adel"]
    assert [i["student_email"] for i in (await roster(q="BADR@"))["items"]] == ["badr@example.org"]
    first, second = await roster(limit=2), await roster(limit=2, offset=2)
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    every = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(every) == 3
    bad = await client.get(url, params={"status": "gone"}, headers=headers)
    assert bad.status == 422


async def test_the_roster_downloads_as_csv_with_formulas_neutralised(client):
    _, headers, course = await _roster_course(client)
    response = await client.get(
        f"{API}/courses/{course.id}/enrollments",
        params={"format": "csv", "limit": 1},
        headers=headers,
    )
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(await response.text())))
    header, *lines = rows
    assert header[:3] == ["student_name", "student_email", "status"]
    assert "progress_percentage" in header
    assert len(lines) == 3  # every row, whatever the page size
    names = {line[0] for line in lines}
    assert "'" + '=HYPERLINK("http://evil.example","click")' in names
    assert not any(cell[:1] in ("=", "+", "-", "@") for line in lines for cell in line[:2])
    amal = next(line for line in lines if line[0] == "Amal Adel")
    assert float(amal[header.index("progress_percentage")]) == 50.0
    dropped = await client.get(
        f"{API}/courses/{course.id}/enrollments",
        params={"format": "csv", "status": "dropped"},
        headers=headers,
    )
    assert len(list(csv.reader(io.StringIO(await dropped.text())))) == 2


async def test_roster_csv_neutralises_formulas_in_emails_too(client):
    """An address like ``=1+2@example.org`` is valid, and a spreadsheet runs it as a formula."""
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    for email in ("=1+2@example.org", "+33@example.org", "-x@example.org"):
        await enroll(client, await create_user(client, email=email), course)
    response = await client.get(
        f"{API}/courses/{course.id}/enrollments", params={"format": "csv"}, headers=headers
    )
    _, *lines = list(csv.reader(io.StringIO(await response.text())))
    emails = sorted(line[1] for line in lines)
    assert emails == ["'+33@example.org", "'-x@example.org", "'=1+2@example.org"]


async def test_staff_enroll_existing_users_in_bulk(client):
    owner, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner, price_amount=100_00)  # staff skip payment
    newcomer = await create_user(client, email="new@example.org")
    already = await create_user(client, email="already@example.org")
    returning = await create_user(client, email="back@example.org")
    await enroll(client, already, course)
    comeback = await enroll(client, returning, course)
    await Enrollment.filter(id=comeback.id).update(status=EnrollmentStatus.DROPPED)
    response = await client.post(
        f"{API}/courses/{course.id}/enrollments",
        json={
            "emails": [
                "NEW@example.org",
                "already@example.org",
                "ghost@example.org",
                "back@example.org",
                "new@example.org",
            ]
        },
        headers=headers,
    )
    assert response.status == 200, await response.text()
    assert await response.json() == {
        "added": ["new@example.org", "back@example.org"],
        "already_enrolled": ["already@example.org"],
        "unknown": ["ghost@example.org"],
    }
    added = await Enrollment.get(student_id=newcomer.id, course_id=course.id)
    assert (added.status, added.source.value) == (EnrollmentStatus.ACTIVE, "staff")
    assert (await Enrollment.get(id=comeback.id)).status == EnrollmentStatus.ACTIVE
    assert await Enrollment.filter(course_id=course.id).count() == 3
    bad = await client.post(
        f"{API}/courses/{course.id}/enrollments", json={"emails": []}, headers=headers
    )
    assert bad.status == 422


async def test_the_roster_is_for_the_courses_staff_only(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    course = await create_course(client, owner)
    await courses.add_staff(course, StaffAdd(email=assistant.email))
    await enroll(client, student, course)
    outsider = await create_user(client, email="outsider@example.org")
    url = f"{API}/courses/{course.id}/enrollments"
    for headers in (other_headers, student_headers):
        assert (await client.get(url, headers=headers)).status == 403
        assert (await client.get(url, params={"format": "csv"}, headers=headers)).status == 403
        refused = await client.post(url, json={"emails": [outsider.email]}, headers=headers)
        assert refused.status == 403
    assert (await client.get(url)).status == 401
    assert not await Enrollment.filter(student_id=outsider.id).exists()
    for headers in (assistant_headers, admin_headers):
        assert (await client.get(url, headers=headers)).status == 200
    added = await client.post(url, json={"emails": [outsider.email]}, headers=assistant_headers)
    assert (await added.json())["added"] == [outsider.email]
