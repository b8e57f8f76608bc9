"""The mail job: render a template and send it, retrying on transient SMTP failures."""

from __future__ import annotations

import logging
from typing import Any

import aiosmtplib
from arq import Retry

from lms_rt.deps import Deps
from lms_rt.mail.render import render_mail

log = logging.getLogger(__name__)

# Back off 10 s, 20 s, 40 s ...: long enough for an SMTP relay to come back from a restart.
RETRY_BASE_SECONDS = 10


async def send_email(
    ctx: dict[str, Any], to: str, template: str, context: dict[str, Any], message_key: str
) -> None:
    deps: Deps = ctx["deps"]
    mail = render_mail(template, context)
    message = deps.mailer.compose(to, mail, message_key)
    try:
        await deps.mailer.send(message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        attempt = int(ctx.get("job_try", 1))
        log.warning("sending %s to %s failed: %s", template, to, exc)
        raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc
