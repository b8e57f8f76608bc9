"""How long raw records are kept: a daily job deletes what is older than each setting.

- live-session logs: attendance stretches and individual answers of sessions that ended
  ``retention_live_log_days`` ago (participants' totals and results stay);
- chat and Q&A messages (with their upvotes) older than ``retention_chat_days``;
- notifications older than ``retention_notification_days``;
- the mail log (who was sent what) older than ``retention_sent_mail_days``;
- payment providers' event payloads, processed more than ``retention_webhook_payload_days``
  ago, cut down to ids, type, amount, currency and status;
- data exports past their download window (their files).

A setting of 0 keeps those records forever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lms_rt.deps import Deps
from lms_rt.live.models import LiveAnswer, LiveAttendance, LiveMessage, LiveSession, LiveState
from lms_rt.mail.models import SentMail
from lms_rt.notifications.models import Notification
from lms_rt.privacy.exports import expire_exports
from lms_rt.privacy.traces import scrub_processed_payloads


async def enforce_retention(ctx: dict[str, Any]) -> dict[str, int]:
    deps: Deps = ctx["deps"]
    settings = deps.settings
    now = deps.clock.now()
    removed = dict.fromkeys(
        (
            "live_answers",
            "live_attendance",
            "chat_messages",
            "notifications",
            "sent_mail",
            "webhook_payloads",
        ),
        0,
    )
    if settings.retention_live_log_days:
        cutoff = now - timedelta(days=settings.retention_live_log_days)
        old_sessions = LiveSession.filter(state=LiveState.ENDED, ended_at__lt=cutoff)
        ids = await old_sessions.values_list("id", flat=True)
        if ids:
            removed["live_answers"] = await LiveAnswer.filter(session_id__in=ids).delete()
            removed["live_attendance"] = await LiveAttendance.filter(session_id__in=ids).delete()
    if settings.retention_chat_days:
        cutoff = now - timedelta(days=settings.retention_chat_days)
        removed["chat_messages"] = await LiveMessage.filter(created_at__lt=cutoff).delete()
    if settings.retention_notification_days:
        cutoff = now - timedelta(days=settings.retention_notification_days)
        removed["notifications"] = await Notification.filter(created_at__lt=cutoff).delete()
    if settings.retention_sent_mail_days:
        cutoff = now - timedelta(days=settings.retention_sent_mail_days)
        removed["sent_mail"] = await SentMail.filter(sent_at__lt=cutoff).delete()
    if settings.retention_webhook_payload_days:
        cutoff = now - timedelta(days=settings.retention_webhook_payload_days)
        removed["webhook_payloads"] = await scrub_processed_payloads(cutoff)
    removed["exports_expired"] = await expire_exports(deps)
    return removed
