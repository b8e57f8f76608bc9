"""One walk through the catalog and learning flow, end to end over HTTP and /ws."""

from __future__ import annotations

from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.harness.ws import WsClient


async def test_author_publish_enroll_progress_complete(client):
    _, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    student, student_headers = await signed_in(client, Role.STUDENT)
    created = await client.post(
        "/api/v1/courses",
        json={
            "title": "Intro to Python",
            "description": "Learn Python from zero",
            "category": "programming",
        },
        headers=teacher_headers,
    )
    assert created.status == 201, await created.text()
    course = await created.json()
    assert course["slug"] == "intro-to-python" and not course["is_published"]
    refused = await client.post(f"/api/v1/courses/{course['id']}/publish", headers=teacher_headers)
    assert refused.status == 409
    lessons = []
    for title in ("Variables", "Loops"):
        response = await client.post(
            f"/api/v1/courses/{course['id']}/lessons",
            json={"title": title, "content": f"All about {title}", "is_published": True},
            headers=teacher_headers,
        )
        assert response.status == 201, await response.text()
        lessons.append(await response.json())
    published = await client.post(
        f"/api/v1/courses/{course['id']}/publish", headers=teacher_headers
    )
    assert published.status == 200
    catalog = await (await client.get("/api/v1/courses?q=python")).json()
    assert [c["id"] for c in catalog["items"]] == [course["id"]]

    staff_ws = await WsClient.connect(client)
    await staff_ws.auth(teacher_headers["Authorization"].split()[1])
    assert (await staff_ws.sub(f"course:{course['id']}:staff"))["op"] == "ack"
    student_ws = await WsClient.connect(client)
    await student_ws.auth(student_headers["Authorization"].split()[1])
    assert (await student_ws.sub(f"course:{course['id']}:staff"))["status"] == 4403
    await student_ws.sub(f"user:{student.id}")

    enrolled = await client.post(
        "/api/v1/enrollments", json={"course_id": course["id"]}, headers=student_headers
    )
    assert enrolled.status == 201, await enrolled.text()
    enrollment = await enrolled.json()
    assert enrollment["total_lessons_count"] == 2
    created_event = await staff_ws.expect("event")
    assert created_event["type"] == "enrollment.created"

    for lesson in lessons:
        done = await client.post(
            f"/api/v1/enrollments/{enrollment['id']}/lessons/{lesson['id']}/complete",
            headers=student_headers,
        )
        assert done.status == 200, await done.text()
    final = await (
        await client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=student_headers)
    ).json()
    assert final["status"] == "completed" and final["progress_percentage"] == 100.0
    types: list[str] = []
    while len(types) < 3:
        kind = (await student_ws.expect("event"))["type"]
        if kind != "notification.created":  # the inbox's own push of the enrollment
            types.append(kind)
    assert types == ["progress.updated", "progress.updated", "enrollment.completed"]
    mine = await (
        await client.get("/api/v1/enrollments/my-courses", headers=student_headers)
    ).json()
    assert mine[0]["course"]["id"] == course["id"] and mine[0]["next_lesson"] is None
