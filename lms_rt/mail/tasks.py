"""The mail job: render a template and send it, retrying on transient SMTP failures.

At least once, identified once: the message's key gives it a deterministic Message-ID, and a
:class:`~lms_rt.mail.models.SentMail` row written after the server accepted it stops a retried
or repeated job from sending it again. Only a crash between acceptance and that row re-sends,
with the same Message-ID.
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
    if await SentMail.filter(key=key).exists():
        return "already sent"
    mail = render_mail(template, context)
    message = deps.mailer.compose(to, mail, message_key)
    try:
        await deps.mailer.send(message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        attempt = int(ctx.get("job_try", 1))
        log.warning("sending %s to %s failed (try %d): %s", template, to, attempt, exc)
        # 10 s, 20 s, 40 s ... by default, at most 10 minutes apart (see MAIL_TRIES).
        wait = deps.settings.mail_retry_base_seconds * 2 ** min(attempt - 1, 16)
        raise Retry(defer=min(wait, MAX_RETRY_WAIT_SECONDS)) from exc
    # A racing run of the same message may have written the row first.
    with contextlib.suppress(IntegrityError):
        await SentMail.create(
            key=key, message_id=str(message["Message-ID"]), recipient=to, template=template
        )
    return "sent"
