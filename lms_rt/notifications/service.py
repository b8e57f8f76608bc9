"""Creating notifications where the domains ask for them, as each user prefers.

Called inside the domain's own transaction: the rows commit with what they announce, and
the live ``notification.created`` push and any mail go out only after that commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from lms_rt.db import PostCommit
from lms_rt.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationType,
)

# What a type does when its user has not said otherwise.
DEFAULT_DELIVERY: dict[NotificationType, Delivery] = {
    NotificationType.ENROLLMENT_CONFIRMED: Delivery.INBOX,
    NotificationType.GRADE_RELEASED: Delivery.INBOX,
    NotificationType.SUBMISSION_RETURNED: Delivery.BOTH,
    NotificationType.CERTIFICATE_ISSUED: Delivery.INBOX,
    NotificationType.PAYMENT_RESULT: Delivery.INBOX,
    NotificationType.ANNOUNCEMENT: Delivery.BOTH,
    NotificationType.LIVE_SESSION_STARTING: Delivery.INBOX,
    NotificationType.DATA_EXPORT_READY: Delivery.BOTH,
}


async def deliveries(
    user_ids: Sequence[uuid.UUID], kind: NotificationType
) -> dict[uuid.UUID, Delivery]:
    chosen = dict(
        await NotificationPreference.filter(user_id__in=list(user_ids), type=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY[kind]
    return {u: Delivery(chosen.get(u, default)) for u in user_ids}


def out(n: Notification) -> dict[str, Any]:
    return {
        "id": str(n.id),
        "type": n.type.value,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "data": n.data,
        "created_at": n.created_at.isoformat() if n.created_at else None,
        "read_at": n.read_at.isoformat() if n.read_at else None,
    }


async def notify(
    effects: PostCommit,
    user_ids: Sequence[uuid.UUID],
    kind: NotificationType,
    title: str,
    body: str = "",
    link: str = "",
    data: dict[str, Any] | None = None,
    *,
    key: str,
    emails: dict[uuid.UUID, str] | None = None,
) -> list[Notification]:
    """One notification per user as they prefer (inbox row and live push, and/or a mail).

    ``key`` names the occasion: with the user it forms each mail's key, so a repeat sends none.
    """
    wanted = await deliveries(user_ids, kind)
    rows = [
        Notification(user_id=u, type=kind, title=title, body=body, link=link, data=data or {})
        for u, how in wanted.items()
        if how in (Delivery.INBOX, Delivery.BOTH)
    ]
    if rows:
        await Notification.bulk_create(rows, batch_size=500)
    for row in rows:
        effects.publish(f"user:{row.user_id}", "notification.created", out(row))
    for user_id, how in wanted.items():
        address = (emails or {}).get(user_id)
        if how in (Delivery.EMAIL, Delivery.BOTH) and address:
            mail_key = f"notification:{key}:{user_id}"
            effects.enqueue(
                "send_email",
                address,
                "notification",
                {
                    "title": title,
                    "body": body,
                    "link": effects.deps.settings.base_url.rstrip("/") + link if link else "",
                },
                mail_key,
                job_id=mail_key,
            )
    return rows
