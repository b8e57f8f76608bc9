"""Erasure ends the user's subscriptions: here at once, at Stripe by a job after the commit."""

from __future__ import annotations

import pytest

from lms_rt import keys
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.payments.erasure import cancel_erased_subscription
from lms_rt.payments.models import Subscription, SubscriptionStatus
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.payments.helpers import API, STRIPE_SECRET, monthly_plan, process


async def _subscribed(client, stripe, headers, admin) -> Subscription:
    plan = await monthly_plan(client, stripe, admin)
    response = await client.post(
        f"{API}/payments/create-subscription", json={"plan_id": plan["id"]}, headers=headers
    )
    assert response.status == 201, await response.text()
    row = await Subscription.get(id=(await response.json())["subscription"]["id"])
    for event in stripe.activate_subscription(row.provider_subscription_id):
        body, signed = stripe.webhook(event, STRIPE_SECRET)
        await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=signed)
    await process(client)
    return await Subscription.get(id=row.id)


async def test_erasure_cancels_live_subscriptions_at_stripe(pay_client, stripe):
    client = pay_client
    student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    row = await _subscribed(client, stripe, headers, admin)
    assert row.status == SubscriptionStatus.ACTIVE
    remote_id = row.provider_subscription_id
    assert not stripe.object(remote_id)["cancel_at_period_end"]

    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "asked"}, headers=admin
    )
    assert response.status == 200, await response.text()
    local = await Subscription.get(id=row.id)
    assert local.status == SubscriptionStatus.CANCELED and local.cancel_at_period_end

    jobs = client.app[keys.JOBS]
    if isinstance(jobs, InlineJobQueue):
        await jobs.drain()
    else:  # the job waits in Redis: run it as a worker would
        ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
        assert await cancel_erased_subscription(ctx, str(row.id)) == "cancelled"
    assert stripe.object(remote_id)["cancel_at_period_end"] is True
    [call] = [c for c in stripe.calls("POST", f"/v1/subscriptions/{remote_id}")]
    assert call is not None


async def test_stripe_away_makes_the_cancellation_retry(pay_client, stripe):
    from arq import Retry

    client = pay_client
    _student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    row = await _subscribed(client, stripe, headers, admin)
    stripe.make_down()
    ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
    with pytest.raises(Retry):
        await cancel_erased_subscription(ctx, str(row.id))
    stripe.make_down(False)
    assert await cancel_erased_subscription(ctx, str(row.id)) == "cancelled"
    assert stripe.object(row.provider_subscription_id)["cancel_at_period_end"] is True
