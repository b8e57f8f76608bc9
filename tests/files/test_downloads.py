"""Downloads on both backends: who may, signed links, ranges, and deleting."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from lms_rt import keys
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.files.models import StoredFile
from lms_rt.users.models import Role
from tests.factories import course_lessons, create_course, enroll, signed_in
from tests.files.helpers import (
    API,
    download,
    fetch,
    mp4,
    pdf,
    png,
    signed_url,
    sigv4_problems,
    stored_objects,
    text,
    uploaded,
)
from tests.harness.s3 import SECRET_ACCESS_KEY


async def course_with_attachment(client, *, published: bool = True):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, published=published)
    lesson = (await course_lessons(course))[0]
    data = pdf(3000)
    body = await uploaded(
        client, headers, data, purpose="lesson_attachment", lesson=lesson, filename="notes.pdf"
    )
    return headers, course, body, data


async def test_lesson_attachments_are_for_the_course_staff_and_its_students(files_client):
    client = await files_client()
    teacher_headers, course, attachment, data = await course_with_attachment(client)
    file_id = attachment["id"]

    _, outsider = await signed_in(client)
    for headers in (outsider, {}):
        assert (await client.get(f"{API}/files/{file_id}", headers=headers)).status == 404
        response = await client.get(
            f"{API}/files/download/{file_id}", headers=headers, allow_redirects=False
        )
        assert response.status == 404

    student, student_headers = await signed_in(client)
    await enroll(client, student, course)
    meta = await client.get(f"{API}/files/{file_id}", headers=student_headers)
    assert meta.status == 200 and (await meta.json())["original_name"] == "notes.pdf"
    status, headers, content = await download(client, file_id, student_headers)
    assert (status, content) == (200, data)
    assert headers["Content-Type"] == "application/pdf"

    # A completed course stays readable; a dropped one does not.
    await Enrollment.filter(student_id=student.id).update(status=EnrollmentStatus.COMPLETED)
    assert (await download(client, file_id, student_headers))[0] == 200
    await Enrollment.filter(student_id=student.id).update(status=EnrollmentStatus.DROPPED)
    response = await client.get(
        f"{API}/files/download/{file_id}", headers=student_headers, allow_redirects=False
    )
    assert response.status == 404

    assert (await download(client, file_id, teacher_headers))[0] == 200
    _, admin = await signed_in(client, Role.ADMIN)
    assert (await download(client, file_id, admin))[0] == 200


async def test_a_published_course_thumbnail_downloads_signed_out(files_client):
    client = await files_client()
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    draft = await create_course(client, teacher, published=False)
    data = png(4000)
    public = await uploaded(client, headers, data, purpose="course_thumbnail", course=course)
    hidden = await uploaded(client, headers, png(), purpose="course_thumbnail", course=draft)

    status, response_headers, content = await download(client, public["id"])
    assert (status, content) == (200, data)
    assert response_headers["Content-Type"] == "image/png"
    assert (await client.get(f"{API}/files/{public['id']}")).status == 200
    response = await client.get(f"{API}/files/download/{hidden['id']}", allow_redirects=False)
    assert response.status == 404
    assert (await download(client, hidden["id"], headers))[0] == 200


async def test_another_users_file_is_not_found(files_client):
    client = await files_client()
    _, owner = await signed_in(client)
    _, other = await signed_in(client)
    avatar = await uploaded(client, owner, png())
    for method, path in (
        ("GET", f"{API}/files/{avatar['id']}"),
        ("GET", f"{API}/files/download/{avatar['id']}"),
        ("DELETE", f"{API}/files/{avatar['id']}"),
    ):
        response = await client.request(method, path, headers=other, allow_redirects=False)
        assert response.status == 404, (method, path)
    assert (await client.get(f"{API}/files/not-a-uuid", headers=owner)).status == 404
    assert len(await stored_objects(client)) == 1


async def test_range_requests_get_206_with_the_right_bytes(files_client):
    client = await files_client()
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    lesson = (await course_lessons(course))[0]
    data = mp4(100_000)
    video = await uploaded(client, headers, data, purpose="lesson_attachment", lesson=lesson)
    url = await signed_url(client, video["id"], headers)
    status, response_headers, content = await fetch(client, url, {"Range": "bytes=1000-1999"})
    assert status == 206
    assert response_headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert content == data[1000:2000]
    status, response_headers, content = await fetch(client, url, {"Range": "bytes=-10"})
    assert (status, content) == (206, data[-10:])


async def test_local_links_are_attachments_that_must_not_be_sniffed(make_client):
    client = await make_client(storage_backend="local")
    _, headers = await signed_in(client)
    body = await uploaded(client, headers, png(), filename="Résumé photo.png")
    url = await signed_url(client, body["id"], headers)
    assert url.startswith("/files/signed/")
    status, response_headers, _ = await fetch(client, url)
    assert status == 200
    assert response_headers["X-Content-Type-Options"] == "nosniff"
    assert response_headers["Content-Disposition"] == (
        "attachment; filename=\"Resume photo.png\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20photo.png"
    )
    assert response_headers["Accept-Ranges"] == "bytes"


async def test_text_downloads_state_their_charset(files_client):
    client = await files_client()
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    lesson = (await course_lessons(course))[0]
    body = await uploaded(
        client, headers, text(), purpose="lesson_attachment", lesson=lesson, filename="page.html"
    )
    assert body["content_type"] == "text/plain"
    status, response_headers, _ = await download(client, body["id"], headers)
    assert status == 200
    assert response_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="page.html.txt"' in response_headers["Content-Disposition"]


async def test_tampered_or_expired_local_links_are_403(make_client, monkeypatch):
    client = await make_client(storage_backend="local")
    _, headers = await signed_in(client)
    body = await uploaded(client, headers, png())
    url = await signed_url(client, body["id"], headers)
    payload, signature = url.removeprefix("/files/signed/").split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    for bad in (
        f"/files/signed/{payload}.{flipped}",
        f"/files/signed/{payload[:-1]}.{signature}",
        f"/files/signed/{payload}",
    ):
        response = await client.get(bad)
        assert response.status == 403, bad
        assert (await response.json())["error"]["code"] == "forbidden"
    assert (await client.get(url)).status == 200

    clock = client.app[keys.DEPS].clock
    later = clock.now() + timedelta(seconds=client.app[keys.SETTINGS].download_url_seconds + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = await client.get(url)
    assert response.status == 403
    assert "expired" in (await response.json())["error"]["message"]


async def test_s3_links_are_short_lived_sigv4_presigned_gets(make_client, moto):
    moto.reset()
    client = await make_client(**moto.settings(), download_url_seconds=120)
    _, headers = await signed_in(client)
    body = await uploaded(client, headers, png(), filename="me.png")
    url = await signed_url(client, body["id"], headers)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["120"]
    assert query["response-content-type"] == ["image/png"]
    assert query["response-content-disposition"][0].startswith('attachment; filename="me.png"')

    now = time.time()
    assert sigv4_problems(url, SECRET_ACCESS_KEY, now) == []
    assert sigv4_problems(url, SECRET_ACCESS_KEY, now + 121) == ["expired"]
    other_key = url.replace("/uploads/", "/uploadz/", 1)
    assert "bad signature" in sigv4_problems(other_key, SECRET_ACCESS_KEY, now)
    inline = url.replace("attachment", "inline", 1)
    assert "bad signature" in sigv4_problems(inline, SECRET_ACCESS_KEY, now)
    assert "bad signature" in sigv4_problems(url, "another-secret", now)

    status, response_headers, _ = await fetch(client, url)
    assert status == 200
    assert response_headers["Content-Disposition"].startswith('attachment; filename="me.png"')


async def test_delete_removes_the_row_and_the_object(files_client):
    client = await files_client()
    _, owner_headers = await signed_in(client)
    avatar = await uploaded(client, owner_headers, png())
    kept = await uploaded(client, owner_headers, png())
    key = (await StoredFile.get(id=avatar["id"])).key

    response = await client.delete(f"{API}/files/{avatar['id']}", headers=owner_headers)
    assert response.status == 204
    assert not await client.app[keys.STORAGE].exists(key)
    assert await StoredFile.filter(id=avatar["id"]).count() == 0
    assert (await client.get(f"{API}/files/{avatar['id']}", headers=owner_headers)).status == 404
    assert await stored_objects(client) == [(await StoredFile.get(id=kept["id"])).key]

    # An admin may delete anyone's file.
    _, admin = await signed_in(client, Role.ADMIN)
    assert (await client.delete(f"{API}/files/{kept['id']}", headers=admin)).status == 204
    assert await stored_objects(client) == []


async def test_students_who_may_download_may_not_delete(files_client):
    client = await files_client()
    _, course, attachment, _ = await course_with_attachment(client)
    student, headers = await signed_in(client)
    await enroll(client, student, course)
    response = await client.delete(f"{API}/files/{attachment['id']}", headers=headers)
    assert response.status == 403
    assert len(await stored_objects(client)) == 1


async def test_my_files_is_a_page_of_your_own_files(files_client):
    client = await files_client()
    _, headers = await signed_in(client)
    _, other = await signed_in(client)
    ids = [(await uploaded(client, headers, png()))["id"] for _ in range(3)]
    await uploaded(client, other, png())
    response = await client.get(f"{API}/files/my-files?limit=2", headers=headers)
    assert response.status == 200
    page = await response.json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert len(page["items"]) == 2
    rest = await (
        await client.get(f"{API}/files/my-files?limit=2&offset=2", headers=headers)
    ).json()
    assert {item["id"] for item in page["items"] + rest["items"]} == set(ids)
    first = page["items"][0]
    assert first["download_url"] == f"{API}/files/download/{first['id']}"
    filtered = await client.get(f"{API}/files/my-files?purpose=lesson_attachment", headers=headers)
    assert (await filtered.json())["total"] == 0
    assert (await client.get(f"{API}/files/my-files")).status == 401


async def test_deleting_a_lesson_or_course_removes_its_files_objects(files_client):
    client = await files_client()
    headers, course, body, _ = await course_with_attachment(client, published=False)
    storage = client.app[keys.DEPS].storage
    row = await StoredFile.get(id=body["id"])
    assert await storage.exists(row.key)
    lesson = (await course_lessons(course))[0]
    response = await client.delete(
        f"{API}/courses/{course.id}/lessons/{lesson.id}", headers=headers
    )
    assert response.status == 204, await response.text()
    assert not await StoredFile.filter(id=row.id).exists()
    assert not await storage.exists(row.key)

    thumbnail = await uploaded(client, headers, png(), purpose="course_thumbnail", course=course)
    key = (await StoredFile.get(id=thumbnail["id"])).key
    response = await client.delete(f"{API}/courses/{course.id}", headers=headers)
    assert response.status == 204, await response.text()
    assert not await storage.exists(key)
