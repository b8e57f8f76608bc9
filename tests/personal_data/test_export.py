"""``POST /users/me/export``: a job builds a ZIP of everything about the user; they are told
when it is ready and download it through a short-lived link."""

from __future__ import annotations

import json

from lms_rt import keys
from lms_rt.live.models import LiveKind, LiveMessage, LiveSession, MessageKind
from lms_rt.notifications.models import Notification
from lms_rt.privacy.models import DataExport, ExportStatus
from lms_rt.privacy.retention import enforce_retention
from lms_rt.users.models import Role, User
from tests.factories import create_course, enroll, signed_in
from tests.files.helpers import png, upload
from tests.personal_data.helpers import fetch_zip, job_context, jobs_running, wait_for_export
from tests.quizzes.helpers import Clock

API = "/api/v1"


async def _chat(session: LiveSession, author: User, text: str) -> None:
    await LiveMessage.create(
        session_id=session.id,
        kind=MessageKind.QUESTION,
        author_id=author.id,
        author_name=author.full_name,
        text=text,
        created_at=session.created_at,
    )


async def test_the_export_holds_the_users_data_and_nobody_elses(client, tmp_path, monkeypatch):
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Astronomy")
    student, headers = await signed_in(client, full_name="Layla Export")
    other, other_headers = await signed_in(client, full_name="Someone Else")
    await enroll(client, student, course)
    await enroll(client, other, course)
    avatar = png(300)
    response = await upload(client, headers, avatar, filename="me.png")
    assert response.status == 201, await response.text()
    session = await LiveSession.create(
        kind=LiveKind.LESSON,
        course_id=course.id,
        host_id=teacher.id,
        title="Night sky",
        join_code="123456",
    )
    await _chat(session, student, "my question")
    await _chat(session, other, "their question")

    async with jobs_running(client, tmp_path):
        response = await client.post(f"{API}/users/me/export", headers=headers)
        assert response.status == 202, await response.text()
        export = await response.json()
        assert export["status"] == "pending" and export["download_path"] is None
        await wait_for_export(client, export["id"])

    [listed] = await (await client.get(f"{API}/users/me/exports", headers=headers)).json()
    assert listed["status"] == "ready" and listed["expires_at"]
    entries = await fetch_zip(client, listed["download_path"], headers)

    profile = json.loads(entries["profile.json"])
    assert profile["email"] == student.email and profile["full_name"] == "Layla Export"
    everything = b"".join(entries.values())
    assert b"password" not in everything.lower()
    assert student.password_hash.encode() not in everything
    assert other.email.encode() not in everything and b"their question" not in everything
    learning = json.loads(entries["learning.json"])
    assert [e["course__title"] for e in learning["enrollments"]] == ["Astronomy"]
    live = json.loads(entries["live_sessions.json"])
    assert [m["text"] for m in live["messages"]] == ["my question"]
    inbox = json.loads(entries["notifications.json"])
    assert any(n["type"] == "enrollment_confirmed" for n in inbox["notifications"])
    [entry] = json.loads(entries["files.json"])
    assert entry["original_name"] == "me.png" and entries[entry["entry"]] == avatar
    [graded] = json.loads(entries["grades.json"])
    assert graded["course_id"] == str(course.id) and "final_percentage" in json.dumps(graded)
    assert {"assessments.json", "certificates.json", "payments.json"} <= set(entries)
    # The user was told in the inbox (and by mail, as this type's default asks).
    assert await Notification.filter(user_id=student.id, type="data_export_ready").count() == 1

    # Nobody else can fetch it, not even by its id.
    response = await client.get(
        listed["download_path"], headers=other_headers, allow_redirects=False
    )
    assert response.status == 404
    assert await (await client.get(f"{API}/users/me/exports", headers=other_headers)).json() == []

    # After its window the file goes and the link answers 410.
    clock = Clock(client, monkeypatch)
    clock.move(hours=client.app[keys.SETTINGS].data_export_hours + 1)
    removed = await enforce_retention(job_context(client))
    assert removed["exports_expired"] == 1
    row = await DataExport.get(id=export["id"])
    assert row.status == ExportStatus.EXPIRED and row.file_id is None
    response = await client.get(listed["download_path"], headers=headers, allow_redirects=False)
    assert response.status == 410


async def test_one_export_is_prepared_at_a_time(client):
    student, headers = await signed_in(client)
    await DataExport.create(user_id=student.id)
    response = await client.post(f"{API}/users/me/export", headers=headers)
    assert response.status == 409
    assert await DataExport.filter(user_id=student.id).count() == 1
    response = await client.post(f"{API}/users/me/export")
    assert response.status == 401
