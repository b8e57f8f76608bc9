"""What goes into an export (own uploads only; missing objects noted) and who may fetch the
export's file, for how long."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from lms_rt import keys
from lms_rt.assignments.models import Assignment, Submission
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.numbers import new_number
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.payments.models import Payment, PaymentStatus, Provider
from lms_rt.privacy.models import DataExport
from lms_rt.quizzes.models import Quiz, QuizAttempt
from lms_rt.users.models import Role
from tests.factories import course_lessons, create_course, enroll, signed_in
from tests.files.helpers import png, upload
from tests.personal_data.helpers import fetch_zip, jobs_running, wait_for_export
from tests.quizzes.helpers import Clock

API = "/api/v1"


async def _stored(deps, owner_id, purpose, key, data=b"PK\x03\x04zip", **fields) -> StoredFile:
    await deps.storage.put(key, data, "application/zip")
    return await StoredFile.create(
        owner_id=owner_id,
        key=key,
        original_name=key.rsplit("/", 1)[-1],
        content_type="application/zip",
        size=len(data),
        sha256="0" * 64,
        purpose=purpose,
        **fields,
    )


async def test_an_instructors_export_holds_their_files_not_their_students(client, tmp_path):
    deps = client.app[keys.DEPS]
    teacher, headers = await signed_in(client, Role.INSTRUCTOR, full_name="Tariq Teacher")
    course = await create_course(client, teacher, title="Biology")
    student, _ = await signed_in(client, full_name="Salma Student")
    enrollment = await enroll(client, student, course)
    [lesson, *_] = await course_lessons(course)
    assignment = await Assignment.create(
        course_id=course.id, lesson_id=lesson.id, title="Lab", submission_types=["text"]
    )
    await Submission.create(
        assignment_id=assignment.id,
        student_id=student.id,
        attempt=1,
        body="Salma's lab notes",
        submitted_at=datetime.now(UTC),
    )
    # Staff's ZIP of the students' work is theirs by owner, but holds others' data.
    await _stored(
        deps,
        teacher.id,
        FilePurpose.SUBMISSION_ARCHIVE,
        "archives/lab.zip",
        b"PK Salma's lab notes",
        course_id=course.id,
    )
    await _stored(
        deps, teacher.id, FilePurpose.LESSON_ATTACHMENT, "uploads/t/slides.zip", lesson_id=lesson.id
    )
    avatar = png(260)
    assert (await upload(client, headers, avatar, filename="tariq.png")).status == 201
    gone = await _stored(deps, teacher.id, FilePurpose.AVATAR, "uploads/t/old.png")
    await deps.storage.delete(gone.key)
    # The teacher is also a learner elsewhere: assessments, payments and certificates.
    other = await create_course(client, student, title="Drawing")
    learning = await enroll(client, teacher, other)
    quiz = await Quiz.create(course_id=other.id, title="Shapes")
    await QuizAttempt.create(
        quiz_id=quiz.id, student_id=teacher.id, number=1, started_at=datetime.now(UTC)
    )
    await Payment.create(
        provider=Provider.STRIPE,
        user_id=teacher.id,
        course_id=other.id,
        amount=500,
        currency="EGP",
        status=PaymentStatus.SUCCEEDED,
    )
    await Certificate.create(
        enrollment_id=learning.id,
        student_id=teacher.id,
        course_id=other.id,
        number=new_number("LMS", 2026),
        student_name="Tariq Teacher",
        course_title="Drawing",
        instructor_name="Salma",
        completion_date=datetime.now(UTC).date(),
        file_key="certificates/x.pdf",
    )
    assert enrollment

    async with jobs_running(client, tmp_path):
        response = await client.post(f"{API}/users/me/export", headers=headers)
        assert response.status == 202
        export = await wait_for_export(client, (await response.json())["id"])
    assert export.status == "ready", export.error
    entries = await fetch_zip(client, f"{API}/users/me/exports/{export.id}/download", headers)

    everything = b"".join(entries.values())
    assert b"Salma's lab notes" not in everything
    listing = {item["original_name"]: item for item in json.loads(entries["files.json"])}
    assert set(listing) == {"tariq.png", "slides.zip", "old.png"}
    assert entries[listing["tariq.png"]["entry"]] == avatar
    assert (
        listing["slides.zip"]["entry"] is None and "course content" in listing["slides.zip"]["note"]
    )
    assert listing["old.png"]["entry"] is None and "missing" in listing["old.png"]["note"]
    assessments = json.loads(entries["assessments.json"])
    assert [a["quiz__title"] for a in assessments["quiz_attempts"]] == ["Shapes"]
    payments = json.loads(entries["payments.json"])
    assert [p["amount"] for p in payments["payments"]] == [500]
    [certificate] = json.loads(entries["certificates.json"])
    assert certificate["course_title"] == "Drawing"


async def test_the_export_file_is_its_owners_only_and_only_until_it_expires(
    client, tmp_path, monkeypatch
):
    _student, headers = await signed_in(client)
    _other, other_headers = await signed_in(client)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    async with jobs_running(client, tmp_path):
        response = await client.post(f"{API}/users/me/export", headers=headers)
        export = await wait_for_export(client, (await response.json())["id"])
    file_id = export.file_id
    download = f"{API}/files/download/{file_id}"
    assert (await client.get(download, headers=headers, allow_redirects=False)).status in (
        200,
        302,
    )
    for stranger in (other_headers, admin_headers):
        response = await client.get(download, headers=stranger, allow_redirects=False)
        assert response.status == 404
        assert (await client.get(f"{API}/files/{file_id}", headers=stranger)).status == 404
    listed = await (await client.get(f"{API}/files/my-files", headers=headers)).json()
    assert str(file_id) not in json.dumps(listed)

    clock = Clock(client, monkeypatch)
    clock.move(hours=client.app[keys.SETTINGS].data_export_hours + 1)
    response = await client.get(download, headers=headers, allow_redirects=False)
    assert response.status == 404


async def test_a_deleted_export_file_answers_410(client, tmp_path):
    _student, headers = await signed_in(client)
    async with jobs_running(client, tmp_path):
        response = await client.post(f"{API}/users/me/export", headers=headers)
        export = await wait_for_export(client, (await response.json())["id"])
    response = await client.delete(f"{API}/files/{export.file_id}", headers=headers)
    assert response.status == 204, await response.text()
    response = await client.get(
        f"{API}/users/me/exports/{export.id}/download", headers=headers, allow_redirects=False
    )
    assert response.status == 410


async def test_two_racing_export_requests_make_one_export(client):
    student, headers = await signed_in(client)
    responses = await asyncio.gather(
        *(client.post(f"{API}/users/me/export", headers=headers) for _ in range(4))
    )
    assert sorted(r.status for r in responses).count(202) == 1
    assert await DataExport.filter(user_id=student.id).count() == 1
