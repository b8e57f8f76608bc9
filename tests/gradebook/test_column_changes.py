"""``gradebook.changed`` reaches a real websocket on ``course:<id>:staff`` when a column's
make-up changes: a graded quiz published, unpublished, deleted, or its type, scoring policy,
category or closing time changed; an assignment's category, due date, late rules or points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.assignments.helpers import assignment_course
from tests.gradebook.helpers import four_questions
from tests.quizzes.helpers import (
    API,
    course_with_staff,
    create_quiz,
    events_until_marker,
    of_type,
    socket,
)


def _reasons(events: list[dict]) -> list[str]:
    return [e["data"]["reason"] for e in of_type(events, "gradebook.changed")]


async def test_graded_quiz_changes_tell_the_staff_to_refetch(client):
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    ws = await socket(client, staff, channel)
    quiz, _ = await create_quiz(client, staff, course, four_questions(), type="graded")
    assert _reasons(await events_until_marker(client, ws, channel)) == ["quiz published"]

    url = f"{API}/quizzes/{quiz['id']}"
    response = await client.patch(url, json={"scoring_policy": "latest"}, headers=staff)
    assert response.status == 200, await response.text()
    [event] = of_type(await events_until_marker(client, ws, channel), "gradebook.changed")
    assert event["data"] == {"course_id": str(course.id), "reason": "quiz scoring_policy changed"}

    until = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    await client.patch(url, json={"available_until": until, "title": "Renamed"}, headers=staff)
    assert _reasons(await events_until_marker(client, ws, channel)) == [
        "quiz available_until changed"
    ]
    # The same values again, or a change the gradebook does not show: nothing.
    await client.patch(url, json={"scoring_policy": "latest", "passing_score": 50}, headers=staff)
    assert _reasons(await events_until_marker(client, ws, channel)) == []

    await client.post(f"{url}/unpublish", headers=staff)
    assert _reasons(await events_until_marker(client, ws, channel)) == ["quiz unpublished"]
    await client.post(f"{url}/publish", headers=staff)
    await client.patch(url, json={"type": "practice"}, headers=staff)
    assert _reasons(await events_until_marker(client, ws, channel)) == [
        "quiz published",
        "quiz type changed",
    ]
    await client.patch(url, json={"type": "graded"}, headers=staff)
    response = await client.delete(url, headers=staff)
    assert response.status == 204
    assert _reasons(await events_until_marker(client, ws, channel)) == [
        "quiz type changed",
        "quiz deleted",
    ]

    # A practice quiz is no column: publishing or changing it says nothing.
    practice, _ = await create_quiz(client, staff, course, four_questions())
    await client.patch(
        f"{API}/quizzes/{practice['id']}", json={"scoring_policy": "average"}, headers=staff
    )
    assert _reasons(await events_until_marker(client, ws, channel)) == []
    await ws.close()


async def test_assignment_changes_tell_the_staff_to_refetch(client):
    setup = await assignment_course(client, max_points=20)
    channel = f"course:{setup.course.id}:staff"
    ws = await socket(client, setup.teacher_headers, channel)
    url = f"{API}/assignments/{setup.assignment['id']}"
    due = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)

    response = await client.patch(
        url,
        json={"due_at": due.isoformat(), "max_points": 25, "title": "Essay II"},
        headers=setup.teacher_headers,
    )
    assert response.status == 200, await response.text()
    [event] = of_type(await events_until_marker(client, ws, channel), "gradebook.changed")
    assert event["data"] == {
        "course_id": str(setup.course.id),
        "reason": "assignment due_at, max_points changed",
    }
    await client.patch(
        url,
        json={"late_policy": "accept", "late_days": 2, "gradebook_category": "projects"},
        headers=setup.teacher_headers,
    )
    assert _reasons(await events_until_marker(client, ws, channel)) == [
        "assignment gradebook_category, late_days, late_policy changed"
    ]
    # Instructions and the same due date again change no column.
    await client.patch(
        url,
        json={"instructions": "Two pages.", "due_at": due.isoformat()},
        headers=setup.teacher_headers,
    )
    assert _reasons(await events_until_marker(client, ws, channel)) == []
    await ws.close()
