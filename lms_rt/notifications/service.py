"""Creating notifications where the domains ask for them, as each user prefers.

Called inside the domain's own transaction: the rows commit with what they announce, and
the live ``notification.created`` push and any mail go out only after that commit.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from lms_rt.db import PostCommit
from lms_rt.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationType,
)
from lms_rt.users.models import User

# The title column's length. Callers put a prefix before titles that may be this long already.
TITLE_MAX = 200
ELLIPSIS = "…"

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
INBOX = (Delivery.INBOX, Delivery.BOTH)
EMAIL = (Delivery.EMAIL, Delivery.BOTH)


def fit_title(text: str) -> str:
    """``text`` cut to the column with an ellipsis; a base character is never parted from
    the combining marks that follow it."""
    if len(text) <= TITLE_MAX:
        return text
    cut = TITLE_MAX - len(ELLIPSIS)
    while cut > 0 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


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


async def addresses(user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Where to mail these users, in one query; erased accounts have no address."""
    if not user_ids:
        return {}
    return dict(await User.filter(id__in=list(user_ids), erased_at=None).values_list("id", "email"))


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
    in_inbox_already: Collection[uuid.UUID] = (),
) -> list[Notification]:
    """One notification per user as they prefer (inbox row and live push, and/or a mail).

    ``key`` names the occasion: with the user it forms each mail's key, so a repeat sends none.
    Users ``in_inbox_already`` (a delivery run again) get no second row; their mail is
    queued again under its key, in case the first run stopped before queueing it.
    """
    title = fit_title(title)
    wanted = await deliveries(user_ids, kind)
    rows = [
        Notification(user_id=u, type=kind, title=title, body=body, link=link, data=data or {})
        for u, how in wanted.items()
        if how in INBOX and u not in in_inbox_already
    ]
    if rows:
        await Notification.bulk_create(rows, batch_size=500)
    for row in rows:
        effects.publish(f"user:{row.user_id}", "notification.created", out(row))
    mailed = await addresses([u for u, how in wanted.items() if how in EMAIL])
    context = {
        "title": title,
        "body": body,
        "link": effects.deps.settings.base_url.rstrip("/") + link if link else "",
    }
    for user_id, address in mailed.items():
        mail_key = f"notification:{key}:{user_id}"
        effects.enqueue(
            "send_email", address, "notification", dict(context), mail_key, job_id=mail_key
        )
    return rows
