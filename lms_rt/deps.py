"""What services and jobs need from the running process, passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from limits.aio.storage import Storage as CounterStorage
    from redis.asyncio import Redis

    from lms_rt.auth.kit import AuthKit
    from lms_rt.clock import Clock
    from lms_rt.config import Settings
    from lms_rt.files.storage import Storage
    from lms_rt.jobs.queue import JobQueue
    from lms_rt.mail.mailer import Mailer
    from lms_rt.realtime.bus import Bus


@dataclass(frozen=True)
class Deps:
    settings: Settings
    redis: Redis | None
    counters: CounterStorage
    bus: Bus
    jobs: JobQueue
    mailer: Mailer
    storage: Storage
    auth: AuthKit
    clock: Clock
