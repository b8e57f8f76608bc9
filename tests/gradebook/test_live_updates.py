"""``gradebook.updated`` reaches a real websocket on ``course:<id>:staff`` whenever a grade
changes: an attempt graded at submit, an essay graded by staff, a regrade (one event for the
class), a counting live session ended (its new column)."""

from __future__ import annotations

from datetime import timedelta

from lms_rt.enrollments.models import Enrollment
from lms_rt.live.models import LiveSession
from tests.gradebook.helpers import category_of, four_questions, gradebook, row_of, take
from tests.live.helpers import join, ok
from tests.quizzes.helpers import (
    API,
    Clock,
    course_with_staff,
    create_quiz,
    essay,
    events_until_marker,
    of_type,
    save,
    single,
    socket,
    start,
    student_in,
    submit,
    true_false,
)


async def test_a_graded_attempt_updates_the_gradebook_live(client):
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    ws = await socket(client, staff, channel)
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    student, headers, _ = await student_in(client, course)
    await events_until_marker(client, ws, channel)  # enrollment events, not followed here

    await take(client, quiz, questions, headers, right=3)
    [updated] = of_type(await events_until_marker(client, ws, channel), "gradebook.updated")
    assert updated["data"]["course_id"] == str(course.id)
    assert [c["key"] for c in updated["data"]["columns"]] == [f"quiz:{quiz['id']}"]
    [row] = updated["data"]["rows"]
    assert row["student_id"] == str(student.id)
    assert row["cells"][f"quiz:{quiz['id']}"]["percentage"] == 75
    assert (row["final_percentage"], row["letter"]) == (75, "C")
    # The event carries what a fresh read shows.
    assert row == row_of(await gradebook(client, course, staff), student)

    # A practice quiz is no column: its attempts change nothing in the gradebook.
    practice, practice_questions = await create_quiz(client, staff, course, four_questions())
    await take(client, practice, practice_questions, headers, right=1)
    assert of_type(await events_until_marker(client, ws, channel), "gradebook.updated") == []


async def test_essay_grading_turns_a_pending_cell_into_a_grade(client):
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    quiz, [choice, text] = await create_quiz(
        client, staff, course, [single(points=1), essay(points=3)], type="graded"
    )
    student, headers, _ = await student_in(client, course)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (choice["id"], "a"), (text["id"], "An essay"))
    ws = await socket(client, staff, channel)
    await submit(client, attempt["id"], headers)
    [pending] = of_type(await events_until_marker(client, ws, channel), "gradebook.updated")
    [row] = pending["data"]["rows"]
    assert row["student_id"] == str(student.id)
    cell = row["cells"][f"quiz:{quiz['id']}"]
    assert (cell["status"], cell["percentage"]) == ("pending", None)

    response = await client.post(
        f"{API}/attempts/{attempt['id']}/grade",
        json={"grades": [{"question_id": text["id"], "points": 2}]},
        headers=staff,
    )
    assert response.status == 200, await response.text()
    [graded] = of_type(await events_until_marker(client, ws, channel), "gradebook.updated")
    cell = graded["data"]["rows"][0]["cells"][f"quiz:{quiz['id']}"]
    assert (cell["status"], cell["percentage"], cell["score"]) == ("graded", 75, 3)  # (1 + 2) / 4


async def test_a_regrade_sends_one_update_for_the_class(client):
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    students = []
    for right in (1, 2, 3):
        student, headers, _ = await student_in(client, course)
        await take(client, quiz, questions, headers, right=right)
        students.append(student)
    ws = await socket(client, staff, channel)
    # "b" becomes the right answer of the first question, which all three answered "a":
    # 25, 50 and 75 % become 0, 25 and 50 %.
    response = await client.post(
        f"{API}/quizzes/{quiz['id']}/regrade",
        json={"questions": [{"question_id": questions[0]["id"], "answer_key": {"correct": "b"}}]},
        headers=staff,
    )
    assert response.status == 200, await response.text()
    [updated] = of_type(await events_until_marker(client, ws, channel), "gradebook.updated")
    by_student = {r["student_id"]: r for r in updated["data"]["rows"]}
    assert set(by_student) == {str(s.id) for s in students}
    assert [by_student[str(s.id)]["final_percentage"] for s in students] == [0, 25, 50]


async def test_a_counting_live_session_becomes_a_column_when_it_ends(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    questions = [single(correct="b"), true_false(correct=False), single(correct="c")]
    quiz, staff_questions = await create_quiz(client, staff, course, questions, type="graded")
    response = await client.post(
        f"{API}/live/sessions",
        json={
            "course_id": str(course.id),
            "kind": "quiz",
            "quiz_id": quiz["id"],
            "counts_as_attempt": True,
            "speed_bonus": False,
            "show_leaderboard": False,
        },
        headers=staff,
    )
    assert response.status == 201, await response.text()
    session = await response.json()
    sid = session["id"]
    host = await socket(client, staff, f"live:{sid}", f"live:{sid}:host")
    player, player_headers, _ = await student_in(client, course, full_name="Player")
    absent, _, _ = await student_in(client, course, full_name="Absent")
    await join(client, player_headers, session["join_code"])
    player_ws = await socket(client, player_headers, f"live:{sid}")
    staff_ws = await socket(client, staff, channel)
    clock.move(minutes=1)  # the session runs after both enrolled

    await ok(host, "live.start", session_id=sid)
    for question, choice in zip(staff_questions, ("b", False, "a"), strict=True):
        await ok(host, "live.next", session_id=sid)
        await ok(
            player_ws, "live.answer", session_id=sid, question_id=question["id"], choice=choice
        )
        await ok(host, "live.close", session_id=sid)
    before = await gradebook(client, course, staff)
    assert [c["kind"] for c in before["columns"]] == ["quiz"]
    clock.move(seconds=30)
    await ok(host, "live.end", session_id=sid)

    key = f"live:{sid}"
    [updated] = of_type(await events_until_marker(client, staff_ws, channel), "gradebook.updated")
    [column] = [c for c in updated["data"]["columns"] if c["key"] == key]
    assert (column["category"], column["max_points"]) == ("live", 3000)
    rows = {r["student_id"]: r for r in updated["data"]["rows"]}
    assert set(rows) == {str(player.id), str(absent.id)}
    # 2 of 3 right, 1000 points each: 2000 / 3000 = 66.67 %
    played = rows[str(player.id)]["cells"][key]
    assert (played["status"], played["score"], played["percentage"]) == ("graded", 2000, 66.67)
    missed = rows[str(absent.id)]["cells"][key]
    assert (missed["status"], missed["percentage"], missed["counted"]) == ("missing", 0, True)
    # The live play recorded an attempt of the quiz, but it belongs to the live column only.
    assert rows[str(player.id)]["cells"][f"quiz:{quiz['id']}"]["status"] == "open"
    # Only the live category has a counted item: it carries the whole final.
    assert category_of(rows[str(player.id)], "live")["effective_weight"] == 100
    assert rows[str(player.id)]["final_percentage"] == 66.67
    assert (rows[str(absent.id)]["final_percentage"], rows[str(absent.id)]["letter"]) == (0, "F")

    # A student who enrolls after it ended is not marked down for it.
    late, _, enrollment = await student_in(client, course, full_name="Late")
    ended = (await LiveSession.get(id=sid)).ended_at
    assert ended is not None
    await Enrollment.filter(id=enrollment.id).update(enrolled_at=ended + timedelta(hours=1))
    clock.set(ended + timedelta(days=1))
    cell = row_of(await gradebook(client, course, staff), late)["cells"][key]
    assert (cell["status"], cell["percentage"], cell["counted"]) == (
        "not_applicable",
        None,
        False,
    )
