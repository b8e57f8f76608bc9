"""The mail job: render a template and send it, retrying on transient SMTP failures.

At least once, identified once: the message's key gives it a deterministic Message-ID, and a
:class:`~lms_rt.mail.models.SentMail` row written after the server accepted it stops a retried
or repeated job from sending it again. Only a crash or a database outage between acceptance and
that row re-sends, with the same Message-ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any

import aiosmtplib
from arq import Retry
from tortoise.exceptions import IntegrityError

from lms_rt.deps import Deps
from lms_rt.http.outages import is_outage
from lms_rt.mail.models import SentMail
from lms_rt.mail.render import render_mail

log = logging.getLogger(__name__)

MAX_KEY = 255
MAX_RETRY_WAIT_SECONDS = 600


def mail_key(key: str) -> str:
    """Keys name what a message is about; long ones are shortened to a stable digest."""
    if len(key) <= MAX_KEY:
        return key
    return key[:180] + ":" + hashlib.sha256(key.encode()).hexdigest()


async def send_email(
    ctx: dict[str, Any], to: str, template: str, context: dict[str, Any], message_key: str
) -> str:
    deps: Deps = ctx["deps"]
    key = mail_key(message_key)
    try:
        if await SentMail.filter(key=key).exists():
            return "already sent"
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("sending %s to %s: database away: %s", template, to, exc)
        raise Retry(defer=_retry_wait(deps, ctx)) from exc
    mail = render_mail(template, context)
    message = deps.mailer.compose(to, mail, message_key)
    try:
        await deps.mailer.send(message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        attempt = int(ctx.get("job_try", 1))
        log.warning("sending %s to %s failed (try %d): %s", template, to, attempt, exc)
        raise Retry(defer=_retry_wait(deps, ctx)) from exc
    # A racing run of the same message may have written the row first.
    try:
        with contextlib.suppress(IntegrityError):
            await SentMail.create(
                key=key, message_id=str(message["Message-ID"]), recipient=to, template=template
            )
    except Exception as exc:
        if not is_outage(exc):
            raise
        # Sent but not marked: the retry sends it again, under the same Message-ID.
        log.warning("marking %s to %s as sent: database away: %s", template, to, exc)
        raise Retry(defer=_retry_wait(deps, ctx)) from exc
    return "sent"


def _retry_wait(deps: Deps, ctx: dict[str, Any]) -> float:
    """10 s, 20 s, 40 s ... by default, at most 10 minutes apart (see MAIL_TRIES)."""
    attempt = int(ctx.get("job_try", 1))
    wait = deps.settings.mail_retry_base_seconds * 2 ** min(attempt - 1, 16)
    return float(min(wait, MAX_RETRY_WAIT_SECONDS))
