"""Refunds by an admin: full or partial, and idempotent (the same request is one refund)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid
from lms_rt.payments import outcomes
from lms_rt.payments.models import Payment, PaymentStatus, Provider, Refund
from lms_rt.payments.stripe_gateway import StripeGateway
from lms_rt.users.models import User

REFUNDABLE = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)


async def refund(
    deps: Deps,
    gateway: StripeGateway,
    admin: User,
    payment: Payment,
    amount: int | None,
    reason: str,
    request_id: str | None,
) -> Refund:
    if payment.provider != Provider.STRIPE:
        raise Conflict("Refund MyFatoorah payments from the MyFatoorah portal")
    if payment.status not in REFUNDABLE or not payment.provider_reference:
        raise Conflict(f"A payment that is {payment.status.value} cannot be refunded")
    already = await _refunded_so_far(payment)
    remaining = payment.amount - already
    amount = remaining if amount is None else amount
    if amount <= 0 or amount > remaining:
        raise Invalid(
            "Refund between 1 and what remains of the payment",
            details=[{"field": "amount", "remaining": remaining}],
        )
    key = f"refund:{payment.id}:{request_id or f'{already}+{amount}'}"
    existing = await Refund.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        row = await Refund.create(
            payment_id=payment.id,
            idempotency_key=key,
            amount=amount,
            reason=reason,
            requested_by_id=admin.id,
        )
    except IntegrityError:
        return await Refund.get(idempotency_key=key)
    # The same key reaches Stripe: a retried request after a crash is the same refund there.
    remote = await gateway.create_refund(
        payment_intent=payment.provider_reference, amount=amount, idempotency_key=key
    )
    async with atomic(deps) as effects:
        await Refund.filter(id=row.id).update(provider_refund_id=remote.id)
        fresh = await Payment.get(id=payment.id)
        await outcomes.refunded(deps, effects, fresh, already + amount)
    return await Refund.get(id=row.id)


async def _refunded_so_far(payment: Payment) -> int:
    amounts = await Refund.filter(payment_id=payment.id).values_list("amount", flat=True)
    return max(sum(int(str(a)) for a in amounts), payment.amount_refunded)
