"""A real worker process against real faults: an SMTP outage, a SIGKILL mid-job."""

from __future__ import annotations

import asyncio

import pytest

from lms_rt import keys
from lms_rt.mail.mailer import message_id
from tests.harness.smtp import SmtpServer
from tests.harness.workers import WorkerProcess, worker_env
from tests.jobs.test_metrics_and_schedules import CONTEXT, _figure

pytestmark = [pytest.mark.services, pytest.mark.slow]


async def test_mail_waits_out_an_smtp_outage_and_arrives_once(make_client, tmp_path):
    smtp = SmtpServer()  # not listening yet: the mail server is down
    client = await make_client(smtp_host="127.0.0.1", smtp_port=smtp.port)
    settings = client.app[keys.SETTINGS]
    await client.app[keys.JOBS].enqueue(
        "send_email", "o@example.org", "verify_email", CONTEXT, "outage:1", job_id="outage:1"
    )
    env = worker_env(
        settings,
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=str(smtp.port),
        LMS_MAIL_RETRY_BASE_SECONDS="0.5",
    )
    worker = WorkerProcess(env, tmp_path)
    worker.start("emails")
    try:
        for _ in range(100):
            text = await (await client.get("/metrics")).text()
            if _figure(text, "send_email", "retried") >= 2:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(worker.log())
        assert smtp.received == []
        smtp.start()  # the server comes back
        for _ in range(150):
            if smtp.received:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.5)  # time for a duplicate to show up, if there were one
    finally:
        await worker.stop()
        smtp.stop()
    assert smtp.message_ids() == [message_id("outage:1")]
    text = await (await client.get("/metrics")).text()
    assert _figure(text, "send_email", "succeeded") == 1
