"""The certificate job: ``issue_certificate`` on the "certificates" queue."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from arq import Retry
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from lms_rt.certificates import issuing
from lms_rt.deps import Deps
from lms_rt.http.outages import is_outage

log = logging.getLogger(__name__)

# 5 s, 10 s, 20 s, 40 s: a storage backend restarting is usually back within a minute.
RETRY_BASE_SECONDS = 5


async def issue_certificate(ctx: dict[str, Any], enrollment_id: str) -> str:
    """Create, render, store and announce the certificate of a completed enrollment.

    Enqueued after the completion commits with job id ``certificate:<enrollment_id>``. Safe to
    run twice, at once or after a crash at any point: see :mod:`lms_rt.certificates.issuing`.
    A database that is away makes it try again later rather than fail.
    """
    try:
        return await _issue(ctx, enrollment_id)
    except (IntegrityError, Retry):
        raise  # a bug, or a retry already decided
    except Exception as exc:
        # A database restarting cuts connections with driver errors the ORM does not wrap.
        transient = (DBConnectionError, OperationalError, ConnectionError, OSError)
        if not (isinstance(exc, transient) or is_outage(exc)):
            raise
        attempt = int(ctx.get("job_try", 1))
        log.warning("certificate for %s (try %d): database away: %s", enrollment_id, attempt, exc)
        raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc


async def _issue(ctx: dict[str, Any], enrollment_id: str) -> str:
    deps: Deps = ctx["deps"]
    certificate = await issuing.certificate_for(deps, uuid.UUID(enrollment_id))
    if certificate is None:
        log.warning("no certificate for enrollment %s: not found or not completed", enrollment_id)
        return "not completed"
    if certificate.holder_erased:
        return "holder erased"
    if certificate.file_key is not None:
        # The run that issued it may have died between its commit and its announcement.
        return "re-announced" if await issuing.announce_unsent(deps, certificate) else "issued"
    data = await issuing.render_pdf(deps.settings, certificate)
    try:
        key = await issuing.store_pdf(deps, certificate, data)
    except issuing.StorageFailed as exc:
        attempt = int(ctx.get("job_try", 1))
        log.warning("certificate %s (try %d): %s", certificate.number, attempt, exc)
        raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc
    if await issuing.mark_issued(deps, certificate, key):
        return "issued"
    return "issued by another run"
