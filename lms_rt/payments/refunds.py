"""Refunds by an admin: full or partial, and idempotent (the same request is one refund)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from lms_rt.audit import trail as audit
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid
from lms_rt.payments import outcomes
from lms_rt.payments.models import Payment, PaymentKind, PaymentStatus, Provider, Refund
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
    """Stripe first, our row second: a refund Stripe refused or never received leaves
    nothing here, and the same request (same key) repeated after a failure reaches Stripe
    again, which returns the refund it made for that key, if any."""
    if payment.provider != Provider.STRIPE or payment.kind != PaymentKind.ONE_TIME:
        raise Conflict("Refund MyFatoorah payments and subscription invoices from their portals")
    if payment.status not in REFUNDABLE or not payment.provider_reference:
        raise Conflict(f"A payment that is {payment.status.value} cannot be refunded")
    already = await _refunded_so_far(payment)
    remaining = payment.amount - already
    amount = remaining if amount is None else amount
    key = f"refund:{payment.id}:{request_id or f'{already}+{amount}'}"
    done = await Refund.filter(idempotency_key=key).first()
    if done is not None:
        return done
    if amount <= 0 or amount > remaining:
        raise Invalid(
            "Refund between 1 and what remains of the payment",
            details=[{"field": "amount", "remaining": remaining}],
        )
    remote = await gateway.create_refund(
        payment_intent=payment.provider_reference, amount=amount, idempotency_key=key
    )
    async with atomic(deps) as effects:
        try:
            async with in_transaction():  # a savepoint: a racing twin's row may exist
                row = await Refund.create(
                    payment_id=payment.id,
                    idempotency_key=key,
                    provider_refund_id=remote.id,
                    amount=remote.amount,
                    reason=reason,
                    requested_by_id=admin.id,
                )
        except IntegrityError:
            return await Refund.get(idempotency_key=key)
        fresh = await Payment.get(id=payment.id)
        refunded = await _refunded_so_far(fresh)
        await outcomes.refunded(deps, effects, fresh, refunded)
        await audit.record(
            "payment.refunded",
            "payment",
            payment.id,
            actor_id=admin.id,
            before={"amount_refunded": already},
            after={"amount_refunded": refunded, "refund_id": str(row.id), "amount": row.amount},
            reason=reason,
        )
    return row


async def _refunded_so_far(payment: Payment) -> int:
    """Refunds Stripe made (our rows exist only for those), or more if Stripe told us more."""
    amounts = await Refund.filter(payment_id=payment.id).values_list("amount", flat=True)
    return max(sum(int(str(a)) for a in amounts), payment.amount_refunded)
