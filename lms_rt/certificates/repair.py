"""A sweep that finishes what a lost or exhausted certificate job left undone.

The issuing job is safe to run again at any point, so the sweep simply runs it again for:
completed enrollments that still have no certificate (the enqueue after the completion was
lost), certificates still without a PDF (the job gave up: storage or database down for longer
than its retries), and issued certificates whose email was never marked sent (the issuing run
died between its commit and its announcement).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tortoise.expressions import Subquery

from lms_rt.certificates import events, issuing
from lms_rt.certificates.models import Certificate
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.mail.models import SentMail

log = logging.getLogger(__name__)

# Younger than this, the first job may still be on its way or retrying.
GRACE = timedelta(minutes=5)
# Announcements are not retried for ever: a week-old certificate's email is left alone.
ANNOUNCE_WITHIN = timedelta(days=7)
BATCH = 200


async def repair_certificates(ctx: dict[str, Any]) -> dict[str, int]:
    deps: Deps = ctx["deps"]
    now = deps.clock.now()
    slot = now.strftime("%Y%m%dT%H%M")
    missing = (
        await Enrollment.filter(
            status=EnrollmentStatus.COMPLETED,
            completed_at__lt=now - GRACE,
            id__not_in=Subquery(Certificate.all().values("enrollment_id")),
        )
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    unrendered = (
        await Certificate.filter(
            file_key=None, is_revoked=False, holder_erased=False, issued_at__lt=now - GRACE
        )
        .limit(BATCH)
        .values_list("enrollment_id", flat=True)
    )
    for enrollment_id in [*missing, *unrendered]:
        # A fresh job id: the first job's id may still be remembered with its failure.
        await deps.jobs.enqueue(
            "issue_certificate",
            str(enrollment_id),
            job_id=f"certificate:{enrollment_id}:repair:{slot}",
        )
    announced = 0
    quiet = await Certificate.filter(
        file_key__not_isnull=True,
        is_revoked=False,
        holder_erased=False,
        issued_at__lt=now - GRACE,
        issued_at__gte=now - ANNOUNCE_WITHIN,
    ).limit(BATCH)
    sent = set(
        await SentMail.filter(key__in=[events.mail_key(c) for c in quiet]).values_list(
            "key", flat=True
        )
    )
    for certificate in quiet:
        if events.mail_key(certificate) not in sent and await issuing.announce_unsent(
            deps, certificate
        ):
            announced += 1
    found = {"issued_again": len(missing) + len(unrendered), "announced_again": announced}
    if any(found.values()):
        log.warning("certificate repair: %s", found)
    return found
