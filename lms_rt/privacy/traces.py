"""Personal data about a user kept in rows that are not theirs: the mail log, payment
providers' webhook payloads and the ZIPs of submissions staff asked for.

Erasure rewrites or deletes these in its transaction; retention trims the first two.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from lms_rt.assignments.models import ArchiveStatus, Submission, SubmissionArchive
from lms_rt.files.models import StoredFile
from lms_rt.mail.models import SentMail
from lms_rt.payments.models import Payment, StripeCustomer, Subscription, WebhookEvent

SCRUBBED = "scrubbed"
ARCHIVE_ERASED = (
    "Deleted because a student's personal data was erased; ask for a new archive to rebuild it"
)
BATCH = 500
_AMOUNT = ("amount", "amount_paid", "amount_received", "InvoiceValue", "InvoiceDisplayValue")
_CURRENCY = ("currency", "Currency", "PaidCurrency", "DisplayCurrencyIso")
_STATUS = ("status", "InvoiceStatus", "TransactionStatus")
_OBJECT_ID = ("id", "InvoiceId", "PaymentId")


async def rewrite_sent_mail(old_address: str, new_address: str) -> int:
    return await SentMail.filter(recipient__iexact=old_address).update(recipient=new_address)


def _first(source: dict[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = source.get(name)
        if isinstance(value, str | int | float | bool):
            return value
    return None


def _payload_object(payload: dict[str, Any]) -> dict[str, Any]:
    """Stripe nests the object under ``data.object``; MyFatoorah under ``Data``."""
    data = payload.get("data")
    if isinstance(data, dict) and isinstance(data.get("object"), dict):
        return data["object"]
    for key in ("Data", "data"):
        if isinstance(payload.get(key), dict):
            return payload[key]
    return payload


def minimal_payload(event: WebhookEvent) -> dict[str, Any]:
    """Ids, type, amount, currency and status: enough to account for the event, nobody's
    name, address or card details."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    found = _payload_object(payload)
    return {
        SCRUBBED: True,
        "id": event.event_id,
        "type": event.type,
        "object_id": _first(found, _OBJECT_ID),
        "amount": _first(found, _AMOUNT),
        "currency": _first(found, _CURRENCY),
        "status": _first(found, _STATUS),
    }


def is_scrubbed(payload: Any) -> bool:
    return isinstance(payload, dict) and payload.get(SCRUBBED) is True


def _mentions(value: Any, wanted: set[str], depth: int = 0) -> bool:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value) in wanted
    if depth > 8:
        return False
    if isinstance(value, dict):
        return any(_mentions(item, wanted, depth + 1) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, wanted, depth + 1) for item in value)
    return False


async def _provider_ids(user_id: uuid.UUID) -> set[str]:
    """Every identifier a provider's event about this user's payments carries."""
    payments = await Payment.filter(user_id=user_id).values_list("id", "provider_reference")
    subscriptions = await Subscription.filter(user_id=user_id).values_list(
        "id", "provider_subscription_id", "provider_customer_id"
    )
    customers = await StripeCustomer.filter(user_id=user_id).values_list("customer_id", flat=True)
    wanted = {str(user_id), *(str(c) for c in customers)}
    for row in [*payments, *subscriptions]:
        wanted.update(str(value) for value in row if value)
    return wanted


async def scrub_webhook_payloads(user_id: uuid.UUID) -> int:
    """Replace the payload of every stored event that names one of the user's payments,
    subscriptions or customer ids. Events carry no user column, so this reads them in
    batches; payload retention keeps the unscrubbed set small."""
    wanted = await _provider_ids(user_id)
    if len(wanted) <= 1:
        return 0
    scrubbed = 0
    offset = 0
    while True:
        rows = await WebhookEvent.all().order_by("received_at", "id").offset(offset).limit(BATCH)
        for row in rows:
            if not is_scrubbed(row.payload) and _mentions(row.payload, wanted):
                await WebhookEvent.filter(id=row.id).update(payload=minimal_payload(row))
                scrubbed += 1
        if len(rows) < BATCH:
            return scrubbed
        offset += BATCH


async def scrub_processed_payloads(before: datetime) -> int:
    """Retention: events processed before ``before`` keep only their minimal payload."""
    scrubbed = 0
    offset = 0
    while True:
        batch = (
            await WebhookEvent.filter(processed_at__lt=before)
            .order_by("processed_at", "id")
            .offset(offset)
            .limit(BATCH)
        )
        for row in batch:
            if not is_scrubbed(row.payload):
                await WebhookEvent.filter(id=row.id).update(payload=minimal_payload(row))
                scrubbed += 1
        if len(batch) < BATCH:
            return scrubbed
        offset += BATCH


async def drop_submission_archives(user_id: uuid.UUID) -> list[str]:
    """Delete the stored ZIPs of every assignment the user handed in to (they hold the
    student's name, files and text); the archive rows stay, marked failed, so staff see why
    and ask for a new one. Returns the storage keys to delete after commit."""
    assignments = await Submission.filter(student_id=user_id).values_list(
        "assignment_id", flat=True
    )
    if not assignments:
        return []
    archives = await SubmissionArchive.filter(
        assignment_id__in=list(set(assignments)), file_id__not_isnull=True
    )
    file_ids = [a.file_id for a in archives if a.file_id is not None]
    files = await StoredFile.filter(id__in=file_ids)
    await SubmissionArchive.filter(id__in=[a.id for a in archives]).update(
        status=ArchiveStatus.FAILED, file_id=None, error=ARCHIVE_ERASED
    )
    await StoredFile.filter(id__in=[f.id for f in files]).delete()
    return [f.key for f in files]
