"""Each step of erasure, one assertion each, and the refusals around it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt import keys
from lms_rt.assignments.models import ArchiveStatus, Assignment, Submission, SubmissionArchive
from lms_rt.auth.models import AuthSession, OneTimeToken, TokenPurpose
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.numbers import new_number
from lms_rt.enrollments.models import Enrollment
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.live.models import LiveKind, LiveParticipant, LiveSession
from lms_rt.mail.models import SentMail
from lms_rt.payments.models import (
    Payment,
    PaymentStatus,
    Provider,
    StripeCustomer,
    WebhookEvent,
)
from lms_rt.privacy.erasure import DELETED_NAME, erase_due, erased_email
from lms_rt.privacy.exports import build_data_export
from lms_rt.privacy.models import DataExport, ErasureRequest, ExportStatus
from lms_rt.quizzes.models import Quiz, QuizAccommodation
from lms_rt.users.models import Role, User
from tests.factories import (
    DEFAULT_PASSWORD,
    course_lessons,
    create_course,
    enroll,
    login,
    signed_in,
)
from tests.personal_data.helpers import job_context

API = "/api/v1"


async def _certificate(enrollment: Enrollment, *, issued: bool) -> Certificate:
    return await Certificate.create(
        enrollment_id=enrollment.id,
        student_id=enrollment.student_id,
        course_id=enrollment.course_id,
        number=new_number("LMS", 2026),
        student_name="Nadia Steps",
        course_title="Course",
        instructor_name="Dr T",
        completion_date=datetime.now(UTC).date(),
        file_key=f"certificates/{enrollment.id}.pdf" if issued else None,
    )


async def _file(deps, owner_id, purpose: FilePurpose, key: str, **fields) -> StoredFile:
    await deps.storage.put(key, b"PK\x03\x04 bytes of " + key.encode(), "application/zip")
    return await StoredFile.create(
        owner_id=owner_id,
        key=key,
        original_name=key.rsplit("/", 1)[-1],
        content_type="application/zip",
        size=10,
        sha256="0" * 64,
        purpose=purpose,
        **fields,
    )


async def test_every_step_of_erasure_happens(client):
    deps = client.app[keys.DEPS]
    _admin, admin_headers = await signed_in(client, Role.ADMIN)
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Chemistry")
    other_course = await create_course(client, teacher, title="Physics")
    student = await User.create(
        email="nadia.steps@example.org",
        password_hash=await deps.auth.hasher.hash(DEFAULT_PASSWORD),
        full_name="Nadia Steps",
        role=Role.STUDENT,
    )
    tokens = await login(client, student.email)
    enrollment = await enroll(client, student, course)
    other_enrollment = await enroll(client, student, other_course)
    await Enrollment.filter(id=enrollment.id).update(review="Great, says Nadia", rating=5)
    await AuthSession.filter(user_id=student.id).update(ip="203.0.113.9", user_agent="NadiaPhone")
    await OneTimeToken.create(
        user_id=student.id,
        purpose=TokenPurpose.RESET_PASSWORD,
        token_hash="a" * 64,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    quiz = await Quiz.create(course_id=course.id, title="Q")
    await QuizAccommodation.create(quiz_id=quiz.id, student_id=student.id, extra_minutes=10)
    await StripeCustomer.create(user_id=student.id, customer_id="cus_nadia")
    session = await LiveSession.create(
        kind=LiveKind.QUIZ, course_id=course.id, host_id=teacher.id, title="L", join_code="777777"
    )
    await LiveParticipant.create(
        session_id=session.id,
        user_id=student.id,
        display_name="Nadia",
        joined_at=session.created_at,
    )
    [lesson, *_] = await course_lessons(course)
    assignment = await Assignment.create(
        course_id=course.id, lesson_id=lesson.id, title="Essay", submission_types=["text", "file"]
    )
    handed_in = await _file(deps, student.id, FilePurpose.SUBMISSION, f"uploads/{student.id}/s")
    await Submission.create(
        assignment_id=assignment.id,
        student_id=student.id,
        attempt=1,
        body="Nadia's essay",
        url="https://nadia.example.org",
        file_ids=[str(handed_in.id)],
        submitted_at=datetime.now(UTC),
    )
    zipped = await _file(
        deps, teacher.id, FilePurpose.SUBMISSION_ARCHIVE, "archives/a.zip", course_id=course.id
    )
    archive = await SubmissionArchive.create(
        assignment_id=assignment.id,
        requested_by_id=teacher.id,
        status=ArchiveStatus.READY,
        file_id=zipped.id,
    )
    await SentMail.create(key="m1", message_id="<m1>", recipient=student.email, template="t")
    payment = await Payment.create(
        provider=Provider.STRIPE,
        provider_reference="pi_nadia",
        user_id=student.id,
        course_id=course.id,
        amount=1000,
        currency="EGP",
        status=PaymentStatus.SUCCEEDED,
    )
    await WebhookEvent.create(
        provider=Provider.STRIPE,
        event_id="evt_nadia",
        type="payment_intent.succeeded",
        payload={
            "id": "evt_nadia",
            "data": {
                "object": {
                    "id": "pi_nadia",
                    "amount": 1000,
                    "currency": "egp",
                    "status": "succeeded",
                    "customer": "cus_nadia",
                    "billing_details": {"name": "Nadia Steps", "email": student.email},
                }
            },
        },
    )
    await WebhookEvent.create(
        provider=Provider.STRIPE,
        event_id="evt_other",
        type="payment_intent.succeeded",
        payload={"id": "evt_other", "data": {"object": {"id": "pi_other", "name": "Keep Me"}}},
    )
    pending_export = await DataExport.create(user_id=student.id)
    await deps.storage.put(f"certificates/{enrollment.id}.pdf", b"%PDF", "application/pdf")
    issued = await _certificate(enrollment, issued=True)
    unrendered = await _certificate(other_enrollment, issued=False)

    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "asked by mail"}, headers=admin_headers
    )
    assert response.status == 200, await response.text()

    # The account and its sign-in: refresh no longer works either.
    response = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status == 401
    assert await OneTimeToken.filter(user_id=student.id).count() == 0
    for row in await AuthSession.filter(user_id=student.id):
        assert (row.ip, row.user_agent) == ("", "")
    # Own records cleared.
    assert (await Enrollment.get(id=enrollment.id)).review is None
    submission = await Submission.get(student_id=student.id)
    assert (submission.body, submission.url, submission.file_ids) == ("", None, [])
    assert not await StoredFile.filter(id=handed_in.id).exists()
    assert await QuizAccommodation.filter(student_id=student.id).count() == 0
    assert await StripeCustomer.filter(user_id=student.id).count() == 0
    assert (await LiveParticipant.get(user_id=student.id)).display_name == DELETED_NAME
    # Traces elsewhere: the mail log, the provider's payload, staff's archive.
    assert (await SentMail.get(key="m1")).recipient == erased_email(student.id)
    scrubbed = (await WebhookEvent.get(event_id="evt_nadia")).payload
    assert "Nadia" not in str(scrubbed) and "cus_nadia" not in str(scrubbed)
    assert scrubbed["object_id"] == "pi_nadia" and scrubbed["amount"] == 1000
    assert "Keep Me" in str((await WebhookEvent.get(event_id="evt_other")).payload)
    assert (await Payment.get(id=payment.id)).amount == 1000
    archive = await SubmissionArchive.get(id=archive.id)
    assert archive.status == ArchiveStatus.FAILED and archive.file_id is None
    assert "erased" in archive.error
    assert not await StoredFile.filter(id=zipped.id).exists()
    assert not await deps.storage.exists(zipped.key)
    # A pending export fails and its job builds nothing.
    assert (await DataExport.get(id=pending_export.id)).status == ExportStatus.FAILED
    assert await build_data_export(job_context(client), str(pending_export.id)) == "nothing to do"
    # The issued certificate still verifies, nameless; the unrendered one never will.
    assert not await deps.storage.exists(f"certificates/{enrollment.id}.pdf")
    response = await client.get(f"{API}/certificates/verify/{issued.number}")
    assert response.status == 200
    assert (await response.json())["student_name"] is None
    response = await client.get(f"{API}/certificates/verify/{unrendered.number}")
    assert response.status == 404
    assert (await Certificate.get(id=unrendered.id)).holder_erased

    # An erased account cannot be changed or reactivated.
    response = await client.patch(
        f"{API}/users/{student.id}", json={"is_active": True}, headers=admin_headers
    )
    assert response.status == 409
    assert not (await User.get(id=student.id)).is_active
    assert teacher_headers  # the course owner kept their session and courses
    assert (await User.get(id=teacher.id)).erased_at is None


async def test_a_pending_export_job_stops_when_the_account_is_gone(client):
    student, _headers = await signed_in(client)
    export = await DataExport.create(user_id=student.id)
    await User.filter(id=student.id).update(erased_at=datetime.now(UTC))
    assert await build_data_export(job_context(client), str(export.id)) == "account erased"
    row = await DataExport.get(id=export.id)
    assert row.status == ExportStatus.FAILED and row.file_id is None


async def test_admins_and_course_owners_are_refused(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=admin_headers
    )
    assert response.status == 409, await response.text()
    assert "demote" in (await response.json())["error"]["message"]
    assert await ErasureRequest.filter(user_id=admin.id).count() == 0

    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    await create_course(client, teacher, title="Owned Geometry")
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=teacher_headers
    )
    assert response.status == 409
    assert "Owned Geometry" in (await response.json())["error"]["message"]
    response = await client.post(
        f"{API}/users/{teacher.id}/erase", json={"reason": "left us"}, headers=admin_headers
    )
    assert response.status == 409
    assert "Owned Geometry" in (await response.json())["error"]["message"]
    assert (await User.get(id=teacher.id)).erased_at is None


async def test_a_due_request_is_cancelled_when_the_user_became_an_admin(client, monkeypatch):
    from tests.quizzes.helpers import Clock

    clock = Clock(client, monkeypatch)
    user, headers = await signed_in(client)
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=headers
    )
    assert response.status == 202
    await User.filter(id=user.id).update(role=Role.ADMIN)
    clock.move(days=8)
    assert await erase_due(job_context(client)) == 0
    request = await ErasureRequest.get(user_id=user.id)
    assert request.cancelled_at is not None and request.completed_at is None
    assert "admin" in request.reason
    assert (await User.get(id=user.id)).erased_at is None


async def test_erase_due_goes_on_past_a_failing_request(client, monkeypatch):
    from lms_rt.privacy import erasure

    first, _ = await signed_in(client)
    second, _ = await signed_in(client)
    now = client.app[keys.DEPS].clock.now()
    for user in (first, second):
        await ErasureRequest.create(
            user_id=user.id, requested_by_id=user.id, requested_at=now, effective_at=now
        )
    real = erasure._erase_user

    async def failing_for_first(deps, effects, user):
        if user.id == first.id:
            raise RuntimeError("storage exploded")
        return await real(deps, effects, user)

    monkeypatch.setattr(erasure, "_erase_user", failing_for_first)
    assert await erase_due(job_context(client)) == 1
    assert (await User.get(id=first.id)).erased_at is None
    assert (await User.get(id=second.id)).erased_at is not None
    pending = await ErasureRequest.get(user_id=first.id)
    assert pending.completed_at is None and pending.cancelled_at is None


async def test_wrong_erasure_passwords_count_towards_the_sign_in_throttle(make_client):
    client = await make_client(login_failures_per_account="3/minute")
    user, headers = await signed_in(client)
    for _ in range(3):
        response = await client.post(
            f"{API}/users/me/erase", json={"password": "wrong"}, headers=headers
        )
        assert response.status == 403
    response = await client.post(
        f"{API}/users/me/erase", json={"password": DEFAULT_PASSWORD}, headers=headers
    )
    assert response.status == 429
    response = await client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 429
    assert await ErasureRequest.filter(user_id=user.id).count() == 0
