"""Set-up for payment tests: provider stand-ins, a paid course, signed webhooks, and running
the processing jobs the way a worker would."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.payments.models import WebhookEvent
from lms_rt.payments.tasks import process_webhook
from lms_rt.users.models import Role
from tests.factories import create_course, signed_in

API = "/api/v1"
STRIPE_KEY = "sk_test_lms"
STRIPE_SECRET = "whsec_test_secret"
MYFATOORAH_SECRET = "mf_webhook_secret"
PRICE = 150_00  # EGP 150.00


def payment_settings(stripe_url: str, myfatoorah_url: str) -> dict[str, Any]:
    return {
        "stripe_api_key": "sk_test_lms",
        "stripe_api_base": stripe_url,
        "stripe_webhook_secret": STRIPE_SECRET,
        "myfatoorah_api_key": "mf_test_token",
        "myfatoorah_base_url": myfatoorah_url,
        "myfatoorah_webhook_secret": MYFATOORAH_SECRET,
    }


async def paid_course(client: TestClient, price: int = PRICE, **fields: Any) -> Any:
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    return await create_course(client, teacher, price_amount=price, **fields)


async def process(client: TestClient) -> list[str]:
    """Run every stored, unprocessed webhook event's job, as a worker would (the in-process
    runner of the embedded mode has run them already: drain it)."""
    jobs = client.app[keys.JOBS]
    if isinstance(jobs, InlineJobQueue):
        await jobs.drain()
        return []
    ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
    results = []
    for row in await WebhookEvent.filter(processed_at=None).order_by("received_at"):
        results.append(await process_webhook(ctx, str(row.id)))
    return results


async def monthly_plan(client: Any, stripe: Any, admin: dict[str, str]) -> dict[str, Any]:
    """A 300 EGP monthly plan, priced at the Stripe stand-in, made by an admin."""
    stripe.add_price("price_monthly", 300_00, "egp", "month")
    response = await client.post(
        f"{API}/payments/plans",
        json={
            "name": "All access",
            "price_amount": 300_00,
            "currency": "EGP",
            "interval": "month",
            "stripe_price_id": "price_monthly",
        },
        headers=admin,
    )
    assert response.status == 201, await response.text()
    plan: dict[str, Any] = await response.json()
    return plan
