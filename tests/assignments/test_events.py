"""The live events, received by real websockets after the changes commit."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.assignments.helpers import (
    assignment_course,
    enrolled,
    graded,
    return_for_resubmission,
    submitted,
    upload_for,
)
from tests.files.helpers import pdf
from tests.quizzes.helpers import Clock, dumps, events_until_marker, of_type, socket

DUE = datetime(2030, 2, 1, 12, tzinfo=UTC)


async def test_a_submission_reaches_the_staff_channel_without_its_contents(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE)
    setup = await assignment_course(
        client, due_at=DUE, late_policy="accept", late_days=3, late_penalty_percent=5
    )
    student, headers = await enrolled(client, setup, full_name="Noor")
    staff_ws = await socket(client, setup.teacher_headers, f"course:{setup.course.id}:staff")
    upload = await upload_for(client, setup, headers, pdf(), "answer.pdf")
    clock.move(hours=30)  # two started days late
    submission = await submitted(
        client, setup, headers, body="The secret of my answer", file_ids=[upload["id"]]
    )

    events = of_type(
        await events_until_marker(client, staff_ws, f"course:{setup.course.id}:staff"),
        "submission.created",
    )
    assert len(events) == 1
    data = events[0]["data"]
    assert data["submission_id"] == submission["id"]
    assert data["assignment_id"] == setup.assignment["id"]
    assert data["student_id"] == str(student.id) and data["student_name"] == "Noor"
    assert (data["attempt"], data["is_late"], data["days_late"]) == (1, True, 2)
    assert (data["penalty_percent"], data["file_count"], data["has_text"]) == (10.0, 1, True)
    assert "The secret of my answer" not in dumps(events[0])
    await staff_ws.close()


async def test_grading_and_returning_reach_the_student_live(client):
    setup = await assignment_course(client, max_points=50)
    student, headers = await enrolled(client, setup)
    channel = f"user:{student.id}"
    ws = await socket(client, headers, channel)
    submission = await submitted(client, setup, headers)
    await graded(client, submission["id"], setup.teacher_headers, raw_score=41, feedback="Neat")

    frames = []
    while True:
        frame = await ws.expect("event")
        frames.append(frame)
        if frame["type"] == "submission.graded":
            break
    graded_event = frames[-1]["data"]
    assert graded_event["submission_id"] == submission["id"]
    assert (graded_event["raw_score"], graded_event["score"]) == (41, 41)
    assert (graded_event["penalty_percent"], graded_event["max_points"]) == (0, 50)
    assert graded_event["feedback"] == "Neat" and graded_event["status"] == "graded"
    rest = await events_until_marker(client, ws, channel)
    # The inbox's push (after the grade), and the lesson now completed on the progress feed.
    progress = of_type(rest, "progress.updated")
    assert progress and progress[-1]["data"]["lesson_id"] == str(setup.lesson.id)

    response = await return_for_resubmission(
        client, submission["id"], setup.teacher_headers, "Add a diagram"
    )
    assert response.status == 200
    seen = []
    while not {"submission.returned", "notification.created"} <= {f["type"] for f in seen}:
        seen.append(await ws.expect("event"))
    [returned] = of_type(seen, "submission.returned")
    assert returned["data"]["feedback"] == "Add a diagram"
    [note] = of_type(seen, "notification.created")
    assert note["data"]["type"] == "submission_returned"
    await ws.close()


async def test_the_grade_is_in_the_students_inbox_push(client):
    setup = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    ws = await socket(client, headers, f"user:{student.id}")
    await graded(client, submission["id"], setup.teacher_headers, raw_score=64)
    pushed = await ws.expect("event")
    while pushed["type"] != "notification.created":
        pushed = await ws.expect("event", timeout=5)
    assert pushed["data"]["type"] == "grade_released"
    assert pushed["data"]["body"] == "64 / 100"
    assert pushed["data"]["data"]["submission_id"] == submission["id"]
    await ws.close()
