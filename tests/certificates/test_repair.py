"""The repair sweep finishes what a lost or exhausted certificate job left undone."""

from __future__ import annotations

from datetime import timedelta

from lms_rt import keys
from lms_rt.certificates import issuing
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.repair import GRACE, repair_certificates
from lms_rt.certificates.tasks import issue_certificate
from lms_rt.mail.models import SentMail
from tests.certificates.helpers import HeldJobs, complete_course, job_context


def _later(client, monkeypatch) -> None:
    """The sweep looks only at what is older than its grace: move its clock past it."""
    deps = client.app[keys.DEPS]
    moved = deps.clock.now() + GRACE + timedelta(minutes=1)
    monkeypatch.setattr(deps.clock, "now", lambda: moved)


async def test_a_completion_whose_job_was_lost_gets_its_certificate(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    held.calls.clear()  # the enqueue after the completion never reached a queue
    ctx = job_context(client)
    assert await repair_certificates(ctx) == {"issued_again": 0, "announced_again": 0}
    _later(client, monkeypatch)
    assert await repair_certificates(ctx) == {"issued_again": 1, "announced_again": 0}
    [(args, options)] = held.of("issue_certificate")
    assert args == (str(done.enrollment.id),)
    assert options["job_id"].startswith(f"certificate:{done.enrollment.id}:repair:")
    assert await issue_certificate(ctx, *args) == "issued"
    assert (await Certificate.get(enrollment_id=done.enrollment.id)).file_key


async def test_a_certificate_left_unrendered_is_issued_again(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    # The job created the row, then gave up (storage away for longer than its retries).
    certificate = await issuing.certificate_for(client.app[keys.DEPS], done.enrollment.id)
    assert certificate is not None and certificate.file_key is None
    held.calls.clear()
    _later(client, monkeypatch)
    found = await repair_certificates(job_context(client))
    assert found["issued_again"] == 1
    [(args, _)] = held.of("issue_certificate")
    assert await issue_certificate(job_context(client), *args) == "issued"


async def test_an_issued_certificate_whose_email_was_never_sent_is_announced_again(
    client, monkeypatch
):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    ctx = job_context(client)
    assert await issue_certificate(ctx, str(done.enrollment.id)) == "issued"
    certificate = await Certificate.get(enrollment_id=done.enrollment.id)
    # Its announcement was lost (Redis away right after the commit): no mail was ever sent.
    held.calls.clear()
    _later(client, monkeypatch)
    assert await repair_certificates(ctx) == {"issued_again": 0, "announced_again": 1}
    [(mail_args, options)] = held.mails("certificate_issued")
    assert options["job_id"] == f"certificate-issued:{certificate.id}"
    # Once sent, the sweep leaves it alone.
    await SentMail.create(
        key=options["job_id"], message_id="<m@x>", recipient=mail_args[0], template=mail_args[1]
    )
    held.calls.clear()
    assert await repair_certificates(ctx) == {"issued_again": 0, "announced_again": 0}
    assert held.calls == []
