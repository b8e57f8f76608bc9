"""MyFatoorah: an invoice per course payment, confirmed with GetPaymentStatus before
anything is granted (callbacks and webhooks only say where to look)."""

from __future__ import annotations

import logging
from typing import Any

from lms_rt.courses.models import Course
from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.payments import outcomes
from lms_rt.payments.models import Payment, PaymentStatus, Provider
from lms_rt.payments.myfatoorah_gateway import MyFatoorahGateway, MyFatoorahStatus
from lms_rt.payments.pricing import Quote
from lms_rt.users.models import User

log = logging.getLogger(__name__)

FAILED_STATES = frozenset({"Canceled", "Cancelled", "Failed", "Expired"})


async def initiate(
    deps: Deps, gateway: MyFatoorahGateway, user: User, course: Course, quote: Quote
) -> tuple[Payment, str]:
    payment = await Payment.create(
        provider=Provider.MYFATOORAH,
        user_id=user.id,
        course_id=course.id,
        coupon_id=quote.coupon.id if quote.coupon else None,
        amount=quote.amount,
        currency=quote.currency,
    )
    base = deps.settings.base_url.rstrip("/")
    invoice = await gateway.execute_payment(
        amount=quote.amount,
        currency=quote.currency,
        customer_name=user.full_name,
        customer_email=user.email,
        reference=str(payment.id),
        callback_url=f"{base}/api/v1/payments/myfatoorah/callback",
        error_url=f"{base}/api/v1/payments/myfatoorah/callback",
    )
    await Payment.filter(id=payment.id).update(provider_reference=invoice.invoice_id)
    return await Payment.get(id=payment.id), invoice.payment_url


async def confirm(
    deps: Deps, effects: PostCommit, gateway: MyFatoorahGateway, key: str, key_type: str
) -> Payment | None:
    """Ask MyFatoorah what happened and apply it; the payment, or ``None`` if not ours."""
    status = await gateway.get_payment_status(key, key_type)
    return await apply_status(deps, effects, status)


async def apply_status(deps: Deps, effects: PostCommit, status: MyFatoorahStatus) -> Payment | None:
    payment = await Payment.filter(
        provider=Provider.MYFATOORAH, provider_reference=status.invoice_id
    ).first()
    if payment is None or (status.reference and status.reference != str(payment.id)):
        log.warning("MyFatoorah invoice %s is not one of ours", status.invoice_id)
        return None
    if status.invoice_status == "Paid":
        try:
            await outcomes.succeeded(
                deps, effects, payment, amount=status.amount, currency=status.currency
            )
        except outcomes.AmountMismatch as exc:
            log.error("%s", exc)
            await outcomes.failed(effects, payment, "amount does not match the price")
    elif status.invoice_status in FAILED_STATES:
        await outcomes.failed(effects, payment, status.error or status.invoice_status)
    return await Payment.get(id=payment.id)


async def apply_event(
    deps: Deps, effects: PostCommit, gateway: MyFatoorahGateway, event: dict[str, Any]
) -> str:
    invoice_id = invoice_of(event)
    if invoice_id is None:
        return "no invoice"
    payment = await confirm(deps, effects, gateway, invoice_id, "InvoiceId")
    if payment is None:
        return "not ours"
    return payment.status.value if payment.status != PaymentStatus.PENDING else "pending"


def invoice_of(event: dict[str, Any]) -> str | None:
    data = event.get("Data") or {}
    invoice = data.get("Invoice") or {}
    value = invoice.get("Id") or data.get("InvoiceId")
    return str(value) if value is not None else None


def event_reference(event: dict[str, Any]) -> str:
    """The delivery's identity: V2's ``Event.Reference`` when present, else the invoice, the
    transaction and its status. The reference is not signed, so a replay under a new one is
    still harmless: processing asks MyFatoorah and never grants twice."""
    header = event.get("Event")
    if isinstance(header, dict) and header.get("Reference"):
        return f"ref:{header['Reference']}"
    data = event.get("Data") or {}
    transaction = data.get("Transaction") or {}
    return ":".join(
        str(part)
        for part in (
            "invoice",
            invoice_of(event) or "",
            transaction.get("PaymentId", ""),
            transaction.get("Status", ""),
        )
    )
