"""A sweep that finishes what was left undone: stored webhook events never processed (the
job gave up, or its enqueue was lost), receipts never sent, and MyFatoorah invoices whose
callback and webhook both went missing."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.mail.models import SentMail
from lms_rt.payments import myfatoorah_flow, outcomes
from lms_rt.payments.models import Payment, PaymentStatus, Provider, WebhookEvent
from lms_rt.payments.myfatoorah_gateway import GatewayError, PaymentRejected
from lms_rt.payments.providers import open_gateways

log = logging.getLogger(__name__)

# Younger than this, the first job may still be on its way or retrying.
GRACE = timedelta(minutes=5)
# Older than this, an unanswered MyFatoorah invoice is left for a person to look at.
MYFATOORAH_WINDOW = timedelta(days=2)
RECEIPT_WINDOW = timedelta(days=7)
BATCH = 200


async def sweep_payments(ctx: dict[str, Any]) -> dict[str, int]:
    deps: Deps = ctx["deps"]
    now = deps.clock.now()
    slot = now.strftime("%Y%m%dT%H%M")
    found = {"events": 0, "receipts": 0, "invoices": 0}
    for row_id in (
        await WebhookEvent.filter(processed_at=None, received_at__lt=now - GRACE)
        .limit(BATCH)
        .values_list("id", flat=True)
    ):
        # A fresh job id: the given-up job's id may still be remembered.
        await deps.jobs.enqueue("process_webhook", str(row_id), job_id=f"webhook:{row_id}:{slot}")
        found["events"] += 1
    found["receipts"] = await _receipts(deps, now)
    found["invoices"] = await _myfatoorah(deps, now)
    if any(found.values()):
        log.warning("payment sweep: %s", found)
    return found


async def _receipts(deps: Deps, now: Any) -> int:
    paid = await Payment.filter(
        status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED],
        processed_at__lt=now - GRACE,
        processed_at__gte=now - RECEIPT_WINDOW,
    ).limit(BATCH)
    sent = set(
        await SentMail.filter(key__in=[f"receipt:{p.id}" for p in paid]).values_list(
            "key", flat=True
        )
    )
    resent = 0
    for payment in paid:
        if f"receipt:{payment.id}" in sent:
            continue
        async with atomic(deps) as effects:
            await outcomes.receipt(
                deps, effects, payment, (payment.processed_at or now).isoformat()
            )
        resent += 1
    return resent


async def _myfatoorah(deps: Deps, now: Any) -> int:
    if not deps.settings.myfatoorah_api_key:
        return 0
    waiting = await Payment.filter(
        provider=Provider.MYFATOORAH,
        status=PaymentStatus.PENDING,
        provider_reference__not_isnull=True,
        created_at__lt=now - GRACE,
        created_at__gte=now - MYFATOORAH_WINDOW,
    ).limit(BATCH)
    settled = 0
    async with open_gateways(deps.settings) as gateways:
        for payment in waiting:
            try:
                status = await gateways.myfatoorah.get_payment_status(
                    str(payment.provider_reference), "InvoiceId"
                )
            except (GatewayError, PaymentRejected) as exc:
                log.warning("MyFatoorah invoice %s: %s", payment.provider_reference, exc)
                continue
            async with atomic(deps) as effects:
                after = await myfatoorah_flow.apply_status(deps, effects, status)
            if after is not None and after.status != PaymentStatus.PENDING:
                settled += 1
    return settled
