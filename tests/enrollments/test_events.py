"""Enrollment and progress events over a real ``/ws``: on the right channels, and only there."""

from __future__ import annotations

import asyncio

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.schemas import StaffAdd
from lms_rt.users.models import Role
from tests.factories import (
    access_token,
    course_lessons,
    create_course,
    create_user,
    enroll,
    signed_in,
)
from tests.harness.ws import WsClient

API = "/api/v1"


async def socket_for(client, headers) -> WsClient:
    ws = await WsClient.connect(client)
    await ws.auth(access_token(headers))
    return ws


async def next_event(ws: WsClient) -> dict:
    """The next event that is not a presence notice."""
    while True:
        frame = await ws.expect("event")
        if frame["type"] != "presence.changed":
            return frame


async def assert_quiet(client, ws: WsClient, channel: str) -> None:
    """Nothing reached ``ws`` on ``channel``: a marker published now is the next event."""
    await client.app[keys.BUS].publish(channel, "marker", {})
    frame = await next_event(ws)
    assert (frame["channel"], frame["type"]) == (channel, "marker"), frame


async def refused(ws: WsClient, channel: str) -> bool:
    frame = await ws.sub(channel)
    return (frame["op"], frame.get("code"), frame.get("status")) == ("error", "forbidden", 4403)


async def test_enrollment_and_progress_reach_the_staff_channel(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, headers = await signed_in(client, full_name="Salma Student")
    course = await create_course(client, owner, lessons=2)
    other_course = await create_course(client, owner, lessons=1)
    a, b = await course_lessons(course)
    channel = f"course:{course.id}:staff"
    staff_ws = await socket_for(client, owner_headers)
    assert (await staff_ws.sub(channel))["op"] == "ack"

    response = await client.post(
        f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers
    )
    enrollment = await response.json()
    created = await next_event(staff_ws)
    assert (created["channel"], created["type"]) == (channel, "enrollment.created")
    assert created["data"] == {
        "enrollment_id": enrollment["id"],
        "student_id": str(student.id),
        "student_name": "Salma Student",
        "source": "free",
    }

    await client.put(
        f"{API}/enrollments/{enrollment['id']}/lessons/{a.id}/progress",
        json={"time_spent_seconds": 30},
        headers=headers,
    )
    reported = await next_event(staff_ws)
    assert (reported["channel"], reported["type"]) == (channel, "progress.updated")
    assert reported["data"]["lesson_id"] == str(a.id)
    assert reported["data"]["lesson_status"] == "in_progress"
    assert reported["data"]["student_id"] == str(student.id)

    for lesson in (a, b):
        await client.post(
            f"{API}/enrollments/{enrollment['id']}/lessons/{lesson.id}/complete", headers=headers
        )
    first, second, completed = [await next_event(staff_ws) for _ in range(3)]
    assert [first["type"], second["type"], completed["type"]] == [
        "progress.updated",
        "progress.updated",
        "enrollment.completed",
    ]
    assert (first["data"]["completed_lessons_count"], first["data"]["progress_percentage"]) == (
        1,
        50.0,
    )
    assert second["data"]["progress_percentage"] == 100.0
    assert completed["data"]["enrollment_id"] == enrollment["id"]
    assert completed["data"]["completed_at"] is not None

    # Another course's enrollments stay on that course's channel.
    await enroll(client, await create_user(client), other_course)
    await assert_quiet(client, staff_ws, channel)


async def test_bulk_enrollment_is_announced_to_staff(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, owner)
    newcomer = await create_user(client)
    staff_ws = await socket_for(client, owner_headers)
    await staff_ws.sub(f"course:{course.id}:staff")
    response = await client.post(
        f"{API}/courses/{course.id}/enrollments",
        json={"emails": [newcomer.email]},
        headers=owner_headers,
    )
    assert response.status == 200
    event = await next_event(staff_ws)
    assert event["type"] == "enrollment.created"
    assert (event["data"]["student_id"], event["data"]["source"]) == (str(newcomer.id), "staff")


async def test_progress_and_completion_reach_the_students_own_channel_only(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    classmate, classmate_headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    a, b = await course_lessons(course)
    enrollment = await enroll(client, student, course)
    await enroll(client, classmate, course)
    mine = await socket_for(client, headers)
    assert (await mine.sub(f"user:{student.id}"))["op"] == "ack"
    theirs = await socket_for(client, classmate_headers)
    assert (await theirs.sub(f"user:{classmate.id}"))["op"] == "ack"

    await client.put(
        f"{API}/enrollments/{enrollment.id}/lessons/{a.id}/progress",
        json={"time_spent_seconds": 15},
        headers=headers,
    )
    for lesson in (a, b):
        response = await client.post(
            f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/complete", headers=headers
        )
        assert response.status == 200
    events = [await next_event(mine) for _ in range(4)]
    assert [e["type"] for e in events] == [
        "progress.updated",
        "progress.updated",
        "progress.updated",
        "enrollment.completed",
    ]
    assert {e["channel"] for e in events} == {f"user:{student.id}"}
    assert [e["data"]["progress_percentage"] for e in events[:3]] == [0.0, 50.0, 100.0]
    assert [e["data"]["lesson_status"] for e in events[:3]] == [
        "in_progress",
        "completed",
        "completed",
    ]
    assert events[3]["data"]["enrollment_id"] == str(enrollment.id)
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    # Completing again changes nothing and says nothing.
    await client.post(f"{API}/enrollments/{enrollment.id}/lessons/{b.id}/complete", headers=headers)
    await assert_quiet(client, mine, f"user:{student.id}")
    # The classmate, on their own channel, heard none of it.
    await assert_quiet(client, theirs, f"user:{classmate.id}")
    assert not [f for f in theirs.backlog if f.get("op") == "event"]


async def test_who_may_follow_the_course_channels(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    _, other_teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    student, student_headers = await signed_in(client)
    _, outsider_headers = await signed_in(client)
    leaver, leaver_headers = await signed_in(client)
    course = await create_course(client, owner)
    await courses.add_staff(course, StaffAdd(email=assistant.email))
    await enroll(client, student, course)
    left = await enroll(client, leaver, course)
    await client.post(f"{API}/enrollments/{left.id}/drop", headers=leaver_headers)
    public, staff = f"course:{course.id}", f"course:{course.id}:staff"

    enrolled_ws = await socket_for(client, student_headers)
    assert (await enrolled_ws.sub(public))["op"] == "ack"
    assert await refused(enrolled_ws, staff)
    await enrolled_ws.send({"op": "ping"})
    assert (await enrolled_ws.expect("pong"))["op"] == "pong"  # the socket stays open
    for headers in (outsider_headers, leaver_headers, other_teacher_headers):
        ws = await socket_for(client, headers)
        assert await refused(ws, public)
        assert await refused(ws, staff)
        await ws.close()
    for headers in (owner_headers, assistant_headers, admin_headers):
        ws = await socket_for(client, headers)
        assert (await ws.sub(public))["op"] == "ack"
        assert (await ws.sub(staff))["op"] == "ack"
        await ws.close()
    stranger = await socket_for(client, owner_headers)
    assert await refused(stranger, "course:not-a-uuid:staff")
    assert await refused(stranger, "course:00000000-0000-0000-0000-000000000000")


async def test_the_enrolled_student_hears_nothing_from_the_staff_channel(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, owner, lessons=1)
    [lesson] = await course_lessons(course)
    enrollment = await enroll(client, student, course)
    ws = await socket_for(client, headers)
    await ws.sub(f"course:{course.id}")
    assert await refused(ws, f"course:{course.id}:staff")
    await client.post(
        f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/complete", headers=headers
    )
    await enroll(client, await create_user(client), course)
    await assert_quiet(client, ws, f"course:{course.id}")


async def test_completion_by_a_lesson_becoming_optional_is_announced(client):
    """The enrollment completes when its last open required lesson stops being required, and
    the student and staff hear ``enrollment.completed`` as when a lesson is completed."""
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    a, b = await course_lessons(course)
    enrollment = await enroll(client, student, course)
    await client.post(f"{API}/enrollments/{enrollment.id}/lessons/{a.id}/complete", headers=headers)
    mine = await socket_for(client, headers)
    await mine.sub(f"user:{student.id}")
    staff_ws = await socket_for(client, owner_headers)
    await staff_ws.sub(f"course:{course.id}:staff")
    response = await client.patch(
        f"{API}/courses/{course.id}/lessons/{b.id}",
        json={"is_optional": True},
        headers=owner_headers,
    )
    assert response.status == 200
    for ws, channel in ((mine, f"user:{student.id}"), (staff_ws, f"course:{course.id}:staff")):
        await client.app[keys.BUS].publish(channel, "marker", {})
        heard = []
        while not heard or heard[-1]["type"] != "marker":
            heard.append(await next_event(ws))
        completions = [e for e in heard if e["type"] == "enrollment.completed"]
        assert len(completions) == 1, (channel, [e["type"] for e in heard])
        assert completions[0]["data"]["enrollment_id"] == str(enrollment.id)


async def test_two_last_lessons_completed_at_once_announce_one_completion(client):
    owner = await create_user(client, role=Role.INSTRUCTOR)
    student, headers = await signed_in(client)
    course = await create_course(client, owner, lessons=2)
    a, b = await course_lessons(course)
    enrollment = await enroll(client, student, course)
    ws = await socket_for(client, headers)
    await ws.sub(f"user:{student.id}")
    responses = await asyncio.gather(
        *(
            client.post(
                f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/complete",
                headers=headers,
            )
            for lesson in (a, b, a, b)
        )
    )
    assert {r.status for r in responses} == {200}
    await client.app[keys.BUS].publish(f"user:{student.id}", "marker", {})
    heard = []
    while not heard or heard[-1]["type"] != "marker":
        heard.append(await next_event(ws))
    types = [e["type"] for e in heard[:-1]]
    assert types.count("enrollment.completed") == 1, types
    assert types.count("progress.updated") == 2, types  # one per lesson, not per request
    # The request that finished the course said so after its own progress event.
    finishing = next(
        i for i, e in enumerate(heard) if e["data"].get("progress_percentage") == 100.0
    )
    assert types.index("enrollment.completed") > finishing


async def test_losing_access_ends_the_subscriptions_it_allowed(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client)
    course = await create_course(client, owner)
    await courses.add_staff(course, StaffAdd(email=assistant.email))
    enrollment = await enroll(client, student, course)
    public, staff = f"course:{course.id}", f"course:{course.id}:staff"
    student_ws = await socket_for(client, student_headers)
    assert (await student_ws.sub(public))["op"] == "ack"
    assert (await student_ws.sub(f"user:{student.id}"))["op"] == "ack"
    assistant_ws = await socket_for(client, assistant_headers)
    assert (await assistant_ws.sub(staff))["op"] == "ack"

    # Dropping the course ends the student's course channel, and only that one.
    response = await client.post(f"{API}/enrollments/{enrollment.id}/drop", headers=student_headers)
    assert response.status == 200
    ended = await student_ws.expect("error")
    assert (ended["code"], ended["status"], ended["channel"]) == ("forbidden", 4403, public)
    await client.app[keys.BUS].publish(public, "after", {})
    await client.app[keys.BUS].publish(f"user:{student.id}", "marker", {})
    frame = await next_event(student_ws)
    assert (frame["channel"], frame["type"]) == (f"user:{student.id}", "marker"), frame

    # An assistant taken off the staff loses the staff channel.
    response = await client.delete(
        f"{API}/courses/{course.id}/staff/{assistant.id}", headers=owner_headers
    )
    assert response.status == 204
    ended = await assistant_ws.expect("error")
    assert ended["channel"] == staff
    assert await refused(assistant_ws, staff)
