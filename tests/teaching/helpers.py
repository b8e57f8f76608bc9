"""Set-up for the announcement and inbox tests: the mail outbox, running the delivery job the
way a worker would, and a record of what the app enqueues and publishes."""

from __future__ import annotations

import email
from email import policy
from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.announcements.service import deliver_announcement
from lms_rt.jobs.queue import InlineJobQueue

API = "/api/v1"


def outbox(client: TestClient) -> list[email.message.EmailMessage]:
    """Mail the embedded mailer wrote (services mode sends none: no worker runs the jobs)."""
    folder = client.app[keys.SETTINGS].outbox_dir
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def embedded(client: TestClient) -> bool:
    return isinstance(client.app[keys.JOBS], InlineJobQueue)


async def drain(client: TestClient) -> None:
    jobs = client.app[keys.JOBS]
    if isinstance(jobs, InlineJobQueue):
        await jobs.drain()


async def delivered(client: TestClient, announcement_id: str) -> None:
    """Let the announcement's delivery finish. Embedded: publishing queued it on the inline
    runner, so drain that. Services mode: these tests run no ARQ worker, so run the job."""
    if embedded(client):
        await drain(client)
    else:
        await deliver_announcement({"deps": client.app[keys.DEPS], "job_try": 1}, announcement_id)


class Recorder:
    """Counts what the app enqueues and publishes from now on, in order; each call still goes
    through to the real queue and bus."""

    def __init__(self, client: TestClient, monkeypatch: Any) -> None:
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        deps = client.app[keys.DEPS]
        enqueue, publish = deps.jobs.enqueue, deps.bus.publish

        async def enqueue_and_record(name: str, *args: Any, **options: Any) -> bool:
            self.calls.append(("enqueue", name, args))
            return await enqueue(name, *args, **options)

        async def publish_and_record(channel: str, type: str, data: dict[str, Any]) -> Any:
            self.calls.append(("publish", type, (channel,)))
            return await publish(channel, type, data)

        monkeypatch.setattr(deps.jobs, "enqueue", enqueue_and_record)
        monkeypatch.setattr(deps.bus, "publish", publish_and_record)

    def until(self, kind: str, name: str) -> list[tuple[str, str]]:
        """What was recorded up to and including the first ``name`` of ``kind``."""
        seen = []
        for call_kind, call_name, _ in self.calls:
            seen.append((call_kind, call_name))
            if (call_kind, call_name) == (kind, name):
                return seen
        raise AssertionError(f"no {kind} of {name}: {self.calls}")

    def count(self, kind: str, name: str) -> int:
        return sum(1 for k, n, _ in self.calls if (k, n) == (kind, name))

    def mails_to(self) -> list[str]:
        """The address of every ``send_email`` enqueued (args: to, template, context, key)."""
        return [args[0] for k, n, args in self.calls if (k, n) == ("enqueue", "send_email")]
