"""``certificate.issued`` reaches the student's own channel over a real ``/ws``."""

from __future__ import annotations

from lms_rt import keys
from tests.certificates.helpers import complete_course, issue
from tests.factories import access_token, signed_in
from tests.harness.ws import WsClient
from tests.quizzes.helpers import socket


async def test_certificate_issued_reaches_the_student_over_the_socket(client):
    student, headers = await signed_in(client, full_name="محمد أحمد")
    channel = f"user:{student.id}"
    # Subscribed before completing: the embedded runner may issue as soon as completion commits.
    ws = await socket(client, headers, channel)
    try:
        done = await complete_course(client, student=(student, headers), course_title="Rust 101")
        certificate = await issue(client, done.enrollment)
        seen = []
        while True:
            frame = await ws.expect("event")
            seen.append(frame["type"])
            if frame["type"] == "certificate.issued":
                break
        # Completion is announced first; the certificate follows once it can be downloaded.
        assert "enrollment.completed" in seen
        base_url = client.app[keys.SETTINGS].base_url
        assert frame["channel"] == channel
        assert frame["data"] == {
            "certificate_id": str(certificate.id),
            "number": certificate.number,
            "enrollment_id": str(done.enrollment.id),
            "course_id": str(done.course.id),
            "course_title": "Rust 101",
            "verify_url": f"{base_url}/verify/{certificate.number}",
            "download_url": f"{base_url}/api/v1/certificates/{certificate.id}/download",
        }
    finally:
        await ws.close()


async def test_nobody_else_may_listen_on_the_students_channel(client):
    student, _ = await signed_in(client)
    _, other = await signed_in(client)
    ws = WsClient(await client.ws_connect("/ws"))
    try:
        await ws.auth(access_token(other))
        frame = await ws.sub(f"user:{student.id}")
        assert (frame["op"], frame["code"]) == ("error", "forbidden")
    finally:
        await ws.close()
