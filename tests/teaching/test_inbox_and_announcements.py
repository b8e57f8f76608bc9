"""The notification inbox (counts, read marks, preferences, the live push) and announcements
(published now or by the job at their time, delivered to the class as each prefers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt import keys
from lms_rt.announcements.models import Announcement
from lms_rt.announcements.service import (
    deliver_announcement,
    publish_announcement,
    publish_due,
)
from lms_rt.notifications.models import Notification
from lms_rt.users.models import Role
from tests.certificates.helpers import HeldJobs
from tests.factories import create_course, enroll, signed_in
from tests.quizzes.helpers import (
    course_with_staff,
    create_quiz,
    save,
    single,
    socket,
    start,
    student_in,
    submit,
)
from tests.teaching.helpers import API, delivered, embedded, outbox


async def test_the_inbox_counts_marks_and_pushes_live(client):
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Botany")
    student, headers = await signed_in(client)
    ws = await socket(client, headers, f"user:{student.id}")
    await enroll(client, student, course)
    pushed = await ws.expect("event")
    while pushed["type"] != "notification.created":
        pushed = await ws.expect("event")
    assert pushed["data"]["type"] == "enrollment_confirmed"
    assert "Botany" in pushed["data"]["title"]

    response = await client.get(f"{API}/notifications/unread-count", headers=headers)
    assert (await response.json())["unread"] == 1
    page = await (await client.get(f"{API}/notifications?unread=true", headers=headers)).json()
    [item] = page["items"]
    assert item["read_at"] is None and item["link"] == f"/courses/{course.slug}"
    response = await client.post(f"{API}/notifications/{item['id']}/read", headers=headers)
    assert response.status == 200 and (await response.json())["read_at"]
    assert (await (await client.get(f"{API}/notifications?unread=true", headers=headers)).json())[
        "total"
    ] == 0

    # Another user's notification by id: not found.
    _, other = await signed_in(client)
    response = await client.post(f"{API}/notifications/{item['id']}/read", headers=other)
    assert response.status == 404
    response = await client.post(f"{API}/notifications/read-all", headers=headers)
    assert (await response.json())["unread"] == 0


async def test_preferences_choose_inbox_email_both_or_none(client):
    _, headers = await signed_in(client)
    response = await client.get(f"{API}/users/me/notification-preferences", headers=headers)
    defaults = (await response.json())["preferences"]
    assert defaults["announcement"] == "both" and defaults["grade_released"] == "inbox"
    response = await client.put(
        f"{API}/users/me/notification-preferences",
        json={"preferences": {"announcement": "none", "grade_released": "email"}},
        headers=headers,
    )
    chosen = (await response.json())["preferences"]
    assert chosen["announcement"] == "none" and chosen["grade_released"] == "email"
    assert chosen["payment_result"] == "inbox"
    response = await client.put(
        f"{API}/users/me/notification-preferences",
        json={"preferences": {"announcement": "loud"}},
        headers=headers,
    )
    assert response.status == 422


async def test_announcements_reach_the_class_as_each_prefers(client):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Chemistry")
    both, both_headers = await signed_in(client, full_name="Both")
    quiet, quiet_headers = await signed_in(client, full_name="Quiet")
    _, outsider_headers = await signed_in(client)
    for student in (both, quiet):
        await enroll(client, student, course)
    await client.put(
        f"{API}/users/me/notification-preferences",
        json={"preferences": {"announcement": "none"}},
        headers=quiet_headers,
    )
    course_ws = await socket(client, both_headers, f"course:{course.id}")

    response = await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "Lab moved", "body": "Room 4 today.", "pinned": True},
        headers=teacher_headers,
    )
    assert response.status == 201, await response.text()
    created = await response.json()
    assert created["published_at"] is not None
    event = await course_ws.expect("event")
    while event["type"] != "announcement.published":
        event = await course_ws.expect("event")
    assert event["data"]["title"] == "Lab moved"
    await delivered(client, created["id"])
    kinds = {
        n.user_id: n.type
        for n in await Notification.filter(type="announcement", user_id__in=[both.id, quiet.id])
    }
    assert kinds == {both.id: "announcement"}  # the quiet one asked for none
    if embedded(client):
        mails = [m for m in outbox(client) if "Lab moved" in m["Subject"]]
        assert [m["To"] for m in mails] == [both.email]

    # Students of the course see it; others do not; only staff may announce.
    listed = await client.get(f"{API}/courses/{course.id}/announcements", headers=both_headers)
    assert [a["title"] for a in (await listed.json())["items"]] == ["Lab moved"]
    response = await client.get(
        f"{API}/courses/{course.id}/announcements", headers=outsider_headers
    )
    assert response.status == 404
    response = await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "x", "body": "y"},
        headers=both_headers,
    )
    assert response.status == 403


async def test_a_scheduled_announcement_is_published_at_its_time_once(client, monkeypatch):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    student, headers = await signed_in(client)
    await enroll(client, student, course)
    jobs = HeldJobs(client, monkeypatch)  # the test runs each job itself, as a worker would
    when = datetime.now(UTC) + timedelta(hours=2)
    response = await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "Exam on Monday", "body": "Bring a pencil.", "publish_at": when.isoformat()},
        headers=teacher_headers,
    )
    created = await response.json()
    assert created["published_at"] is None
    [(args, options)] = jobs.of("publish_announcement")
    assert args == (created["id"],) and options["job_id"] == f"announcement:{created['id']}"
    assert 7100 < options["defer_by"] <= 7200
    # Not yet visible to students, and the job run early publishes nothing.
    listed = await client.get(f"{API}/courses/{course.id}/announcements", headers=headers)
    assert (await listed.json())["items"] == []
    deps = client.app[keys.DEPS]
    ctx = {"deps": deps}
    assert await publish_announcement(ctx, created["id"]) == "not due or already published"
    assert jobs.of("deliver_announcement") == []
    later = when + timedelta(seconds=1)
    monkeypatch.setattr(deps.clock, "now", lambda: later)
    results = [await publish_announcement(ctx, created["id"]), await publish_due(ctx)]
    assert results == ["published", 0]
    row = await Announcement.get(id=created["id"])
    assert row.published_at == later
    # Delivery is queued under one id (the sweep asks again; the queue refuses the repeat),
    # and running it twice tells the student once.
    queued = jobs.of("deliver_announcement")
    assert {o["job_id"] for _, o in queued} == {f"announcement-delivery:{created['id']}"}
    first, again = [await deliver_announcement(ctx, *queued[0][0]) for _ in range(2)]
    assert (first, again) == (
        "1 inbox notification(s) added",
        "0 inbox notification(s) added",
    )
    assert await Notification.filter(user_id=student.id, type="announcement").count() == 1


async def test_a_released_grade_lands_in_the_inbox(client):
    _, staff_headers, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff_headers, course, [single(correct="a")])
    _student, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (questions[0]["id"], "a"))
    await submit(client, attempt["id"], headers)
    page = await (await client.get(f"{API}/notifications", headers=headers)).json()
    graded = [n for n in page["items"] if n["type"] == "grade_released"]
    assert len(graded) == 1
    assert graded[0]["body"] == "100.0 %" and graded[0]["data"]["attempt_id"] == attempt["id"]
