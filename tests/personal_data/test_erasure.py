"""Erasure: asked for with the password, cancellable through a cooling-off period, or done at
once by an admin. Afterwards nothing names the person; what others need stays, anonymised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt import keys
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.numbers import new_number
from lms_rt.enrollments.models import Enrollment
from lms_rt.files.models import StoredFile
from lms_rt.live.models import LiveKind, LiveMessage, LiveSession, MessageKind
from lms_rt.notifications.models import Notification
from lms_rt.payments.models import Payment, PaymentStatus, Provider
from lms_rt.privacy.erasure import DELETED_NAME, erase_due
from lms_rt.privacy.models import ErasureRequest
from lms_rt.users.models import Role, User
from tests.factories import DEFAULT_PASSWORD, create_course, enroll, signed_in
from tests.files.helpers import png, upload
from tests.personal_data.helpers import job_context
from tests.quizzes.helpers import Clock, socket

API = "/api/v1"


async def _certificate(enrollment: Enrollment, name: str) -> Certificate:
    return await Certificate.create(
        enrollment_id=enrollment.id,
        student_id=enrollment.student_id,
        course_id=enrollment.course_id,
        number=new_number("LMS", 2026),
        student_name=name,
        course_title="Geology",
        instructor_name="Dr Rock",
        completion_date=datetime.now(UTC).date(),
        file_key=f"certificates/{enrollment.id}.pdf",
    )


async def test_own_request_waits_can_be_cancelled_then_erases(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    deps = client.app[keys.DEPS]
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Geology")
    student, headers = await signed_in(client, full_name="Mona Private")
    enrollment = await enroll(client, student, course)
    response = await upload(client, headers, png(), filename="face.png")
    avatar = await StoredFile.get(id=(await response.json())["id"])
    await deps.storage.put(f"certificates/{enrollment.id}.pdf", b"%PDF-1.7 Mona", "application/pdf")
    certificate = await _certificate(enrollment, "Mona Private")
    session = await LiveSession.create(
        kind=LiveKind.LESSON,
        course_id=course.id,
        host_id=teacher.id,
        title="Rocks",
        join_code="654321",
    )
    message = await LiveMessage.create(
        session_id=session.id,
        kind=MessageKind.CHAT,
        author_id=student.id,
        author_name=student.full_name,
        text="hello",
        created_at=clock.at,
    )
    payment = await Payment.create(
        provider=Provider.STRIPE,
        user_id=student.id,
        course_id=course.id,
        amount=1000,
        currency="USD",
        status=PaymentStatus.SUCCEEDED,
    )

    response = await client.post(
        f"{API}/users/me/erase", json={"password": "wrong"}, headers=headers
    )
    assert response.status == 403
    assert await ErasureRequest.filter(user_id=student.id).count() == 0
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=headers
    )
    assert response.status == 202, await response.text()
    first = await response.json()
    assert datetime.fromisoformat(first["effective_at"]) == clock.at + timedelta(days=7)
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=headers
    )
    assert response.status == 409
    response = await client.delete(f"{API}/users/me/erase", headers=headers)
    assert response.status == 200 and (await response.json())["cancelled_at"]
    assert (await client.get(f"{API}/users/me/erase", headers=headers)).status == 404
    clock.move(days=8)
    assert await erase_due(job_context(client)) == 0  # cancelled: nothing happens

    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=headers
    )
    assert response.status == 202
    assert (await client.get(f"{API}/users/me/erase", headers=headers)).status == 200
    clock.move(days=6)
    assert await erase_due(job_context(client)) == 0  # still cooling off
    ws = await socket(client, headers, f"user:{student.id}")
    clock.move(days=1, seconds=1)
    assert await erase_due(job_context(client)) == 1

    # Sessions and sockets end; the old credentials open nothing.
    assert await ws.closed_with() == 4401
    assert (await client.get(f"{API}/users/me", headers=headers)).status == 401
    response = await client.post(
        f"{API}/auth/login", json={"email": student.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 401
    erased = await User.get(id=student.id)
    assert erased.full_name == DELETED_NAME and erased.email.endswith("@erased.invalid")
    assert erased.erased_at is not None and not erased.is_active and erased.profile == {}
    # The address is free again.
    response = await client.post(
        f"{API}/auth/register",
        json={"email": student.email, "password": DEFAULT_PASSWORD, "full_name": "New Mona"},
    )
    assert response.status == 201, await response.text()

    # Files gone, objects included; inbox gone.
    assert not await StoredFile.filter(id=avatar.id).exists()
    assert not await deps.storage.exists(avatar.key)
    assert not await deps.storage.exists(f"certificates/{enrollment.id}.pdf")
    assert await Notification.filter(user_id=student.id).count() == 0
    # Kept for others, with no name: enrollment, payment, chat, certificate.
    assert await Enrollment.filter(id=enrollment.id).exists()
    assert (await Payment.get(id=payment.id)).user_id == student.id
    assert (await LiveMessage.get(id=message.id)).author_name == DELETED_NAME
    response = await client.get(f"{API}/certificates/verify/{certificate.number}")
    assert response.status == 200, await response.text()
    verified = await response.json()
    assert verified["valid"] is True and verified["student_name"] is None
    page = await (await client.get(f"/verify/{certificate.number}")).text()
    assert "Mona" not in page and "Name withheld" in page


async def test_admins_erase_at_once_with_a_reason(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    student, headers = await signed_in(client, full_name="Omar Gone")
    other, other_headers = await signed_in(client)

    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "court order"}, headers=other_headers
    )
    assert response.status == 403
    response = await client.post(
        f"{API}/users/{admin.id}/erase", json={"reason": "myself"}, headers=admin_headers
    )
    assert response.status == 409
    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": ""}, headers=admin_headers
    )
    assert response.status == 422
    assert (await User.get(id=student.id)).erased_at is None

    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "court order"}, headers=admin_headers
    )
    assert response.status == 200, await response.text()
    done = await response.json()
    assert done["completed_at"] and done["by_admin"] and done["reason"] == "court order"
    assert (await User.get(id=student.id)).full_name == DELETED_NAME
    assert (await client.get(f"{API}/users/me", headers=headers)).status == 401
    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "again"}, headers=admin_headers
    )
    assert response.status == 404
    assert (await User.get(id=other.id)).erased_at is None
