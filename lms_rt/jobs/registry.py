"""Every job function the workers know, with the queue it runs on.

A job is ``async def job(ctx, *args)``: it re-fetches what it works on, is idempotent, and
turns transient failures into ``arq.Retry(defer=...)``. ``ctx["deps"]`` holds the process's
:class:`~lms_rt.deps.Deps`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

JobFunction = Callable[..., Awaitable[Any]]

QUEUES = ("default", "emails", "certificates", "payments")
MAX_TRIES = 5
# Mail waits out long relay outages: 20 tries with a back-off capped at 10 minutes keep a
# message for about two and a half hours.
MAIL_TRIES = 20


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    queue: str
    max_tries: int = MAX_TRIES


def job_specs() -> dict[str, JobSpec]:
    """Imported lazily so that domains can depend on the job queue without cycles."""
    from lms_rt.announcements.service import deliver_announcement, publish_announcement
    from lms_rt.assignments.tasks import build_submission_archive
    from lms_rt.auth.tasks import send_password_reset
    from lms_rt.certificates.tasks import issue_certificate
    from lms_rt.live.tasks import close_live_question
    from lms_rt.mail.tasks import send_email
    from lms_rt.payments.erasure import cancel_erased_subscription
    from lms_rt.payments.tasks import process_webhook
    from lms_rt.privacy.exports import build_data_export
    from lms_rt.quizzes.tasks import close_quiz_attempt

    specs = [
        JobSpec("send_email", send_email, "emails", MAIL_TRIES),
        JobSpec("send_password_reset", send_password_reset, "emails"),
        JobSpec("close_quiz_attempt", close_quiz_attempt, "default"),
        JobSpec("close_live_question", close_live_question, "default"),
        JobSpec("process_webhook", process_webhook, "payments"),
        JobSpec("cancel_erased_subscription", cancel_erased_subscription, "payments"),
        JobSpec("publish_announcement", publish_announcement, "default"),
        JobSpec("deliver_announcement", deliver_announcement, "default"),
        JobSpec("issue_certificate", issue_certificate, "certificates"),
        JobSpec("build_submission_archive", build_submission_archive, "default"),
        JobSpec("build_data_export", build_data_export, "default"),
    ]
    return {spec.name: spec for spec in specs}


def queue_name(queue: str) -> str:
    """The Redis key of a queue; namespaced so several apps may share one Redis."""
    return f"lms:queue:{queue}"
