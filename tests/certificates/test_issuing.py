"""Completing a course issues exactly one certificate: one row, one PDF, one event, one email."""

from __future__ import annotations

import asyncio
import email
from email import policy

from arq import Retry

from lms_rt import keys
from lms_rt.certificates import issuing
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.tasks import issue_certificate
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.jobs.registry import queue_name
from lms_rt.mail.mailer import message_id
from lms_rt.mail.models import SentMail
from lms_rt.users.models import Role
from tests.certificates.helpers import (
    HeldJobs,
    bus_events,
    complete_course,
    issue,
    job_context,
    pdf_text,
)
from tests.factories import create_course, enroll, signed_in


async def test_completion_queues_the_job_after_commit_and_it_issues_the_certificate(client):
    done = await complete_course(client, student_name="Zoë Ångström", course_title="Rust 101")
    jobs = client.app[keys.JOBS]
    if not isinstance(jobs, InlineJobQueue):
        # Services mode: the job waits on the "certificates" queue under its deterministic id.
        redis = client.app[keys.REDIS]
        assert redis is not None
        job_id = f"certificate:{done.enrollment.id}"
        assert await redis.zscore(queue_name("certificates"), job_id) is not None
    certificate = await issue(client, done.enrollment)

    assert await Certificate.filter(enrollment_id=done.enrollment.id).count() == 1
    assert certificate.student_id == done.student.id
    assert certificate.course_id == done.course.id
    assert certificate.student_name == "Zoë Ångström"
    assert certificate.course_title == "Rust 101"
    assert certificate.instructor_name == "Dr. Ada Lovelace"
    assert certificate.completion_date == done.enrollment.completed_at.date()
    assert certificate.number.startswith(f"LMS-{certificate.completion_date.year}-")
    assert certificate.file_key == f"certificates/{certificate.id}.pdf"
    stored = await client.app[keys.DEPS].storage.get(certificate.file_key)
    assert "Zoë Ångström" in pdf_text(stored)
    issued = await bus_events(client, f"user:{done.student.id}", "certificate.issued")
    assert len(issued) == 1
    assert issued[0]["data"]["certificate_id"] == str(certificate.id)


async def test_two_runs_at_once_make_one_certificate_one_event_one_email(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client, student_name="محمد أحمد")
    [(args, options)] = held.of("issue_certificate")
    assert args == (str(done.enrollment.id),)
    assert options["job_id"] == f"certificate:{done.enrollment.id}"

    ctx = job_context(client)
    results = await asyncio.gather(*(issue_certificate(ctx, *args) for _ in range(2)))
    # The loser either lost the race to record the PDF, or came after it and (the email not
    # being sent yet: jobs are held here) announced it again under the same job id.
    assert sorted(results) in (
        ["issued", "issued by another run"],
        ["issued", "re-announced"],
    ), results
    [certificate] = await Certificate.filter(enrollment_id=done.enrollment.id)
    assert certificate.file_key is not None
    assert "محمد أحمد" in pdf_text(await client.app[keys.DEPS].storage.get(certificate.file_key))
    announced = 1 if "re-announced" not in results else 2
    events = await bus_events(client, f"user:{done.student.id}", "certificate.issued")
    assert len(events) == announced
    mail_args, mail_options = held.mails("certificate_issued")[0]
    assert {o["job_id"] for _, o in held.mails("certificate_issued")} == {mail_options["job_id"]}

    # A late run (a retry after the issuing run died before announcing) while the email is
    # not known to be sent announces again, under the same job id: the queue keeps one job.
    assert await issue_certificate(ctx, *args) == "re-announced"
    assert {options["job_id"] for _, options in held.mails("certificate_issued")} == {
        mail_options["job_id"]
    }
    # Once the email is sent, a late run changes nothing.
    await SentMail.create(
        key=mail_options["job_id"], message_id="<x@y>", recipient="x", template="certificate_issued"
    )
    assert await issue_certificate(ctx, *args) == "issued"
    assert len(held.mails("certificate_issued")) == announced + 1
    to, template, context, key = mail_args
    assert (to, template, key) == (
        done.student.email,
        "certificate_issued",
        f"certificate-issued:{certificate.id}",
    )
    assert mail_options["job_id"] == key
    assert context["number"] == certificate.number
    assert context["verify_url"].endswith(f"/verify/{certificate.number}")
    assert context["download_url"].endswith(f"/api/v1/certificates/{certificate.id}/download")


async def test_a_run_killed_after_storing_the_pdf_is_finished_by_the_next(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    deps = client.app[keys.DEPS]
    # The first run got as far as storing the PDF, then died before recording it.
    certificate = await issuing.certificate_for(deps, done.enrollment.id)
    assert certificate is not None
    await issuing.store_pdf(deps, certificate, await issuing.render_pdf(deps.settings, certificate))
    assert (await Certificate.get(id=certificate.id)).file_key is None
    assert held.mails("certificate_issued") == []

    assert await issue_certificate(job_context(client), str(done.enrollment.id)) == "issued"
    [again] = await Certificate.filter(enrollment_id=done.enrollment.id)
    assert (again.id, again.number) == (certificate.id, certificate.number)
    assert again.file_key == issuing.storage_key(certificate.id)
    assert len(held.mails("certificate_issued")) == 1


async def test_a_storage_failure_is_retried_later_and_then_issues(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    storage = client.app[keys.DEPS].storage

    async def down(key: str, data: bytes, content_type: str) -> None:
        raise ConnectionRefusedError("storage is restarting")

    with monkeypatch.context() as patch:
        patch.setattr(storage, "put", down)
        ctx = {**job_context(client), "job_try": 2}
        try:
            await issue_certificate(ctx, str(done.enrollment.id))
        except Retry as retry:
            assert retry.defer_score == 10_000  # 5 s doubled on the second try, in ms
        else:
            raise AssertionError("a storage failure must ask for a retry")
    [pending] = await Certificate.filter(enrollment_id=done.enrollment.id)
    assert pending.file_key is None
    assert held.mails("certificate_issued") == []

    assert await issue_certificate(job_context(client), str(done.enrollment.id)) == "issued"
    [issued] = await Certificate.filter(enrollment_id=done.enrollment.id)
    assert issued.number == pending.number and issued.file_key is not None


async def test_no_certificate_for_an_enrollment_that_is_not_completed(client, monkeypatch):
    HeldJobs(client, monkeypatch)
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=2)
    student, _ = await signed_in(client)
    enrollment = await enroll(client, student, course)
    ctx = job_context(client)
    assert await issue_certificate(ctx, str(enrollment.id)) == "not completed"
    assert await issue_certificate(ctx, "00000000-0000-0000-0000-000000000000") == "not completed"
    assert await Certificate.all().count() == 0


async def test_the_student_is_mailed_once_with_both_links(make_client):
    # The in-process runner on this mode's database: completion -> certificate -> mail.
    client = await make_client(redis_url="", base_url="https://lms.example")
    done = await complete_course(client, student_name="Zoë Ångström", course_title="Rust 101")
    jobs = client.app[keys.JOBS]
    assert isinstance(jobs, InlineJobQueue)
    await jobs.drain()
    [certificate] = await Certificate.filter(enrollment_id=done.enrollment.id)
    # A repeated run (and a repeated completion signal) sends nothing more.
    await issue_certificate(job_context(client), str(done.enrollment.id))
    await jobs.drain()
    outbox = client.app[keys.SETTINGS].outbox_dir
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in outbox.glob("*.eml")
    ]
    mine = [m for m in messages if m["To"] == done.student.email and "certificate" in m["Subject"]]
    assert len(mine) == 1
    message = mine[0]
    assert message["Message-ID"] == message_id(f"certificate-issued:{certificate.id}")
    assert message["Subject"] == "Your certificate for Rust 101"
    verify_url = f"https://lms.example/verify/{certificate.number}"
    download_url = f"https://lms.example/api/v1/certificates/{certificate.id}/download"
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert verify_url in body and download_url in body and "Zoë Ångström" in body


async def test_racing_creations_reuse_one_row(client, monkeypatch):
    held = HeldJobs(client, monkeypatch)
    done = await complete_course(client)
    deps = client.app[keys.DEPS]
    created = []
    original = Certificate.create
    # Every run has looked (and found nothing) before any of them writes.
    all_looked = asyncio.Barrier(5)

    async def counting_create(*args, **kwargs):
        created.append(kwargs["number"])
        await all_looked.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(Certificate, "create", counting_create)
    rows = await asyncio.gather(
        *(issuing.certificate_for(deps, done.enrollment.id) for _ in range(5))
    )
    assert len({row.id for row in rows}) == 1
    assert await Certificate.filter(enrollment_id=done.enrollment.id).count() == 1
    # Four creates hit the unique enrollment and reused the winner's row.
    assert len(created) == 5
    assert held.mails("certificate_issued") == []
