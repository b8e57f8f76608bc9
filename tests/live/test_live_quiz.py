"""A live quiz over ``/ws``: joining, timed questions, scoring, closing exactly once, kicking,
snapshots, results, and the rule that no participant sees an answer before the close."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from datetime import datetime, timedelta

from lms_rt import keys
from lms_rt.courses.models import CourseStaff
from lms_rt.enrollments.models import Enrollment
from lms_rt.live import closing
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession
from lms_rt.live.runtime import LIVE
from lms_rt.live.tasks import close_live_question
from lms_rt.quizzes.models import QuizAttempt
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.live.helpers import join, live_quiz, next_event, ok, refused
from tests.quizzes.helpers import (
    API,
    SECRET_VALUE,
    Clock,
    course_with_staff,
    create_quiz,
    essay,
    multiple,
    numeric,
    single,
    socket,
    student_in,
    true_false,
)


async def _room(client, monkeypatch, students: int = 3, questions=None, **settings):
    """A live quiz with a host socket on both channels and ``students`` joined and listening."""
    clock = Clock(client, monkeypatch)
    _teacher, host_headers, course = await course_with_staff(client)
    session, staff_questions = await live_quiz(
        client,
        host_headers,
        course,
        questions or [single(correct="b"), true_false(correct=False), numeric()],
        **settings,
    )
    sid = session["id"]
    host = await socket(client, host_headers, f"live:{sid}", f"live:{sid}:host")
    players = []
    for i in range(students):
        student, headers, _ = await student_in(client, course, full_name=f"Student {i}")
        joined = await join(client, headers, session["join_code"])
        sink: list[str] = []
        ws = await socket(client, headers, f"live:{sid}", f"user:{student.id}", sink=sink)
        players.append({"user": student, "headers": headers, "ws": ws, "sink": sink, **joined})
    return clock, course, session, staff_questions, host, host_headers, players


async def test_scores_follow_the_speed_bonus_rule_and_the_question_closes_once(client, monkeypatch):
    clock, _, session, questions, host, _, players = await _room(client, monkeypatch)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    opened_at = clock.at
    await ok(host, "live.next", session_id=sid)
    opened = await next_event(players[0].get("ws"), "question.opened")
    assert opened["data"]["question_id"] == questions[0]["id"]
    assert opened["data"]["closes_at"] == (opened_at + _seconds(20)).isoformat()

    first, second, third = (p["ws"] for p in players)
    clock.move(seconds=5)
    assert (
        await ok(first, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b")
    ) == {
        "received": True,
        "question_id": questions[0]["id"],
        "received_at": clock.at.isoformat(),
    }
    clock.move(seconds=5)
    await ok(second, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="a")
    clock.move(seconds=10, milliseconds=200)  # inside the 250 ms grace
    await ok(third, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b")

    # Once is once: a second answer, even a different one, is refused and changes nothing.
    assert (
        await refused(
            first, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="a"
        )
        == "already_answered"
    )

    clock.move(milliseconds=100)  # now past closes_at + grace
    closers = await asyncio.gather(
        closing.close_question(client.app[keys.DEPS], _uuid(sid), 0),
        close_live_question({"deps": client.app[keys.DEPS]}, sid, 0),
        closing.close_question(client.app[keys.DEPS], _uuid(sid), 0),
    )
    wins = [closers[0] is True, closers[1] == "closed", closers[2] is True]
    assert wins.count(True) == 1, closers

    closed = await next_event(first, "question.closed")
    assert closed["data"]["answer"] == {"correct": "b"}
    assert closed["data"]["distribution"] == {"a": 1, "b": 2, "c": 0, "d": 0}
    assert closed["data"]["answered"] == 3 and closed["data"]["correct_count"] == 2
    assert closed["data"]["fastest_correct"]["display_name"] == "Student 0"

    # 1000 * (1 - 5/40) = 875; wrong = 0; in the grace period elapsed counts as the limit: 500.
    scores = {p.display_name: p.score for p in await LiveParticipant.filter(session_id=_uuid(sid))}
    assert scores == {"Student 0": 875, "Student 1": 0, "Student 2": 500}

    board = await next_event(first, "leaderboard")
    assert [(row["display_name"], row["rank"], row["score"]) for row in board["data"]["top"]] == [
        ("Student 0", 1, 875),
        ("Student 2", 2, 500),
        ("Student 1", 3, 0),
    ]
    mine = await next_event(players[2]["ws"], "live.rank")
    assert mine["data"]["rank"] == 2 and mine["data"]["score"] == 500
    assert mine["data"]["last_correct"] is True

    # Every further close attempt finds nothing to do, and the room heard one close.
    assert await closing.close_question(client.app[keys.DEPS], _uuid(sid), 0) is False
    await ok(host, "live.next", session_id=sid)
    await next_event(first, "question.opened")
    closes = [f for f in map(json.loads, players[0]["sink"]) if f.get("type") == "question.closed"]
    assert len(closes) == 1


async def test_an_answer_after_the_close_is_refused_and_not_stored(client, monkeypatch):
    clock, _, session, questions, host, _, players = await _room(client, monkeypatch, students=2)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.next", session_id=sid)
    late, early = players[0]["ws"], players[1]["ws"]

    # Past closes_at + grace, before any timer or job ran: refused on the clock alone.
    clock.move(seconds=20, milliseconds=251)
    code = await refused(
        late, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b"
    )
    assert code == "question_closed"
    # The refusal closed the overdue question too (lazily).
    await next_event(late, "question.closed")
    assert await LiveAnswer.filter(session_id=_uuid(sid)).count() == 0

    # Closed early by the host: nothing after it is stored either.
    await ok(host, "live.next", session_id=sid)
    await ok(early, "live.answer", session_id=sid, question_id=questions[1]["id"], choice=False)
    await ok(host, "live.close", session_id=sid)
    assert (
        await refused(
            late, "live.answer", session_id=sid, question_id=questions[1]["id"], choice=True
        )
        == "question_closed"
    )
    # An answer to a question that is not the open one is refused as well.
    assert (
        await refused(
            late, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b"
        )
        == "question_closed"
    )
    stored = await LiveAnswer.filter(session_id=_uuid(sid))
    assert [(a.question_index, a.choice) for a in stored] == [(1, {"value": False})]


async def test_no_participant_frame_carries_an_answer_before_the_close(client, monkeypatch):
    _clock, _, session, questions, host, _, players = await _room(
        client, monkeypatch, questions=[numeric(), multiple(correct=["a", "c"])]
    )
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    for index, question in enumerate(questions):
        await ok(host, "live.next", session_id=sid)
        choice = SECRET_VALUE if index == 0 else ["a", "c"]
        for player in players:
            await ok(
                player["ws"],
                "live.answer",
                session_id=sid,
                question_id=question["id"],
                choice=choice,
            )
            snap = await ok(player["ws"], "live.snapshot", session_id=sid)
            assert snap["me"]["answered_current"] is True
        # Everything a participant received since the question opened: no key, no verdict,
        # no score that moved.
        for player in players:
            await ok(player["ws"], "live.snapshot", session_id=sid)
            frames = [json.loads(text) for text in player["sink"]]
            opened = max(i for i, f in enumerate(frames) if f.get("type") == "question.opened")
            since = json.dumps(frames[opened:])
            assert str(SECRET_VALUE) not in since
            assert '"answer"' not in since and '"correct"' not in since
            assert '"last_correct"' not in since and '"live.rank"' not in since
        await ok(host, "live.close", session_id=sid)
        closed = await next_event(players[0]["ws"], "question.closed")
        assert "answer" in closed["data"]

    # The host channel, which participants cannot follow, did carry each verdict.
    received = await next_event(host, "answers.received")
    assert received["data"]["answers"][0]["correct"] is True


async def test_a_participant_who_reconnects_mid_question_gets_the_snapshot_and_can_answer(
    client, monkeypatch
):
    clock, _, session, questions, host, _, players = await _room(client, monkeypatch, students=1)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.next", session_id=sid)
    player = players[0]
    await player["ws"].close()
    clock.move(seconds=8)

    ws = await socket(client, player["headers"], f"live:{sid}")
    snap = await ok(ws, "live.snapshot", session_id=sid)
    assert snap["session"]["state"] == "question_open"
    assert snap["question"]["question_id"] == questions[0]["id"]
    assert "answer" not in snap["question"]
    assert snap["remaining_ms"] == 12_000
    assert datetime.fromisoformat(snap["server_time"]) == clock.at
    assert snap["me"]["score"] == 0 and snap["me"]["answered_current"] is False
    await ok(ws, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b")

    # The REST view gives the same snapshot.
    response = await client.get(f"{API}/live/sessions/{sid}", headers=player["headers"])
    assert response.status == 200
    assert (await response.json())["me"]["answered_current"] is True


async def test_participants_may_not_call_host_methods_and_strangers_may_not_follow(
    client, monkeypatch
):
    _clock, _course, session, _questions, _host, _, players = await _room(
        client, monkeypatch, students=1
    )
    sid = session["id"]
    player = players[0]["ws"]
    for method in ("live.start", "live.next", "live.close", "live.reveal", "live.end"):
        assert await refused(player, method, session_id=sid) == "forbidden"
    assert (
        await refused(
            player, "live.kick", session_id=sid, participant_id=players[0]["participant"]["id"]
        )
        == "forbidden"
    )
    assert await LiveSession.filter(id=_uuid(sid), state="lobby").exists()

    # A participant may not follow the host channel.
    denied = await player.sub(f"live:{sid}:host")
    assert denied["op"] == "error" and denied["status"] == 4403

    # A student of another course: cannot join, subscribe, or call anything.
    _, _other_headers, other_course = await course_with_staff(client)
    _stranger, stranger_headers, _ = await student_in(client, other_course)
    response = await client.post(
        f"{API}/live/join", json={"code": session["join_code"]}, headers=stranger_headers
    )
    assert response.status == 403
    ws = await socket(client, stranger_headers)
    for channel in (f"live:{sid}", f"live:{sid}:host"):
        frame = await ws.sub(channel)
        assert frame["op"] == "error" and frame["status"] == 4403
    assert await refused(ws, "live.snapshot", session_id=sid) == "not_found"
    assert await refused(ws, "live.start", session_id=sid) == "not_found"
    response = await client.get(f"{API}/live/sessions/{sid}", headers=stranger_headers)
    assert response.status == 404

    # Another instructor: not the host of this course.
    _, intruder_headers = await signed_in(client, Role.INSTRUCTOR)
    response = await client.post(f"{API}/live/sessions/{sid}/end", headers=intruder_headers)
    assert response.status == 404
    response = await client.get(f"{API}/live/sessions/{sid}/results", headers=intruder_headers)
    assert response.status == 404
    # An enrolled student asking for results or the end: 403.
    response = await client.post(f"{API}/live/sessions/{sid}/end", headers=players[0]["headers"])
    assert response.status == 403
    assert await LiveSession.filter(id=_uuid(sid), state="lobby").exists()


async def test_creating_and_joining_refuse_bad_input(client, monkeypatch):
    _teacher, headers, course = await course_with_staff(client)
    student, student_headers, _ = await student_in(client, course)
    _, other_headers = await signed_in(client, Role.INSTRUCTOR)
    quiz, _ = await create_quiz(client, headers, course, [single(), essay()])
    cases = [
        (headers, {"course_id": str(course.id), "kind": "quiz", "quiz_id": quiz["id"]}, 422),
        (headers, {"course_id": str(course.id), "kind": "quiz"}, 422),
        (headers, {"course_id": str(course.id), "kind": "lesson", "quiz_id": quiz["id"]}, 422),
        (
            headers,
            {
                "course_id": str(course.id),
                "kind": "quiz",
                "quiz_id": quiz["id"],
                "seconds_per_question": 1,
            },
            422,
        ),
        (
            headers,
            {
                "course_id": str(course.id),
                "kind": "quiz",
                "quiz_id": quiz["id"],
                "host_id": str(student.id),
            },
            422,
        ),
        (other_headers, {"course_id": str(course.id), "kind": "quiz", "quiz_id": quiz["id"]}, 403),
        (
            student_headers,
            {"course_id": str(course.id), "kind": "quiz", "quiz_id": quiz["id"]},
            403,
        ),
    ]
    for who, body, status in cases:
        response = await client.post(f"{API}/live/sessions", json=body, headers=who)
        assert response.status == status, (body, await response.text())
        assert "error" in await response.json()
    assert await LiveSession.all().count() == 0

    for code, status in (("12345", 422), ("abcdef", 422), ("0000000", 422), ("000000", 404)):
        response = await client.post(
            f"{API}/live/join", json={"code": code}, headers=student_headers
        )
        assert response.status == status, code


async def test_joining_twice_is_one_participant_and_courses_list_open_sessions(client, monkeypatch):
    _teacher, headers, course = await course_with_staff(client)
    session, _ = await live_quiz(client, headers, course, [single()])
    _student, student_headers, _ = await student_in(client, course)
    first = await join(client, student_headers, session["join_code"])
    again = await join(client, student_headers, session["join_code"])
    assert first["participant"]["id"] == again["participant"]["id"]
    assert again["session"]["participant_count"] == 1

    response = await client.get(f"{API}/courses/{course.id}/live", headers=student_headers)
    assert [s["id"] for s in await response.json()] == [session["id"]]
    # Not enrolled: the course's live sessions are not theirs to see.
    _, outsider_headers = await signed_in(client, Role.STUDENT)
    response = await client.get(f"{API}/courses/{course.id}/live", headers=outsider_headers)
    assert response.status == 404

    response = await client.post(f"{API}/live/sessions/{session['id']}/end", headers=headers)
    assert response.status == 200 and (await response.json())["state"] == "ended"
    response = await client.get(f"{API}/courses/{course.id}/live", headers=student_headers)
    assert await response.json() == []
    # The code of an ended session admits no one.
    response = await client.post(
        f"{API}/live/join", json={"code": session["join_code"]}, headers=student_headers
    )
    assert response.status == 404


async def test_a_kicked_participant_is_out_of_the_room_but_keeps_the_socket(client, monkeypatch):
    _clock, _, session, questions, host, _, players = await _room(client, monkeypatch, students=2)
    sid = session["id"]
    kicked, stays = players
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.kick", session_id=sid, participant_id=kicked["participant"]["id"])

    event = await next_event(kicked["ws"], "participant.kicked")
    assert event["data"] == {"session_id": sid}
    revoked = await kicked["ws"].expect("error")
    assert revoked["channel"] == f"live:{sid}" and revoked["status"] == 4403
    left = await next_event(stays["ws"], "participant.left")
    assert left["data"]["count"] == 1

    # The socket stays; the room refuses them from now on.
    await ok(kicked["ws"], "live.snapshot", session_id=sid)
    again = await kicked["ws"].sub(f"live:{sid}")
    assert again["op"] == "error" and again["status"] == 4403
    await ok(host, "live.next", session_id=sid)
    assert (
        await refused(
            kicked["ws"], "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b"
        )
        == "forbidden"
    )
    response = await client.post(
        f"{API}/live/join", json={"code": session["join_code"]}, headers=kicked["headers"]
    )
    assert response.status == 403
    # The room never sends them another event.
    await ok(stays["ws"], "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b")
    await ok(host, "live.close", session_id=sid)
    await next_event(stays["ws"], "question.closed")
    assert not any('"question.closed"' in frame for frame in kicked["sink"])


async def test_a_counting_live_quiz_becomes_graded_attempts_and_results(client, monkeypatch):
    _clock, _course, session, questions, host, host_headers, players = await _room(
        client,
        monkeypatch,
        students=2,
        counts_as_attempt=True,
        speed_bonus=False,
        show_leaderboard=False,
    )
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    choices = [("b", "a"), (False, False), (SECRET_VALUE, 1.0)]
    for question, (best, worst) in zip(questions, choices, strict=True):
        await ok(host, "live.next", session_id=sid)
        await ok(
            players[0]["ws"], "live.answer", session_id=sid, question_id=question["id"], choice=best
        )
        await ok(
            players[1]["ws"],
            "live.answer",
            session_id=sid,
            question_id=question["id"],
            choice=worst,
        )
        await ok(host, "live.close", session_id=sid)
    await ok(host, "live.end", session_id=sid)
    ended = await next_event(players[0]["ws"], "session.ended")
    assert [(r["display_name"], r["score"]) for r in ended["data"]["podium"]] == [
        ("Student 0", 3000),
        ("Student 1", 1000),
    ]
    # Ending again changes nothing.
    response = await client.post(f"{API}/live/sessions/{sid}/end", headers=host_headers)
    assert response.status == 200

    rows = await QuizAttempt.filter(quiz_id=(await LiveSession.get(id=_uuid(sid))).quiz_id)
    assert len(rows) == 2  # one per participant, however often the session is ended
    attempts = {str(a.student_id): a for a in rows}
    best = attempts[str(players[0]["user"].id)]
    worst = attempts[str(players[1]["user"].id)]
    assert (best.status, best.percentage, best.passed) == ("graded", 100.0, True)
    assert (worst.percentage, worst.passed) == (33.33, False)
    assert len(attempts) == 2

    response = await client.get(f"{API}/live/sessions/{sid}/results", headers=host_headers)
    results = await response.json()
    assert [q["correct_count"] for q in results["questions"]] == [1, 2, 1]
    assert [q["correct_rate"] for q in results["questions"]] == [0.5, 1.0, 0.5]
    assert [r["display_name"] for r in results["ranking"]] == ["Student 0", "Student 1"]
    response = await client.get(
        f"{API}/live/sessions/{sid}/results?format=csv&table=questions", headers=host_headers
    )
    questions_table = list(csv.DictReader(io.StringIO(await response.text())))
    assert [row["correct_count"] for row in questions_table] == ["1", "2", "1"]
    assert questions_table[0]["distribution"] == "a=1 b=1 c=0 d=0"
    response = await client.get(
        f"{API}/live/sessions/{sid}/results?format=csv", headers=host_headers
    )
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][:5] == ["rank", "participant_id", "user_id", "display_name", "score"]
    assert [row[3] for row in rows[1:]] == ["Student 0", "Student 1"]
    response = await client.get(
        f"{API}/live/sessions/{sid}/results?format=xml", headers=host_headers
    )
    assert response.status == 422


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


async def test_a_timer_that_wakes_before_the_wall_clock_waits_and_still_closes(client, monkeypatch):
    clock, _, session, _, host, _, players = await _room(client, monkeypatch, students=1)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    state = await ok(host, "live.next", session_id=sid)
    closes_at = datetime.fromisoformat(state["closes_at"])
    # The loop's timer fires while the server's clock still reads 0.2 s before the due time.
    clock.set(closes_at + closing.GRACE - timedelta(seconds=0.2))
    runtime = client.app[LIVE]
    runtime.schedule_close(_uuid(sid), 0, closes_at - timedelta(seconds=0.2))
    await asyncio.sleep(0.1)
    assert await LiveSession.filter(id=_uuid(sid), state="question_open").exists()
    clock.set(closes_at + closing.GRACE)
    closed = await next_event(players[0]["ws"], "question.closed")
    assert closed["data"]["index"] == 0


async def test_two_sockets_of_one_participant_answering_at_once_store_one_answer(
    client, monkeypatch
):
    _, _, session, questions, host, _, players = await _room(client, monkeypatch, students=1)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.next", session_id=sid)
    other_tab = await socket(client, players[0]["headers"], f"live:{sid}")
    params = {"session_id": sid, "question_id": questions[0]["id"]}
    replies = await asyncio.gather(
        players[0]["ws"].call("live.answer", {**params, "choice": "b"}),
        other_tab.call("live.answer", {**params, "choice": "a"}),
    )
    assert sorted("result" in reply for reply in replies) == [False, True]
    assert [r["error"]["code"] for r in replies if "error" in r] == ["already_answered"]
    assert await LiveAnswer.filter(session_id=_uuid(sid)).count() == 1


async def test_state_changes_are_announced_and_a_deleted_question_still_closes(client, monkeypatch):
    _, _, session, questions, host, host_headers, players = await _room(
        client, monkeypatch, students=1
    )
    sid = session["id"]
    ws = players[0]["ws"]
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.next", session_id=sid)
    states = [(await next_event(ws, "session.state"))["data"]["state"] for _ in range(2)]
    assert states == ["running", "question_open"]
    await ok(ws, "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b")

    # The open question is deleted from the quiz (it has no attempts): the room carries on.
    quiz_id = (await LiveSession.get(id=_uuid(sid))).quiz_id
    response = await client.delete(
        f"{API}/quizzes/{quiz_id}/questions/{questions[0]['id']}", headers=host_headers
    )
    assert response.status == 204, await response.text()
    await ok(host, "live.close", session_id=sid)
    closed = await next_event(ws, "question.closed")
    assert closed["data"]["answer"] is None and closed["data"]["answered"] == 1
    assert (await next_event(ws, "session.state"))["data"]["state"] == "question_closed"
    await ok(host, "live.end", session_id=sid)
    assert (await next_event(ws, "session.state"))["data"]["state"] == "ended"
    response = await client.get(f"{API}/live/sessions/{sid}/results", headers=host_headers)
    assert response.status == 200


async def test_leaving_the_course_or_its_staff_ends_a_place_in_the_room(client, monkeypatch):
    _, course, session, questions, host, _host_headers, players = await _room(
        client, monkeypatch, students=1
    )
    sid = session["id"]
    student = players[0]
    await ok(host, "live.start", session_id=sid)
    await ok(host, "live.next", session_id=sid)
    enrollment = await Enrollment.get(student_id=student["user"].id, course_id=course.id)
    response = await client.post(
        f"{API}/enrollments/{enrollment.id}/drop", headers=student["headers"]
    )
    assert response.status == 200
    ended = await student["ws"].expect("error")
    assert ended["channel"] == f"live:{sid}"
    code = await refused(
        student["ws"], "live.answer", session_id=sid, question_id=questions[0]["id"], choice="b"
    )
    assert code == "forbidden"
    assert await LiveAnswer.filter(session_id=_uuid(sid)).count() == 0

    # A co-teacher may run the room while on the staff, and not after.
    helper, helper_headers = await signed_in(client, Role.INSTRUCTOR)
    await CourseStaff.create(course_id=course.id, user_id=helper.id)
    helper_ws = await socket(client, helper_headers, f"live:{sid}:host")
    await ok(helper_ws, "live.close", session_id=sid)
    await CourseStaff.filter(course_id=course.id, user_id=helper.id).delete()
    assert await refused(helper_ws, "live.next", session_id=sid) == "not_found"
