"""Announcements: the request stores and publishes in one transaction and leaves the class to
the ``deliver_announcement`` job (inbox rows and mail by preference, in batches, once), the
sweep takes each due announcement on its own, times need their zone, lists are pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt import keys
from lms_rt.announcements import service
from lms_rt.announcements.models import Announcement
from lms_rt.announcements.service import deliver_announcement, publish_due
from lms_rt.notifications.models import Notification
from lms_rt.users.models import Role
from tests.factories import create_course, enroll, signed_in
from tests.quizzes.helpers import Clock
from tests.teaching.helpers import API, Recorder, delivered, drain, embedded, outbox


async def _announce(client, course, headers, **body):
    return await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "Lab moved", "body": "Room 4 today.", **body},
        headers=headers,
    )


async def test_publishing_costs_one_job_and_the_job_tells_each_student_as_they_prefer(
    client, monkeypatch
):
    monkeypatch.setattr(service, "DELIVERY_BATCH", 4)  # three batches for the eleven below
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Chemistry")
    students = {}
    for n, preference in enumerate(["both"] * 5 + ["inbox"] * 2 + ["email"] * 2 + ["none"] * 2):
        student, headers = await signed_in(client, full_name=f"Student {n}")
        await enroll(client, student, course)
        await client.put(
            f"{API}/users/me/notification-preferences",
            json={"preferences": {"announcement": preference}},
            headers=headers,
        )
        students[student.id] = (student, preference)
    outsider, _ = await signed_in(client)
    recorded = Recorder(client, monkeypatch)

    response = await _announce(client, course, teacher_headers)
    assert response.status == 201, await response.text()
    created = await response.json()
    # The request: one event for the course and one delivery job, whatever the class size.
    assert recorded.until("enqueue", "deliver_announcement") == [
        ("publish", "announcement.published"),
        ("enqueue", "deliver_announcement"),
    ]
    await delivered(client, created["id"])

    inbox = await Notification.filter(type="announcement").values_list("user_id", flat=True)
    assert sorted(inbox) == sorted(u for u, (_, p) in students.items() if p in ("both", "inbox"))
    mailed = [s.email for s, p in students.values() if p in ("both", "email")]
    assert sorted(recorded.mails_to()) == sorted(mailed)
    assert outsider.id not in inbox
    assert recorded.count("publish", "notification.created") == len(inbox)

    # Run again (a retry, or the sweep's second asking): nobody gets a second inbox row, and
    # the mail goes out under the same keys, so no second message.
    ctx = {"deps": client.app[keys.DEPS], "job_try": 2}
    result = await deliver_announcement(ctx, created["id"])
    assert result == "0 inbox notification(s) added"
    assert await Notification.filter(type="announcement").count() == len(inbox)
    if embedded(client):
        await drain(client)
        mails = [m for m in outbox(client) if "Lab moved" in m["Subject"]]
        assert sorted(m["To"] for m in mails) == sorted(mailed)
        assert len({m["Message-ID"] for m in mails}) == len(mailed)


async def test_a_publish_at_without_a_timezone_is_refused(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    naive = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    response = await _announce(client, course, headers, publish_at=naive)
    assert response.status == 422, await response.text()
    assert "publish_at" in str((await response.json())["error"]["details"])
    assert await Announcement.filter(course_id=course.id).count() == 0
    aware = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = await _announce(client, course, headers, publish_at=aware)
    assert response.status == 201


async def test_a_lost_schedule_job_leaves_one_row_that_the_sweep_publishes(client, monkeypatch):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    student, _ = await signed_in(client)
    await enroll(client, student, course)
    clock = Clock(client, monkeypatch)
    jobs = client.app[keys.JOBS]
    enqueue = jobs.enqueue

    async def queue_down_for_scheduling(name, *args, **options):
        if name == "publish_announcement":
            raise ConnectionError("Redis is away")
        return await enqueue(name, *args, **options)

    monkeypatch.setattr(jobs, "enqueue", queue_down_for_scheduling)
    when = clock.at + timedelta(hours=1)
    response = await _announce(client, course, teacher_headers, publish_at=when.isoformat())
    # Stored and scheduled is what the author gets; the queue's failure came after the commit.
    assert response.status == 201, await response.text()
    [row] = await Announcement.filter(course_id=course.id)
    assert row.published_at is None

    clock.set(when + timedelta(minutes=1))
    assert await publish_due({"deps": client.app[keys.DEPS]}) == 1
    await delivered(client, str(row.id))
    assert await Notification.filter(user_id=student.id, type="announcement").count() == 1


async def test_the_sweep_publishes_every_due_row_even_when_one_fails(client, monkeypatch):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    clock = Clock(client, monkeypatch)
    for minutes in (10, 20, 30):
        when = clock.at + timedelta(minutes=minutes)
        response = await _announce(client, course, teacher_headers, publish_at=when.isoformat())
        assert response.status == 201
    clock.set(clock.at + timedelta(hours=1))
    now = clock.at
    calls = 0

    def flaky_now() -> datetime:
        """The sweep reads the clock once, then each publication once: the first fails."""
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database connection lost")
        return now

    deps = client.app[keys.DEPS]
    monkeypatch.setattr(deps.clock, "now", flaky_now)
    assert await publish_due({"deps": deps}) == 2
    rows = await Announcement.filter(course_id=course.id).order_by("publish_at")
    assert [r.published_at is not None for r in rows] == [False, True, True]
    # The next sweep takes the one left.
    assert await publish_due({"deps": deps}) == 1
    assert await Announcement.filter(course_id=course.id, published_at=None).count() == 0


async def test_announcements_are_listed_in_pages_pinned_first(client):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    student, headers = await signed_in(client)
    await enroll(client, student, course)
    for title, pinned in (("First", False), ("Pinned", True), ("Third", False)):
        response = await _announce(client, course, teacher_headers, title=title, pinned=pinned)
        assert response.status == 201
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await _announce(client, course, teacher_headers, title="Scheduled", publish_at=later)

    page = await (
        await client.get(f"{API}/courses/{course.id}/announcements?limit=2", headers=headers)
    ).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [a["title"] for a in page["items"]] == ["Pinned", "Third"]
    page = await (
        await client.get(
            f"{API}/courses/{course.id}/announcements?limit=2&offset=2", headers=headers
        )
    ).json()
    assert [a["title"] for a in page["items"]] == ["First"]
    # Staff see the scheduled one too.
    page = await (
        await client.get(f"{API}/courses/{course.id}/announcements", headers=teacher_headers)
    ).json()
    assert page["total"] == 4
    response = await client.get(
        f"{API}/courses/{course.id}/announcements?limit=101", headers=headers
    )
    assert response.status == 422
