"""Who may read, grade and hand in what: other students' work is not found, students are
refused the staff's routes, staff of another course find nothing, and files handed in must
be the student's own uploads for this assignment."""

from __future__ import annotations

from lms_rt.users.models import Role
from tests.assignments.helpers import (
    API,
    assignment_course,
    enrolled,
    error_of,
    submit,
    submitted,
    upload_for,
)
from tests.factories import enroll as student_in_course
from tests.factories import signed_in
from tests.files.helpers import download, pdf, png, text, upload, uploaded


async def _staff_routes(client, setup, submission_id):
    assignment_id = setup.assignment["id"]
    response = await client.post(
        f"{API}/assignments/{assignment_id}/submissions/archive", headers=setup.teacher_headers
    )
    archive_id = (await response.json())["id"]
    return [
        ("GET", f"/assignments/{assignment_id}/submissions", None),
        ("GET", f"/assignments/{assignment_id}/submissions?format=csv", None),
        ("POST", f"/submissions/{submission_id}/grade", {"raw_score": 100}),
        ("POST", f"/submissions/{submission_id}/return", {"feedback": "No"}),
        ("POST", f"/assignments/{assignment_id}/submissions/archive", None),
        ("GET", f"/submission-archives/{archive_id}", None),
        ("PATCH", f"/assignments/{assignment_id}", {"title": "Taken over"}),
        ("DELETE", f"/assignments/{assignment_id}", None),
    ]


async def test_another_students_submission_is_not_found(client):
    setup = await assignment_course(client)
    _, owner_headers = await enrolled(client, setup)
    _, classmate_headers = await enrolled(client, setup)
    submission = await submitted(client, setup, owner_headers, body="Private work")
    response = await client.get(f"{API}/submissions/{submission['id']}", headers=owner_headers)
    assert response.status == 200
    response = await client.get(f"{API}/submissions/{submission['id']}", headers=classmate_headers)
    status, error = await error_of(response)
    assert status == 404 and error["code"] == "not_found"
    mine = await client.get(
        f"{API}/assignments/{setup.assignment['id']}/submissions/mine", headers=classmate_headers
    )
    assert await mine.json() == []
    # The course's staff read it.
    response = await client.get(
        f"{API}/submissions/{submission['id']}", headers=setup.teacher_headers
    )
    assert (await response.json())["body"] == "Private work"


async def test_students_are_refused_the_staff_routes(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    for method, path, body in await _staff_routes(client, setup, submission["id"]):
        response = await client.request(method, API + path, json=body, headers=headers)
        assert response.status == 403, (method, path, response.status)
    response = await client.get(f"{API}/submissions/{submission['id']}", headers=headers)
    assert (await response.json())["score"] is None  # nothing was graded or returned


async def test_staff_of_another_course_find_nothing(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    _, stranger = await signed_in(client, Role.INSTRUCTOR)
    for method, path, body in await _staff_routes(client, setup, submission["id"]):
        response = await client.request(method, API + path, json=body, headers=stranger)
        assert response.status == 404, (method, path, response.status)
    response = await client.get(f"{API}/submissions/{submission['id']}", headers=stranger)
    assert response.status == 404


async def test_course_staff_do_not_hand_in(client):
    setup = await assignment_course(client)
    status, _ = await error_of(await submit(client, setup, setup.teacher_headers))
    assert status == 403


async def test_only_the_students_own_uploads_for_this_assignment_are_accepted(client):
    setup = await assignment_course(client)
    other = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    _, classmate_headers = await enrolled(client, setup)
    own = await upload_for(client, setup, headers, pdf(), "essay.pdf")
    assert own["purpose"] == "submission" and own["lesson_id"] == str(setup.lesson.id)
    theirs = await upload_for(client, setup, classmate_headers, pdf(), "theirs.pdf")
    avatar = await uploaded(client, headers, png(), purpose="avatar", filename="me.png")
    # The same student's upload for another course's assignment.
    await student_in_course(client, student, other.course)
    elsewhere = await upload_for(client, other, headers, pdf(), "other.pdf")
    unknown = "00000000-0000-0000-0000-000000000000"

    for wrong in (theirs["id"], avatar["id"], elsewhere["id"], unknown):
        response = await submit(client, setup, headers, file_ids=[own["id"], wrong])
        status, error = await error_of(response)
        assert status == 422, wrong
        assert [d["field"] for d in error["details"]] == ["file_ids.1"], wrong
    status, _ = await error_of(await submit(client, setup, headers, file_ids=[own["id"]] * 2))
    assert status == 422
    accepted = await submitted(client, setup, headers, file_ids=[own["id"]])
    assert [f["original_name"] for f in accepted["files"]] == ["essay.pdf"]


async def test_submission_files_are_read_by_their_owner_and_the_course_staff_only(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    _, classmate_headers = await enrolled(client, setup)
    _, stranger_teacher = await signed_in(client, Role.INSTRUCTOR)
    data = text()
    own = await upload_for(client, setup, headers, data, "notes.txt")
    await submitted(client, setup, headers, file_ids=[own["id"]])
    for allowed in (headers, setup.teacher_headers):
        status, _, body = await download(client, own["id"], allowed)
        assert (status, body) == (200, data)
    for refused in (classmate_headers, stranger_teacher, {}):
        response = await client.get(f"{API}/files/{own['id']}", headers=refused)
        assert response.status == 404
        response = await client.get(
            f"{API}/files/download/{own['id']}", headers=refused, allow_redirects=False
        )
        assert response.status == 404


async def test_who_may_upload_submission_files(client):
    setup = await assignment_course(client)
    no_files = await assignment_course(client, submission_types=["text"])
    _, headers = await enrolled(client, setup)
    _, outsider = await signed_in(client)
    for who, expected in ((outsider, 404), (setup.teacher_headers, 403)):
        response = await upload(client, who, pdf(), purpose="submission", lesson=setup.lesson)
        assert response.status == expected, await response.text()
    response = await upload(client, headers, pdf(), purpose="submission")
    assert response.status == 422  # which assignment?
    _, no_files_headers = await enrolled(client, no_files)
    response = await upload(
        client, no_files_headers, pdf(), purpose="submission", lesson=no_files.lesson
    )
    assert response.status == 422
    html = b"<!doctype html><script>alert(1)</script>"
    response = await upload(
        client, headers, html, purpose="submission", lesson=setup.lesson, filename="x.html"
    )
    assert response.status == 415
    # A lesson that is not an assignment's is no submission target.
    text_lesson = (await setup.course.lessons.all().order_by("order"))[0]
    response = await upload(client, headers, pdf(), purpose="submission", lesson=text_lesson)
    assert response.status == 404


async def test_a_handed_in_file_is_kept_as_submitted(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    handed_in = await upload_for(client, setup, headers, pdf(), "final.pdf")
    spare = await upload_for(client, setup, headers, pdf(), "draft.pdf")
    await submitted(client, setup, headers, file_ids=[handed_in["id"]])
    response = await client.delete(f"{API}/files/{handed_in['id']}", headers=headers)
    assert response.status == 409
    response = await client.delete(f"{API}/files/{spare['id']}", headers=headers)
    assert response.status == 204
