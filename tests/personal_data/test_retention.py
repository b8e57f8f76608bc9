"""The daily retention job deletes raw records past their settings and nothing younger."""

from __future__ import annotations

from datetime import timedelta

from lms_rt import keys
from lms_rt.live.models import (
    LiveAnswer,
    LiveAttendance,
    LiveKind,
    LiveMessage,
    LiveParticipant,
    LiveSession,
    LiveState,
    MessageKind,
)
from lms_rt.mail.models import SentMail
from lms_rt.notifications.models import Notification, NotificationType
from lms_rt.payments.models import Provider, WebhookEvent
from lms_rt.privacy.retention import enforce_retention
from lms_rt.users.models import Role
from tests.factories import create_course, signed_in
from tests.personal_data.helpers import job_context


async def _session_ended(course, host, student, ended_at, code: str) -> LiveSession:
    session = await LiveSession.create(
        kind=LiveKind.QUIZ,
        course_id=course.id,
        host_id=host.id,
        title=f"Quiz {code}",
        join_code=code,
        state=LiveState.ENDED,
        ended_at=ended_at,
    )
    participant = await LiveParticipant.create(
        session_id=session.id, user_id=student.id, display_name="S", joined_at=ended_at, score=700
    )
    await LiveAnswer.create(
        session_id=session.id,
        question_id=session.id,
        question_index=0,
        participant_id=participant.id,
        choice={"value": "a"},
        received_at=ended_at,
        elapsed_ms=900,
        correct=True,
        points=700,
    )
    await LiveAttendance.create(session_id=session.id, user_id=student.id, joined_at=ended_at)
    await LiveMessage.create(
        session_id=session.id,
        kind=MessageKind.CHAT,
        author_id=student.id,
        author_name="S",
        text="hi",
        created_at=ended_at,
    )
    return session


async def _notification(user, at) -> None:
    row = await Notification.create(user_id=user.id, type=NotificationType.ANNOUNCEMENT, title="t")
    await Notification.filter(id=row.id).update(created_at=at)


async def _world(client):
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    student, _ = await signed_in(client)
    course = await create_course(client, teacher)
    now = client.app[keys.DEPS].clock.now()
    old = await _session_ended(course, teacher, student, now - timedelta(days=400), "111111")
    recent = await _session_ended(course, teacher, student, now - timedelta(days=10), "222222")
    await _notification(student, now - timedelta(days=400))
    await _notification(student, now - timedelta(days=3))
    for key, days in (("old-mail", 400), ("new-mail", 3)):
        await SentMail.create(key=key, message_id=key, recipient=student.email, template="t")
        await SentMail.filter(key=key).update(sent_at=now - timedelta(days=days))
    for event_id, days in (("evt_old", 100), ("evt_new", 3)):
        await WebhookEvent.create(
            provider=Provider.STRIPE,
            event_id=event_id,
            type="payment_intent.succeeded",
            payload=_stripe_payload(event_id),
            processed_at=now - timedelta(days=days),
        )
    return student, old, recent


def _stripe_payload(event_id: str) -> dict:
    return {
        "id": event_id,
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": f"pi_{event_id}",
                "amount": 15000,
                "currency": "egp",
                "status": "succeeded",
                "billing_details": {"name": "Mona Billing", "address": {"line1": "1 Nile St"}},
            }
        },
    }


async def test_old_logs_chat_and_notifications_go(client):
    student, old, recent = await _world(client)
    removed = await enforce_retention(job_context(client))
    assert removed == {
        "live_answers": 1,
        "live_attendance": 1,
        "chat_messages": 1,
        "notifications": 1,
        "sent_mail": 1,
        "webhook_payloads": 1,
        "exports_expired": 0,
    }
    assert await LiveAnswer.filter(session_id=old.id).count() == 0
    assert await LiveAttendance.filter(session_id=old.id).count() == 0
    assert await LiveMessage.filter(session_id=old.id).count() == 0
    # Results stay: the participant's total is not a raw log.
    assert (await LiveParticipant.get(session_id=old.id)).score == 700
    for model in (LiveAnswer, LiveAttendance, LiveMessage):
        assert await model.filter(session_id=recent.id).count() == 1
    assert await Notification.filter(user_id=student.id).count() == 1
    assert await SentMail.filter(key="old-mail").count() == 0
    assert await SentMail.filter(key="new-mail").count() == 1
    old_event = await WebhookEvent.get(event_id="evt_old")
    assert old_event.payload == {
        "scrubbed": True,
        "id": "evt_old",
        "type": "payment_intent.succeeded",
        "object_id": "pi_evt_old",
        "amount": 15000,
        "currency": "egp",
        "status": "succeeded",
    }
    assert "Mona Billing" in str((await WebhookEvent.get(event_id="evt_new")).payload)
    # A second run finds nothing more.
    again = await enforce_retention(job_context(client))
    assert sum(again.values()) == 0


async def test_zero_keeps_everything(make_client):
    client = await make_client(
        retention_live_log_days=0,
        retention_chat_days=0,
        retention_notification_days=0,
        retention_sent_mail_days=0,
        retention_webhook_payload_days=0,
    )
    student, old, _ = await _world(client)
    removed = await enforce_retention(job_context(client))
    assert sum(removed.values()) == 0
    assert await LiveAnswer.filter(session_id=old.id).count() == 1
    assert await Notification.filter(user_id=student.id).count() == 2
    assert await SentMail.all().count() == 2
    assert "Mona Billing" in str((await WebhookEvent.get(event_id="evt_old")).payload)
