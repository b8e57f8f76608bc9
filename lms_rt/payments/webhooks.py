"""Receiving webhooks: verify the signature over the raw body, store the event once, answer
at once, and process it in a job.

A forged, tampered or stale delivery gets 400 and leaves nothing behind. The same event
delivered again (or five times at once) finds its stored row: 200, nothing processed twice,
and its processing queued again while it is still unprocessed.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.payments.models import Provider, WebhookEvent


def process_job_id(row_id: uuid.UUID) -> str:
    return f"webhook:{row_id}"


async def store(
    deps: Deps, provider: Provider, event_id: str, kind: str, payload: dict[str, Any]
) -> bool:
    """Keep a verified event and queue its processing; ``False`` for one already known."""
    try:
        async with atomic(deps) as effects:
            row = await WebhookEvent.create(
                provider=provider, event_id=event_id[:255], type=kind[:100], payload=payload
            )
            effects.enqueue("process_webhook", str(row.id), job_id=process_job_id(row.id))
    except IntegrityError:
        # Known already. Its first delivery may have committed without queueing its processing
        # (the database went away between its commit and the answer): queue it again. The job
        # id and the processed mark keep it to one processing.
        unprocessed = await WebhookEvent.filter(
            provider=provider, event_id=event_id[:255], processed_at=None
        ).first()
        if unprocessed is not None:
            await deps.jobs.enqueue(
                "process_webhook", str(unprocessed.id), job_id=process_job_id(unprocessed.id)
            )
        return False
    return True
