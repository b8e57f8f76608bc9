"""Job figures on /metrics, schedules (cron) and the weekly instructor report."""

from __future__ import annotations

import asyncio
import email
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import pytest
from arq import Retry

from lms_rt import keys
from lms_rt.jobs.cron import CronSpec, InlineCron, arq_cron_jobs, cron_specs
from lms_rt.jobs.registry import JobSpec
from lms_rt.mail.weekly import send_weekly_reports
from tests.factories import complete_lesson, course_lessons
from tests.harness.workers import WorkerProcess, worker_env
from tests.quizzes.helpers import course_with_staff, create_quiz, single, start, student_in, submit

CONTEXT = {"name": "Mona", "verify_url": "https://lms.test/verify?t=abc", "valid_hours": 48}


def _outbox(settings: Any) -> list[email.message.EmailMessage]:
    folder = settings.outbox_dir
    return (
        [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]
        if folder.exists()
        else []
    )


def _figure(text: str, job: str, outcome: str) -> int:
    prefix = f'lms_jobs_total{{job="{job}",outcome="{outcome}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return int(float(line[len(prefix) :]))
    return 0


async def test_in_process_jobs_are_counted_by_outcome_on_metrics(make_client):
    client = await make_client(redis_url="")
    jobs = client.app[keys.JOBS]
    tries: list[int] = []

    async def flaky(ctx: dict[str, Any]) -> None:
        tries.append(ctx["job_try"])
        if len(tries) < 3:
            raise Retry(defer=0.01)

    async def broken(ctx: dict[str, Any]) -> None:
        raise ValueError("no")

    jobs.specs["flaky"] = JobSpec("flaky", flaky, "default")
    jobs.specs["broken"] = JobSpec("broken", broken, "default")
    await jobs.enqueue("flaky")
    await jobs.enqueue("broken")
    await jobs.enqueue("send_email", "a@example.org", "verify_email", CONTEXT, "m:1")
    await jobs.drain()
    assert tries == [1, 2, 3]

    text = await (await client.get("/metrics")).text()
    assert _figure(text, "flaky", "enqueued") == 1
    assert _figure(text, "flaky", "retried") == 2
    assert _figure(text, "flaky", "succeeded") == 1
    assert _figure(text, "broken", "failed") == 1
    assert _figure(text, "send_email", "succeeded") == 1
    assert 'lms_job_seconds_total{job="flaky",outcome="succeeded"}' in text


@pytest.mark.services
async def test_a_worker_process_counts_its_jobs_where_the_api_shows_them(make_client, tmp_path):
    client = await make_client()
    settings = client.app[keys.SETTINGS]
    await client.app[keys.JOBS].enqueue(
        "send_email", "w@example.org", "verify_email", CONTEXT, "metrics:w"
    )
    worker = WorkerProcess(worker_env(settings), tmp_path)
    worker.start("emails")
    try:
        for _ in range(100):
            text = await (await client.get("/metrics")).text()
            if _figure(text, "send_email", "succeeded") == 1:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(worker.log())
    finally:
        await worker.stop()
    assert _figure(text, "send_email", "enqueued") == 1
    assert [m["To"] for m in _outbox(settings)] == ["w@example.org"]


def test_schedules_run_once_per_slot_and_map_to_arq_weekdays(settings):
    ran: list[str] = []
    monday_nine = datetime(2026, 11, 30, 9, 0, 20, tzinfo=UTC)  # a Monday
    now = [monday_nine]

    async def report(ctx: dict[str, Any]) -> None:
        return None

    spec = CronSpec("report", report, "default", weekday=1, hour=9)
    schedules = InlineCron([spec], lambda s: ran.append(s.name), clock=lambda: now[0])
    assert schedules.tick() == ["report:2026-W49-1T09:00"]
    assert schedules.tick() == []  # the same minute again: nothing
    now[0] = monday_nine.replace(minute=1)
    assert schedules.tick() == []
    now[0] = monday_nine + timedelta(days=7)  # next Monday
    assert schedules.tick() == ["report:2026-W50-1T09:00"]
    assert ran == ["report", "report"]

    # Every tenth minute, every hour and day (the certificate repair sweep's kind).
    sweep = CronSpec("sweep", report, "default", minutes=frozenset(range(5, 60, 10)))
    assert sweep.due(monday_nine.replace(minute=15)) and not sweep.due(monday_nine)
    assert sweep.slot(monday_nine.replace(minute=15)) != sweep.slot(monday_nine.replace(minute=25))

    weekly = next(s for s in cron_specs(settings) if s.name == "send_weekly_reports")
    assert (weekly.weekday, weekly.hour) == (
        settings.weekly_report_weekday,
        settings.weekly_report_hour,
    )
    [job] = arq_cron_jobs([spec], lambda s: s.function)
    assert job.weekday == 0 and job.hour == 9 and job.minute == {0} and job.unique


async def test_the_weekly_report_sums_up_each_course_once_a_week(make_client):
    client = await make_client(redis_url="")
    jobs = client.app[keys.JOBS]
    teacher, headers, course = await course_with_staff(client, lessons=1)
    [lesson] = await course_lessons(course)
    quiz, questions = await create_quiz(client, headers, course, [single(correct="a")])
    students = [await student_in(client, course) for _ in range(2)]
    await complete_lesson(client, students[0][0], students[0][2], lesson)
    for (_, student_headers, _), choice in zip(students, ("a", "b"), strict=True):
        attempt = await start(client, quiz, student_headers)
        response = await client.put(
            f"/api/v1/attempts/{attempt['id']}/answers",
            json={"answers": [{"question_id": questions[0]["id"], "response": choice}]},
            headers=student_headers,
        )
        assert response.status == 200
        await submit(client, attempt["id"], student_headers)
    await jobs.drain()
    before = len(_outbox(client.app[keys.SETTINGS]))

    ctx = {"deps": client.app[keys.DEPS]}
    assert await send_weekly_reports(ctx) == 1
    await jobs.drain()
    assert await send_weekly_reports(ctx) == 1  # a second run the same week
    await jobs.drain()
    reports = [m for m in _outbox(client.app[keys.SETTINGS]) if "this week" in m["Subject"]]
    assert len(_outbox(client.app[keys.SETTINGS])) == before + 1
    [report] = reports
    assert report["To"] == teacher.email
    text = report.get_body(("plain",)).get_content()
    assert course.title in text
    assert "New enrollments: 2" in text and "Completions: 1" in text
    assert "Quiz pass rate: 50.0%" in text
