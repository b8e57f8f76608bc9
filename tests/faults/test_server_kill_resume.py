"""One of two ``lms-rt serve`` processes SIGKILLed while a course's channels are busy.

Students follow ``course:<id>`` and their own ``user:<id>``; the instructor follows
``course:<id>:staff`` and ``course:<id>`` from both processes. While students report progress
(``progress.updated`` on their own channel and the staff channel) and the instructor edits the
course (``course.updated``), process ``a`` is SIGKILLed: no close frame, no flush. Its clients
reconnect after a random pause, as browsers do, to the other process and resume every channel
with ``since``. Each client must then hold exactly what was published on each of its
channels from its first subscription on: in order, with no gap and no duplicate, byte for byte
as the bus's own history has it.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import Any

import aiohttp
import pytest

from lms_rt import keys
from lms_rt.courses.models import Lesson
from lms_rt.enrollments.models import Enrollment, LessonProgress, ProgressReport
from lms_rt.users.models import Role
from tests.factories import access_token, create_course, signed_in
from tests.faults.clients import FaultClient
from tests.harness import crowd
from tests.harness.servers import ServerProcess, server_env
from tests.scaleout.resuming import until

pytestmark = [pytest.mark.services, pytest.mark.slow]

SEED = 4404
STUDENTS = 60
LESSONS = 4
LOAD_SECONDS = 8.0
KILL_AFTER = 3.0
REPORT_EVERY = 1.0  # each student, on average
EDIT_EVERY = 0.25  # the instructor
RECONNECT_DELAY = (0.3, 1.2)
API = "/api/v1"


class Load:
    """REST traffic that publishes events; each request goes to the client's home process
    and, once that one is gone, to the other (a balancer would do the same)."""

    def __init__(self, http: aiohttp.ClientSession, urls: list[str]) -> None:
        self.http = http
        self.urls = urls
        self.dead: set[str] = set()
        self.sent = 0
        self.failed_over = 0

    async def send(self, home: str, method: str, path: str, token: str, body: Any) -> None:
        for url in sorted(self.urls, key=lambda u: u != home):
            if url in self.dead:
                continue
            try:
                async with self.http.request(
                    method,
                    url + API + path,
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    assert response.status == 200, await response.text()
                    self.sent += 1
                    return
            except aiohttp.ClientConnectionError:
                # The process died with the request: the same request again elsewhere (a
                # progress report carries its id, so it never counts twice).
                self.dead.add(url)
                self.failed_over += 1
        raise AssertionError(f"no process answered {method} {path}")


async def test_a_server_killed_mid_session_its_clients_resume_on_the_other(
    client, settings, tmp_path, figures
):
    rng = random.Random(SEED)
    a, b = (ServerProcess(server_env(settings), tmp_path, name) for name in ("a", "b"))
    await asyncio.gather(a.start(), b.start())
    try:
        teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
        course = await create_course(client, teacher, lessons=LESSONS)
        lessons = [str(lesson.id) for lesson in await Lesson.filter(course_id=course.id)]
        members = await crowd.students(settings, STUDENTS)
        enrollments = {str(e.student_id): str(e.id) for e in await crowd.enrolled(course, members)}
        await _run(
            figures, rng, client, a, b, course, lessons, members, enrollments,
            access_token(teacher_headers),
        )  # fmt: skip
    finally:
        a.kill()
        await asyncio.gather(a.stop(), b.stop())


async def _run(
    figures: Any,
    rng: random.Random,
    client: Any,
    a: ServerProcess,
    b: ServerProcess,
    course: Any,
    lessons: list[str],
    members: list[crowd.Member],
    enrollments: dict[str, str],
    teacher_token: str,
) -> None:
    cid = str(course.id)
    room, staff = f"course:{cid}", f"course:{cid}:staff"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        students = []
        for i, member in enumerate(members):
            home, other = (a, b) if i % 2 == 0 else (b, a)
            students.append(
                FaultClient(
                    http,
                    [home.url, other.url],
                    member.token,
                    [room, f"user:{member.id}"],
                    f"s{i}",
                    rng=random.Random(rng.random()),
                    reconnect_delay=RECONNECT_DELAY,
                )
            )
        teachers = [
            FaultClient(
                http,
                [home.url, other.url],
                teacher_token,
                [staff, room],
                f"teacher-{name}",
                rng=random.Random(rng.random()),
                reconnect_delay=RECONNECT_DELAY,
            )
            for name, home, other in (("a", a, b), ("b", b, a))
        ]
        clients = [*teachers, *students]
        on_a = [c for c in clients if c.urls[0] == a.url]
        load = Load(http, [a.url, b.url])
        try:
            await asyncio.gather(*(c.start() for c in clients))
            began = time.monotonic()
            stop = began + LOAD_SECONDS

            async def student(i: int, member: crowd.Member) -> None:
                home = a.url if i % 2 == 0 else b.url
                n = 0
                while time.monotonic() < stop:
                    await asyncio.sleep(rng.uniform(0, 2 * REPORT_EVERY))
                    n += 1
                    lesson = rng.choice(lessons)
                    path = f"/enrollments/{enrollments[member.id]}/lessons/{lesson}/progress"
                    body = {"time_spent_seconds": 5, "report_id": f"{member.id[:8]}-{n}"}
                    await load.send(home, "PUT", path, member.token, body)

            async def teacher() -> None:
                n = 0
                while time.monotonic() < stop:
                    await asyncio.sleep(EDIT_EVERY)
                    n += 1
                    body = {"description": f"Edited {n} times"}
                    await load.send(b.url, "PATCH", f"/courses/{cid}", teacher_token, body)

            async def kill() -> float:
                await asyncio.sleep(KILL_AFTER)
                a.kill()
                return time.time()

            began_at = time.time()
            killer = asyncio.create_task(kill())
            await asyncio.gather(teacher(), *(student(i, m) for i, m in enumerate(members)))
            killed_at = await killer
            # Everyone is back and has caught up with every channel's head.
            bus = client.app[keys.BUS]
            heads = {}
            for c in clients:
                for channel in c.channels:
                    if channel not in heads:
                        heads[channel] = (await bus.position(channel))[0]
            for c in clients:
                await c.connected()
                await until(
                    lambda c=c: all(c.last_seq.get(ch) == heads[ch] for ch in c.channels),
                    what=f"{c.name} caught up",
                )
            histories = {ch: await bus.history(ch, 0) for ch in heads}
        finally:
            await asyncio.gather(*(c.close() for c in clients))

    since = {ch: min(c.first_heads[ch] for c in clients if ch in c.channels) for ch in heads}
    replayed = [r.replayed for c in on_a for r in c.resumes]
    figures.add("clients", f"{len(clients)} ({len(on_a)} on the killed process)")
    figures.add("channels followed", len(heads))
    figures.add("requests (progress reports, course edits)", load.sent)
    figures.add("requests failed over to the other process", load.failed_over)
    figures.add("killed", f"{killed_at - began_at:.1f} s into {LOAD_SECONDS:.0f} s of load")
    figures.add(
        "events published on the followed channels", sum(heads[ch] - since[ch] for ch in heads)
    )
    figures.add(
        "events received, summed over clients",
        sum(len(c.events[ch]) for c in clients for ch in c.channels),
    )
    figures.add(
        "missed while away and replayed on resume (killed clients)",
        f"{sum(replayed)} events over {len(replayed)} resumed subscriptions "
        f"(max {max(replayed)} on one)",
    )
    for c in on_a:
        # Cut off without a close frame, then resumed once on every channel, at the other.
        assert c.connected_to == [c.urls[0], c.urls[1]], (c.name, c.connected_to)
        assert sorted(r.channel for r in c.resumes) == sorted(c.channels), (c.name, c.resumes)
    for c in clients:
        if c not in on_a:
            assert c.connected_to == [c.urls[0]] and not c.resumes, (c.name, c.connected_to)
        assert not (c.failures or c.gaps or c.duplicates or c.resets or c.epoch_changes), (
            c.name, c.failures, c.gaps, c.duplicates, c.resets, c.epoch_changes,
        )  # fmt: skip
        for channel in c.channels:
            published = histories[channel]
            assert published is not None, channel
            owed = [e.decode() for e in published if e.seq > c.first_heads[channel]]
            assert c.events[channel] == owed, (c.name, channel)
    assert sum(replayed) > 0, "nothing was missed"
    await _counters_consistent(enrollments)


async def _counters_consistent(enrollments: dict[str, str]) -> None:
    """The reports that moved the events also moved the counters, once each."""
    for enrollment_id in enrollments.values():
        row = await Enrollment.get(id=uuid.UUID(enrollment_id))
        reports = await ProgressReport.filter(enrollment_id=row.id).count()
        spent = sum(p.time_spent_seconds for p in await LessonProgress.filter(enrollment_id=row.id))
        assert row.total_time_spent_seconds == spent == 5 * reports
