"""Each user is one Stripe customer, created once (a race creates one; the loser reuses it)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from lms_rt.payments.models import StripeCustomer
from lms_rt.payments.stripe_gateway import StripeGateway
from lms_rt.users.models import User


async def stripe_customer(gateway: StripeGateway, user: User) -> str:
    known = await StripeCustomer.filter(user_id=user.id).first()
    if known is not None:
        return known.customer_id
    # The same key for the same user: Stripe returns the same customer to a racing request.
    customer = await gateway.create_customer(
        email=user.email,
        name=user.full_name,
        user_id=str(user.id),
        idempotency_key=f"customer:{user.id}",
    )
    try:
        await StripeCustomer.create(user_id=user.id, customer_id=customer)
    except IntegrityError:
        known = await StripeCustomer.get(user_id=user.id)
        return known.customer_id
    return customer
