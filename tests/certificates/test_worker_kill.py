"""A real worker SIGKILLed while it issues a certificate: once it is back, exactly one
certificate and one email (by Message-ID) exist."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from lms_rt import keys
from lms_rt.certificates.models import Certificate
from lms_rt.mail.mailer import message_id
from tests.certificates.helpers import complete_course
from tests.harness.smtp import SmtpServer
from tests.harness.workers import WorkerProcess, worker_env

pytestmark = [pytest.mark.services, pytest.mark.slow]

# A killed job runs again once its in-progress mark lapses: job_timeout + 10 s.
JOB_TIMEOUT = 3


@pytest.mark.parametrize("moment", ["job started", "row written"])
async def test_a_worker_killed_mid_certificate_leaves_one_certificate_and_one_email(
    make_client, tmp_path, moment
):
    with SmtpServer() as smtp:
        client = await make_client(smtp_host="127.0.0.1", smtp_port=smtp.port)
        settings = client.app[keys.SETTINGS]
        done = await complete_course(client, student_name="ليلى مراد")
        job_id = f"certificate:{done.enrollment.id}"
        env = worker_env(
            settings,
            LMS_SMTP_HOST="127.0.0.1",
            LMS_SMTP_PORT=str(smtp.port),
            LMS_JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT),
            LMS_MAIL_RETRY_BASE_SECONDS="0.5",
        )
        worker = WorkerProcess(env, tmp_path, "first")
        redis = Redis.from_url(settings.redis_url)
        try:
            worker.start("certificates", "emails")
            await _wait_for_moment(redis, done.enrollment.id, job_id, moment, worker)
            worker.kill()
            certificate = await Certificate.filter(enrollment_id=done.enrollment.id).first()
            assert certificate is None or certificate.file_key is None, "killed too late"

            again = WorkerProcess(env, tmp_path, "second")
            again.start("certificates", "emails")
            try:
                deadline = time.monotonic() + JOB_TIMEOUT + 40
                while time.monotonic() < deadline:
                    issued = await Certificate.filter(enrollment_id=done.enrollment.id).first()
                    mails = [m for m in smtp.received if "ليلى مراد" in _text(m)]
                    if issued is not None and issued.file_key and mails:
                        break
                    await asyncio.sleep(0.2)
                else:
                    raise AssertionError(again.log())
                await asyncio.sleep(2)  # room for a duplicate to arrive, were there one
            finally:
                await again.stop()
        finally:
            worker.kill()
            await redis.aclose()
    certificates = await Certificate.filter(enrollment_id=done.enrollment.id)
    assert len(certificates) == 1 and certificates[0].file_key
    expected = message_id(f"certificate-issued:{certificates[0].id}")
    # The killed run never announced (it died before recording the PDF): one message.
    assert smtp.message_ids().count(expected) == 1
    assert await client.app[keys.DEPS].storage.exists(certificates[0].file_key)


async def _wait_for_moment(
    redis: Redis, enrollment_id, job_id: str, moment: str, worker: WorkerProcess
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if moment == "job started" and await redis.exists(f"arq:in-progress:{job_id}"):
            return
        if (
            moment == "row written"
            and await Certificate.filter(enrollment_id=enrollment_id).exists()
        ):
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never reached {moment}: {worker.log()}")


def _text(message) -> str:
    body = message.get_body(("plain",))
    return body.get_content() if body is not None else ""
