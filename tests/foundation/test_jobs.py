"""Jobs run the same functions in-process (embedded) and on a real ARQ worker (services)."""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lms_rt import keys
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.mail.mailer import message_id
from lms_rt.mail.models import SentMail
from tests.harness.services import free_port

LMS_RT = str(Path(sys.executable).with_name("lms-rt"))
CONTEXT = {"name": "Mona <b>", "verify_url": "https://lms.test/verify?t=abc", "valid_hours": 48}


def _outbox(settings) -> list[email.message.EmailMessage]:
    folder = settings.outbox_dir
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


async def test_inline_runner_sends_mail_to_the_outbox(make_client):
    client = await make_client(redis_url="")
    jobs = client.app[keys.JOBS]
    assert isinstance(jobs, InlineJobQueue)
    assert await jobs.enqueue(
        "send_email", "mona@example.org", "verify_email", CONTEXT, "verify:1", job_id="v1"
    )
    # A second enqueue with the same job id is refused, as ARQ does.
    assert not await jobs.enqueue(
        "send_email", "mona@example.org", "verify_email", CONTEXT, "verify:1", job_id="v1"
    )
    await jobs.drain()
    messages = _outbox(client.app[keys.SETTINGS])
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "mona@example.org"
    assert message["Message-ID"] == message_id("verify:1")
    assert "please confirm" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "Mona &lt;b&gt;" in html and "https://lms.test/verify?t=abc" in html


async def test_unknown_job_is_refused_before_anything_is_queued(client):
    from lms_rt.jobs.queue import UnknownJob

    with pytest.raises(UnknownJob):
        await client.app[keys.JOBS].enqueue("no_such_job")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


async def test_smtp_delivery_is_once_per_key_with_a_stable_message_id(make_client):
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        client = await make_client(redis_url="", smtp_host="127.0.0.1", smtp_port=port)
        jobs = client.app[keys.JOBS]
        for _ in range(2):  # the same message queued twice: sent once
            await jobs.enqueue("send_email", "a@example.org", "verify_email", CONTEXT, "k:7")
            await jobs.drain()
        assert len(inbox.messages) == 1
        # A crash after the server accepted it but before it was marked sent: sent again,
        # recognisably the same message.
        await SentMail.filter(key="k:7").delete()
        await jobs.enqueue("send_email", "a@example.org", "verify_email", CONTEXT, "k:7")
        await jobs.drain()
    finally:
        controller.stop()
    ids = {email.message_from_bytes(raw)["Message-ID"] for raw in inbox.messages}
    assert len(inbox.messages) == 2 and ids == {message_id("k:7")}


@pytest.mark.services
async def test_arq_worker_runs_enqueued_job(make_client, settings):
    client = await make_client()
    jobs = client.app[keys.JOBS]
    assert type(jobs).__name__ == "ArqJobQueue"
    await jobs.enqueue("send_email", "w@example.org", "verify_email", CONTEXT, "verify:w")
    assert _outbox(settings) == []  # nothing runs until a worker takes it
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=settings.database_url,
        LMS_REDIS_URL=settings.redis_url,
        LMS_DATA_DIR=str(settings.data_dir),
    )
    process = await asyncio.create_subprocess_exec(
        LMS_RT,
        "worker",
        "--burst",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    messages = _outbox(settings)
    assert [m["Message-ID"] for m in messages] == [message_id("verify:w")]
