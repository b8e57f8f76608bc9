"""Jobs of the payments domain: processing a stored webhook event exactly once, and the
reconciliation that fetches what Stripe sent but never arrived.

An event's effects and its ``processed_at`` commit in one transaction, with the event row
locked: a run killed before the commit left nothing and the retry does it all; a second
run finds it processed. Provider outages become ``Retry``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from arq import Retry
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError
from tortoise.expressions import F

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.http.outages import is_outage
from lms_rt.payments import myfatoorah_flow, stripe_sync, webhooks
from lms_rt.payments.models import Provider, WebhookEvent
from lms_rt.payments.myfatoorah_gateway import GatewayError as MyFatoorahDown
from lms_rt.payments.providers import Gateways, open_gateways
from lms_rt.payments.stripe_gateway import GatewayError as StripeDown

log = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 5
# Stripe keeps events for 30 days; the reconciliation looks this far back.
RECONCILE_WINDOW = timedelta(days=3)


async def process_webhook(ctx: dict[str, Any], webhook_id: str) -> str:
    deps: Deps = ctx["deps"]
    row_id = uuid.UUID(webhook_id)
    try:
        row = await WebhookEvent.filter(id=row_id).first()
        if row is None or row.processed_at is not None:
            return "already processed"
        await WebhookEvent.filter(id=row_id).update(attempts=F("attempts") + 1)
        async with open_gateways(deps.settings) as gateways:
            return await _process(deps, gateways, row_id)
    except (IntegrityError, Retry):
        raise
    except Exception as exc:
        await _note_error(row_id, exc)
        # A database restarting cuts connections with driver errors the ORM does not wrap.
        transient = (StripeDown, MyFatoorahDown, DBConnectionError, OperationalError, OSError)
        if isinstance(exc, transient) or is_outage(exc):
            attempt = int(ctx.get("job_try", 1))
            raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc
        raise


async def _process(deps: Deps, gateways: Gateways, row_id: uuid.UUID) -> str:
    async with atomic(deps) as effects:
        row = await WebhookEvent.filter(id=row_id, processed_at=None).select_for_update().first()
        if row is None:
            return "already processed"
        if row.provider == Provider.STRIPE:
            result = await stripe_sync.apply_event(deps, effects, gateways.stripe, row.payload)
        else:
            result = await myfatoorah_flow.apply_event(
                deps, effects, gateways.myfatoorah, row.payload
            )
        await WebhookEvent.filter(id=row_id).update(processed_at=deps.clock.now(), last_error=None)
    return result


async def _note_error(row_id: uuid.UUID, exc: BaseException) -> None:
    try:
        await WebhookEvent.filter(id=row_id).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
    except Exception:
        log.exception("recording the failure of webhook %s failed", row_id)


async def reconcile_stripe(ctx: dict[str, Any]) -> int:
    """Cron: store and process recent Stripe events that never arrived as webhooks."""
    deps: Deps = ctx["deps"]
    if not deps.settings.stripe_api_key:
        return 0
    since = int((deps.clock.now() - RECONCILE_WINDOW).timestamp())
    async with open_gateways(deps.settings) as gateways:
        events = await gateways.stripe.list_events(created_gte=since)
    found = 0
    for event in events:
        if event.get("type") not in stripe_sync.HANDLED:
            continue
        if await webhooks.store(deps, Provider.STRIPE, str(event["id"]), str(event["type"]), event):
            found += 1
    if found:
        log.warning("reconciliation found %d Stripe events that never arrived", found)
    return found
