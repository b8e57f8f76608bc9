"""A live lesson: steps with a late-joiner snapshot, chat, Q&A with upvotes, raised hands,
presence and attendance."""

from __future__ import annotations

import asyncio
import csv
import io

from lms_rt.live.models import LiveAttendance, LiveMessage
from tests.live.helpers import join, live_lesson, next_event, ok, refused
from tests.quizzes.helpers import API, course_with_staff, socket, student_in


async def _lesson_room(client, students: int = 2):
    _, host_headers, course = await course_with_staff(client)
    session = await live_lesson(client, host_headers, course)
    sid = session["id"]
    host = await socket(client, host_headers, f"live:{sid}", f"live:{sid}:host")
    players = []
    for i in range(students):
        student, headers, _ = await student_in(client, course, full_name=f"Learner {i}")
        joined = await join(client, headers, session["join_code"])
        players.append({"user": student, "headers": headers, **joined})
    return session, host, host_headers, players


async def test_steps_reach_the_room_and_a_late_joiner_gets_the_current_one(client):
    session, host, _, players = await _lesson_room(client)
    sid = session["id"]
    early = await socket(client, players[0]["headers"], f"live:{sid}")
    assert await refused(host, "live.step", session_id=sid, index=1) == "conflict"  # not started
    await ok(host, "live.start", session_id=sid)
    for index in (1, 2, 3):
        await ok(host, "live.step", session_id=sid, index=index, payload={"slide": f"s{index}"})
    steps = [(await next_event(early, "step.changed"))["data"]["index"] for _ in range(3)]
    assert steps == [1, 2, 3]

    late = await socket(client, players[1]["headers"], f"live:{sid}")
    snap = await ok(late, "live.snapshot", session_id=sid)
    assert snap["step"] == {"index": 3, "payload": {"slide": "s3"}}
    assert snap["session"]["state"] == "running"
    # Steps are the host's: a participant moving the class is refused.
    assert await refused(late, "live.step", session_id=sid, index=9) == "forbidden"
    assert await refused(host, "live.step", session_id=sid, index=-1) == "invalid"
    assert (
        await refused(host, "live.next", session_id=sid) == "conflict"
    )  # a lesson has no questions


async def test_chat_is_stored_limited_and_hidden_by_the_host(client):
    session, host, _, players = await _lesson_room(client, students=1)
    sid = session["id"]
    ws = await socket(client, players[0]["headers"], f"live:{sid}")
    sent = await ok(ws, "chat.send", session_id=sid, text="  <b>hello</b> class  ")
    assert sent["text"] == "<b>hello</b> class"  # stored as written, shown as text
    heard = await next_event(host, "chat.message")
    assert heard["data"]["author_name"] == "Learner 0"

    assert await refused(ws, "chat.send", session_id=sid, text="x" * 501) == "invalid"
    assert await refused(ws, "chat.send", session_id=sid, text="   ") == "invalid"
    assert await refused(ws, "chat.send", session_id=sid, text="hi", extra=1) == "invalid"
    for i in range(4):
        await ok(ws, "chat.send", session_id=sid, text=f"message {i}")
    assert await refused(ws, "chat.send", session_id=sid, text="one too many") == "rate_limited"
    assert await LiveMessage.filter(session_id=sid).count() == 5

    assert await refused(ws, "chat.hide", session_id=sid, message_id=sent["id"]) == "forbidden"
    await ok(host, "chat.hide", session_id=sid, message_id=sent["id"])
    hidden = await next_event(ws, "message.hidden")
    assert hidden["data"]["id"] == sent["id"]
    student_view = await ok(ws, "live.snapshot", session_id=sid)
    assert sent["id"] not in {m["id"] for m in student_view["messages"]}
    host_view = await ok(host, "live.snapshot", session_id=sid)
    assert {m["id"]: m["hidden"] for m in host_view["messages"]}[sent["id"]] is True


async def test_questions_are_upvoted_once_per_user_and_marked_answered(client):
    session, host, _, players = await _lesson_room(client, students=3)
    sid = session["id"]
    sockets = [await socket(client, p["headers"], f"live:{sid}") for p in players]
    asked = await ok(sockets[0], "qa.ask", session_id=sid, text="Why is the sky blue?")
    await next_event(host, "qa.asked")

    # Two clicks at once by the same user count once; others count too.
    params = {"session_id": sid, "message_id": asked["id"]}
    for frame_id in (901, 902):
        await sockets[1].send(
            {"op": "call", "id": frame_id, "method": "qa.upvote", "params": params}
        )
    replies = [await sockets[1].expect_id(frame_id) for frame_id in (901, 902)]
    assert sorted("result" in reply for reply in replies) == [False, True]
    assert [r["error"]["code"] for r in replies if "error" in r] == ["conflict"]
    result = await ok(sockets[2], "qa.upvote", session_id=sid, message_id=asked["id"])
    assert result == {"id": asked["id"], "upvotes": 2}
    assert (await LiveMessage.get(id=asked["id"])).upvotes == 2

    chat = await ok(sockets[0], "chat.send", session_id=sid, text="not a question")
    assert (
        await refused(sockets[1], "qa.upvote", session_id=sid, message_id=chat["id"]) == "not_found"
    )

    assert (
        await refused(sockets[0], "qa.answered", session_id=sid, message_id=asked["id"])
        == "forbidden"
    )
    await ok(host, "qa.answered", session_id=sid, message_id=asked["id"])
    answered = await next_event(sockets[2], "qa.answered")
    assert answered["data"] == {"id": asked["id"], "answered": True}


async def test_raised_hands_queue_for_the_host_only(client):
    session, host, _, players = await _lesson_room(client, students=2)
    sid = session["id"]
    first, second = [await socket(client, p["headers"], f"live:{sid}") for p in players]
    await ok(first, "hand.raise", session_id=sid)
    await ok(second, "hand.raise", session_id=sid)
    await ok(first, "hand.raise", session_id=sid)  # still raised, still first
    raised = [(await next_event(host, "hand.raised"))["data"]["display_name"] for _ in range(2)]
    assert raised == ["Learner 0", "Learner 1"]
    queue = (await ok(host, "live.snapshot", session_id=sid))["hands"]
    assert [h["display_name"] for h in queue] == ["Learner 0", "Learner 1"]
    assert (await ok(first, "live.snapshot", session_id=sid))["hands"] is None

    await ok(first, "hand.lower", session_id=sid)
    lowered = await next_event(host, "hand.lowered")
    assert lowered["data"]["participant_id"] == players[0]["participant"]["id"]
    queue = (await ok(host, "live.snapshot", session_id=sid))["hands"]
    assert [h["display_name"] for h in queue] == ["Learner 1"]
    assert await refused(host, "hand.raise", session_id=sid) == "forbidden"  # hosts do not queue
    # Hands are for participants on the room channel, never for the room to see.
    denied = await first.sub(f"live:{sid}:host")
    assert denied["op"] == "error"


async def test_presence_and_attendance_are_recorded_and_exported(client):
    session, host, host_headers, players = await _lesson_room(client, students=2)
    sid = session["id"]
    await ok(host, "live.start", session_id=sid)
    staying = await socket(client, players[0]["headers"], f"live:{sid}")
    leaving = await socket(client, players[1]["headers"], f"live:{sid}")
    members = await ok(host, "presence.list", channel=f"live:{sid}")
    names = {m["name"] for m in members["members"]}
    assert {"Learner 0", "Learner 1"} <= names

    await leaving.close()
    # Leaving closes the stretch from presence, before (and without) the session's end.
    leaver = str(players[1]["user"].id)
    for _ in range(100):
        if await LiveAttendance.filter(
            session_id=sid, user_id=leaver, left_at__not_isnull=True
        ).exists():
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("leaving the room did not close the attendance stretch")
    assert await LiveAttendance.filter(
        session_id=sid, user_id=str(players[0]["user"].id), left_at=None
    ).exists()
    # A quick come-back opens a second stretch; presence notices keep their order.
    back = await socket(client, players[1]["headers"], f"live:{sid}")
    await back.close()
    for _ in range(100):
        rows = await LiveAttendance.filter(session_id=sid, user_id=leaver)
        if len(rows) == 2 and all(r.left_at is not None for r in rows):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the second stretch did not close: {rows}")
    await ok(host, "live.end", session_id=sid)
    rows = await LiveAttendance.filter(session_id=sid)
    assert {str(r.user_id) for r in rows} == {str(p["user"].id) for p in players}
    assert all(r.left_at is not None for r in rows)  # the end closes every open stretch

    response = await client.get(f"{API}/live/sessions/{sid}/results", headers=host_headers)
    ranking = (await response.json())["ranking"]
    assert all(r["first_joined_at"] and r["last_left_at"] for r in ranking)
    assert all(0 <= r["minutes_present"] < 1 for r in ranking)
    response = await client.get(
        f"{API}/live/sessions/{sid}/results?format=csv", headers=host_headers
    )
    table = list(csv.DictReader(io.StringIO(await response.text())))
    assert {row["display_name"] for row in table} == {"Learner 0", "Learner 1"}
    assert all(float(row["minutes_present"]) >= 0 for row in table)
    response = await client.get(
        f"{API}/live/sessions/{sid}/results?format=csv&table=attendance", headers=host_headers
    )
    stretches = list(csv.DictReader(io.StringIO(await response.text())))
    assert sorted(row["display_name"] for row in stretches) == [
        "Learner 0",
        "Learner 1",
        "Learner 1",
    ]
    await staying.close()
