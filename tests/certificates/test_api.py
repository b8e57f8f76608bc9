"""The certificate API: who sees what, downloads, admin actions and public verification."""

from __future__ import annotations

import uuid
from urllib.parse import unquote

from lms_rt.certificates.models import Certificate
from lms_rt.users.models import Role, User
from tests.certificates.helpers import API, complete_course, error_of, issue, pdf_text
from tests.factories import complete_lesson, course_lessons, create_course, enroll, signed_in


async def issued(client, **kwargs):
    done = await complete_course(client, **kwargs)
    return done, await issue(client, done.enrollment)


# --- reading and downloading ---------------------------------------------------------------


async def test_owner_staff_and_admins_see_it_and_nobody_else_does(client):
    done, certificate = await issued(client, student_name="Zoë Ångström")
    _, admin = await signed_in(client, Role.ADMIN)
    _, other_student = await signed_in(client)
    _, other_teacher = await signed_in(client, Role.INSTRUCTOR)
    url = f"{API}/certificates/{certificate.id}"

    for headers in (done.headers, done.teacher_headers, admin):
        response = await client.get(url, headers=headers)
        assert response.status == 200, await response.text()
        body = await response.json()
        assert body["number"] == certificate.number
        assert body["status"] == "issued"
        assert body["download_url"] == f"{API}/certificates/{certificate.id}/download"
        response = await client.get(f"{url}/download", headers=headers)
        assert response.status == 200

    for headers in (other_student, other_teacher):
        assert await error_of(await client.get(url, headers=headers)) == (404, "not_found")
        download = await client.get(f"{url}/download", headers=headers)
        assert await error_of(download) == (404, "not_found")
    assert (await client.get(url)).status == 401
    assert (await client.get(f"{url}/download")).status == 401


async def test_download_is_a_pdf_attachment_with_a_safe_name(client):
    done, certificate = await issued(
        client, student_name="محمد أحمد", course_title='Arabic "calligraphy" / الخط العربي'
    )
    response = await client.get(
        f"{API}/certificates/{certificate.id}/download", headers=done.headers
    )
    assert response.status == 200
    assert response.content_type == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    assert disposition.startswith('attachment; filename="certificate-arabic-calligraphy')
    ascii_name = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_name.endswith(".pdf") and all(c.isalnum() or c in "-." for c in ascii_name)
    utf8_name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert utf8_name == 'Certificate - Arabic "calligraphy" - الخط العربي - محمد أحمد.pdf'
    assert "محمد أحمد" in pdf_text(await response.read())


async def test_a_certificate_still_rendering_is_listed_but_not_downloadable(client):
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=1)
    student, headers = await signed_in(client)
    enrollment = await enroll(client, student, course)
    certificate = await Certificate.create(
        enrollment_id=enrollment.id,
        student_id=student.id,
        course_id=course.id,
        number="LMS-2026-TEST-RENDERING",
        student_name=student.full_name,
        course_title=course.title,
        instructor_name=teacher.full_name,
        completion_date="2026-11-29",
    )
    body = await (await client.get(f"{API}/certificates/{certificate.id}", headers=headers)).json()
    assert (body["status"], body["download_url"]) == ("rendering", None)
    response = await client.get(f"{API}/certificates/{certificate.id}/download", headers=headers)
    assert await error_of(response) == (409, "conflict")
    # Not issued yet, so not verifiable either.
    verify = await client.get(f"{API}/certificates/verify/{certificate.number}")
    assert verify.status == 404


async def test_my_certificates_is_a_page_of_the_callers_own(client):
    first, _ = await issued(client)
    teacher = (first.teacher, first.teacher_headers)
    other = await complete_course(client, teacher=teacher)
    await issue(client, other.enrollment)
    # The same student completes a second course.
    course = await create_course(client, first.teacher, lessons=1, title="Second course")
    enrollment = await enroll(client, first.student, course)
    [lesson] = await course_lessons(course)
    await complete_lesson(client, first.student, enrollment, lesson)
    await issue(client, enrollment)

    url = f"{API}/certificates/my-certificates"
    body = await (await client.get(url, headers=first.headers)).json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 20, 0)
    assert {item["student_id"] for item in body["items"]} == {str(first.student.id)}
    page = await (await client.get(f"{url}?limit=1&offset=1", headers=first.headers)).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    assert page["items"][0]["id"] == body["items"][1]["id"]
    theirs = await (await client.get(url, headers=other.headers)).json()
    assert theirs["total"] == 1
    assert (await client.get(url)).status == 401
    for bad in ("limit=0", "limit=101", "offset=-1", "limit=x", "color=red"):
        response = await client.get(f"{url}?{bad}", headers=first.headers)
        assert await error_of(response) == (422, "invalid"), bad


async def test_unknown_or_malformed_ids_are_not_found(client):
    _, headers = await signed_in(client, Role.ADMIN)
    for certificate_id in (str(uuid.uuid4()), "not-a-uuid", "1%00"):
        for suffix in ("", "/download"):
            response = await client.get(
                f"{API}/certificates/{certificate_id}{suffix}", headers=headers
            )
            assert await error_of(response) == (404, "not_found")
        for action, body in (("revoke", {"reason": "x"}), ("reissue", None)):
            response = await client.post(
                f"{API}/certificates/{certificate_id}/{action}", json=body, headers=headers
            )
            assert await error_of(response) == (404, "not_found")


# --- revoke and reissue --------------------------------------------------------------------


async def test_only_admins_revoke_or_reissue(client):
    done, certificate = await issued(client)
    base = f"{API}/certificates/{certificate.id}"
    for headers in (done.headers, done.teacher_headers):
        response = await client.post(f"{base}/revoke", json={"reason": "x"}, headers=headers)
        assert await error_of(response) == (403, "forbidden")
        response = await client.post(f"{base}/reissue", headers=headers)
        assert await error_of(response) == (403, "forbidden")
    assert (await client.post(f"{base}/revoke", json={"reason": "x"})).status == 401
    assert not (await Certificate.get(id=certificate.id)).is_revoked


async def test_revoke_needs_a_reason_and_happens_once(client):
    done, certificate = await issued(client)
    _, admin = await signed_in(client, Role.ADMIN)
    url = f"{API}/certificates/{certificate.id}/revoke"
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x", "a": 1}):
        response = await client.post(url, json=body, headers=admin)
        assert await error_of(response) == (422, "invalid"), body
    response = await client.post(
        url, data="{", headers={**admin, "Content-Type": "application/json"}
    )
    assert await error_of(response) == (400, "bad_request")
    response = await client.post(url, data="reason=x", headers=admin)
    assert (await error_of(response))[0] == 415

    response = await client.post(url, json={"reason": "Academic misconduct"}, headers=admin)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["status"], body["revoke_reason"], body["download_url"]) == (
        "revoked",
        "Academic misconduct",
        None,
    )
    assert body["revoked_at"] is not None
    response = await client.post(url, json={"reason": "again"}, headers=admin)
    assert await error_of(response) == (409, "conflict")
    # A revoked certificate cannot be reissued, and its PDF is gone for everyone.
    response = await client.post(f"{API}/certificates/{certificate.id}/reissue", headers=admin)
    assert await error_of(response) == (409, "conflict")
    for headers in (done.headers, admin):
        response = await client.get(
            f"{API}/certificates/{certificate.id}/download", headers=headers
        )
        assert await error_of(response) == (410, "gone")


async def test_reissue_prints_the_current_name_and_keeps_the_number(client):
    done, certificate = await issued(client, student_name="Zoe Angstrom")
    _, admin = await signed_in(client, Role.ADMIN)
    await User.filter(id=done.student.id).update(full_name="Zoë Ångström")

    response = await client.post(f"{API}/certificates/{certificate.id}/reissue", headers=admin)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["number"], body["student_name"], body["status"]) == (
        certificate.number,
        "Zoë Ångström",
        "issued",
    )
    download = await client.get(
        f"{API}/certificates/{certificate.id}/download", headers=done.headers
    )
    text = pdf_text(await download.read())
    assert "Zoë Ångström" in text and "Zoe Angstrom" not in text and certificate.number in text
    verify = await (await client.get(f"{API}/certificates/verify/{certificate.number}")).json()
    assert verify["student_name"] == "Zoë Ångström"
    assert await Certificate.all().count() == 1
