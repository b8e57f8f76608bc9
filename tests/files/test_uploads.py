"""Uploads on both storage backends: types from bytes, limits, quota, names, nothing half-kept."""

from __future__ import annotations

import hashlib

from lms_rt import keys
from lms_rt.files.models import StoredFile
from lms_rt.users.models import Role
from tests.factories import course_lessons, create_course, signed_in
from tests.files.helpers import (
    API,
    BOUNDARY,
    download,
    gif,
    is_s3,
    jpeg,
    mp3,
    mp4,
    multipart,
    ogg,
    pdf,
    pending_multipart_uploads,
    png,
    stored_objects,
    text,
    upload,
    uploaded,
    webm,
    webp,
    zip_archive,
)

MIB = 1024 * 1024


async def staffed_lesson(client):
    """An instructor's headers and a lesson of their published course."""
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    return headers, course, (await course_lessons(course))[0]


async def nothing_stored(client) -> None:
    assert await stored_objects(client) == []
    assert await pending_multipart_uploads(client) == []
    assert await StoredFile.all().count() == 0


async def test_an_avatar_is_stored_under_a_server_key_and_downloads_intact(files_client):
    client = await files_client()
    user, headers = await signed_in(client)
    data = png(5000)
    body = await uploaded(
        client, headers, data, filename="me.png", content_type="application/octet-stream"
    )
    assert body["purpose"] == "avatar"
    assert body["content_type"] == "image/png"
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["original_name"] == "me.png"
    row = await StoredFile.get(id=body["id"])
    assert row.key.startswith(f"uploads/{user.id}/") and "me" not in row.key.rsplit("/", 1)[1]
    assert await stored_objects(client) == [row.key]

    status, response_headers, content = await download(client, body["id"], headers)
    assert status == 200 and content == data
    assert response_headers["Content-Type"] == "image/png"
    assert response_headers["Content-Disposition"].startswith('attachment; filename="me.png"')


async def test_every_accepted_type_as_a_lesson_attachment(files_client):
    client = await files_client()
    headers, course, lesson = await staffed_lesson(client)
    samples = {
        "image/png": png(),
        "image/jpeg": jpeg(),
        "image/gif": gif(),
        "image/webp": webp(),
        "application/pdf": pdf(),
        "video/mp4": mp4(),
        "video/webm": webm(),
        "audio/mpeg": mp3(),
        "audio/ogg": ogg(),
        "application/zip": zip_archive(),
        "text/plain": text(),
    }
    for mime, data in samples.items():
        body = await uploaded(client, headers, data, purpose="lesson_attachment", lesson=lesson)
        assert body["content_type"] == mime
        assert (body["course_id"], body["lesson_id"]) == (str(course.id), str(lesson.id))


async def test_the_type_comes_from_the_bytes_not_the_name_or_the_header(files_client):
    client = await files_client()
    headers, _, lesson = await staffed_lesson(client)
    body = await uploaded(
        client,
        headers,
        pdf(),
        purpose="lesson_attachment",
        lesson=lesson,
        filename="picture.png",
        content_type="image/png",
    )
    assert body["content_type"] == "application/pdf"
    assert body["original_name"] == "picture.png"
    status, response_headers, _ = await download(client, body["id"], headers)
    assert status == 200
    assert response_headers["Content-Type"] == "application/pdf"
    # Saved with the extension of what it is, so the right program opens it.
    assert 'filename="picture.pdf"' in response_headers["Content-Disposition"]

    # The same bytes are no avatar, whatever they are called.
    response = await upload(
        client, headers, pdf(), filename="picture.png", content_type="image/png"
    )
    assert response.status == 415
    assert (await response.json())["error"]["code"] == "unsupported_media_type"


async def test_html_and_svg_disguised_as_pdf_or_png_are_refused_and_not_kept(files_client):
    client = await files_client()
    headers, _, lesson = await staffed_lesson(client)
    disguised = [
        (
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script>",
            "doc.pdf",
            "application/pdf",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "pic.png", "image/png"),
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "doc.pdf", "application/pdf"),
    ]
    for data, filename, content_type in disguised:
        for purpose in ("avatar", "lesson_attachment"):
            response = await upload(
                client,
                headers,
                data,
                purpose=purpose,
                lesson=lesson if purpose == "lesson_attachment" else None,
                filename=filename,
                content_type=content_type,
            )
            assert response.status == 415, (filename, purpose, await response.text())
    await nothing_stored(client)


async def test_text_that_turns_binary_later_is_refused_and_removed(files_client):
    """The first KiB looks like text; the check runs to the last byte, and the part already
    written is removed."""
    client = await files_client()
    headers, _, lesson = await staffed_lesson(client)
    data = text(300_000) + b"\x00\x01\x02 binary tail"
    response = await upload(client, headers, data, purpose="lesson_attachment", lesson=lesson)
    assert response.status == 415, await response.text()
    await nothing_stored(client)


async def test_over_the_size_limit_is_413_with_nothing_stored(files_client):
    client = await files_client(avatar_max_bytes=64 * 1024, upload_max_bytes=256 * 1024)
    headers, _, lesson = await staffed_lesson(client)
    response = await upload(client, headers, png(64 * 1024 + 1))
    assert response.status == 413
    body = await response.json()
    assert body["error"]["code"] == "too_large" and "64 KiB" in body["error"]["message"]
    response = await upload(
        client, headers, pdf(300 * 1024), purpose="lesson_attachment", lesson=lesson
    )
    assert response.status == 413
    await nothing_stored(client)
    # Exactly at the limit is fine.
    await uploaded(client, headers, png(64 * 1024))


async def test_a_declared_length_beyond_every_limit_is_refused_before_reading(files_client):
    client = await files_client(avatar_max_bytes=1024, upload_max_bytes=1024)
    _, headers = await signed_in(client)
    response = await upload(client, headers, png(200 * 1024))
    assert response.status == 413
    await nothing_stored(client)


async def test_the_quota_counts_every_stored_file(files_client):
    client = await files_client(user_quota_bytes=100 * 1024)
    user, headers = await signed_in(client)
    await uploaded(client, headers, png(60 * 1024))
    response = await upload(client, headers, png(60 * 1024))
    assert response.status == 413
    error = (await response.json())["error"]
    assert "quota" in error["message"] and error["details"][0]["reason"] == "quota"
    rows = await StoredFile.filter(owner_id=user.id)
    assert len(rows) == 1 and await stored_objects(client) == [rows[0].key]
    # What is left still fits; then the quota is full and the next byte is refused at once.
    await uploaded(client, headers, png(40 * 1024))
    response = await upload(client, headers, png(100))
    assert response.status == 413
    # Another user's quota is their own.
    _, other = await signed_in(client)
    await uploaded(client, other, png(60 * 1024))


async def test_large_files_stream_in_parts_and_come_back_whole(files_client):
    """Past 8 MiB S3 gets a multipart upload; locally it is one streamed file."""
    client = await files_client(upload_max_bytes=20 * MIB)
    headers, _, lesson = await staffed_lesson(client)
    data = zip_archive(17 * MIB + 12345)
    body = await uploaded(client, headers, data, purpose="lesson_attachment", lesson=lesson)
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    status, _, content = await download(client, body["id"], headers)
    assert status == 200 and content == data
    if is_s3(client):
        storage = client.app[keys.STORAGE]
        row = await StoredFile.get(id=body["id"])
        head = await storage.client.head_object(Bucket=storage.bucket, Key=row.key)
        # A multipart object's ETag ends with its part count: 8 + 8 + the rest.
        assert head["ETag"].strip('"').endswith("-3")


async def test_a_large_upload_refused_midway_leaves_no_parts(files_client):
    client = await files_client(upload_max_bytes=10 * MIB)
    headers, _, lesson = await staffed_lesson(client)
    response = await upload(
        client, headers, zip_archive(10 * MIB + 1), purpose="lesson_attachment", lesson=lesson
    )
    assert response.status == 413
    await nothing_stored(client)
    if is_s3(client):
        assert await pending_multipart_uploads(client) == []


async def test_filenames_are_neutralised(files_client):
    client = await files_client()
    _, headers = await signed_in(client)
    names = {
        "../../../etc/passwd.png": "passwd.png",
        "..\\..\\boot.ini.png": "boot.ini.png",
        "evil\x00.php.png": "evil.php.png",
        "a" * 296 + ".png": "a" * 251 + ".png",
        "photo\u202egnp.exe.png": "photognp.exe.png",
        "\u2067مرحبا\u2069 .png": "مرحبا .png",
    }
    for raw, expected in names.items():
        body = await uploaded(client, headers, png(), filename=raw)
        assert body["original_name"] == expected, raw
        row = await StoredFile.get(id=body["id"])
        assert "passwd" not in row.key and ".." not in row.key
        status, response_headers, _ = await download(client, body["id"], headers)
        assert status == 200
        disposition = response_headers["Content-Disposition"]
        assert disposition.isascii() and "\x00" not in disposition and "/" not in disposition
    long_name = "ملف" * 100 + ".png"
    body = await uploaded(client, headers, png(), filename=long_name)
    assert len(body["original_name"].encode()) <= 255 and body["original_name"].endswith(".png")


async def test_who_may_upload_where(files_client):
    client = await files_client()
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    draft = await create_course(client, teacher, published=False)
    lesson = (await course_lessons(course))[0]
    _, other_teacher = await signed_in(client, Role.INSTRUCTOR)
    _, student = await signed_in(client)

    ok = await upload(client, teacher_headers, png(), purpose="course_thumbnail", course=course)
    assert ok.status == 201
    # Someone else's published course: 403; their draft does not exist for you: 404.
    refused = await upload(client, other_teacher, png(), purpose="course_thumbnail", course=course)
    assert refused.status == 403
    hidden = await upload(client, other_teacher, png(), purpose="course_thumbnail", course=draft)
    assert hidden.status == 404
    attachment = await upload(client, student, pdf(), purpose="lesson_attachment", lesson=lesson)
    assert attachment.status == 403
    missing = await upload(client, teacher_headers, png(), purpose="course_thumbnail")
    assert missing.status == 422
    wrong_course = await upload(
        client, teacher_headers, pdf(), purpose="lesson_attachment", lesson=lesson, course=draft
    )
    assert wrong_course.status == 422
    certificate = await upload(client, student, pdf(), purpose="certificate")
    assert certificate.status == 422
    assert await StoredFile.all().count() == 1


async def test_malformed_forms(files_client):
    client = await files_client()
    _, headers = await signed_in(client)
    url = f"{API}/files/upload"
    content_type = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

    signed_out = await client.post(url, data=multipart([("purpose", "avatar")], data=png()))
    assert signed_out.status == 401
    as_json = await client.post(url, json={"purpose": "avatar"}, headers=headers)
    assert as_json.status == 415
    # The file must come last: its limits depend on the purpose before it.
    file_first = multipart([("purpose", "avatar")], data=png(), file_first=True)
    response = await client.post(url, data=file_first, headers={**headers, **content_type})
    assert response.status == 422
    no_file = multipart([("purpose", "avatar")], data=None)
    response = await client.post(url, data=no_file, headers={**headers, **content_type})
    assert response.status == 422
    unknown = multipart([("purpose", "avatar"), ("owner_id", "x")], data=png())
    response = await client.post(url, data=unknown, headers={**headers, **content_type})
    assert response.status == 422
    empty = await upload(client, headers, b"")
    assert empty.status == 422
    await nothing_stored(client)


async def test_a_quota_overrun_found_after_storing_removes_row_and_object(
    files_client, monkeypatch
):
    """Two uploads racing past the quota each pass the check before streaming; the check
    after storing (with the row in place) refuses the later one and removes what it wrote."""
    from lms_rt.files import service

    client = await files_client(user_quota_bytes=100 * 1024)
    _, headers = await signed_in(client)
    await uploaded(client, headers, png(60 * 1024))
    real_quota_used = service.quota_used
    calls = []

    async def stale_first_read(user_id):
        calls.append(user_id)
        # The first read happens before the other upload's row exists, as in a race.
        return 0 if len(calls) == 1 else await real_quota_used(user_id)

    monkeypatch.setattr(service, "quota_used", stale_first_read)
    response = await upload(client, headers, png(60 * 1024))
    assert response.status == 413, await response.text()
    assert len(calls) == 2
    assert await StoredFile.all().count() == 1
    assert len(await stored_objects(client)) == 1
