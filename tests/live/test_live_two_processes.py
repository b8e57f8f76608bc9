"""A full live quiz with a host and 30 students over real websockets split across two
``lms-rt serve`` processes sharing PostgreSQL and Redis; questions close on their timers."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from lms_rt import keys
from lms_rt.live import closing
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession
from lms_rt.live.scoring import points_for
from lms_rt.live.tasks import close_live_question
from tests.harness.servers import ServerProcess, server_env
from tests.harness.ws import WsClient
from tests.live.helpers import join, live_quiz
from tests.quizzes.helpers import (
    course_with_staff,
    multiple,
    numeric,
    single,
    student_in,
    token_of,
    true_false,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

STUDENTS = 30
SECONDS = 3


@pytest.fixture
async def two_servers(settings, tmp_path):
    servers = [ServerProcess(server_env(settings), tmp_path, name) for name in ("a", "b")]
    await asyncio.gather(*(server.start() for server in servers))
    yield servers
    await asyncio.gather(*(server.stop() for server in servers))


class Recorder:
    """Keeps every frame a socket receives, in order."""

    def __init__(self, raw: aiohttp.ClientWebSocketResponse) -> None:
        self.raw = raw
        self.frames: list[dict[str, Any]] = []

    async def receive(self, timeout: float | None = None) -> aiohttp.WSMessage:
        message = await self.raw.receive(timeout=timeout)
        if message.type == aiohttp.WSMsgType.TEXT:
            self.frames.append(json.loads(message.data))
        return message

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


async def _connect(
    session: aiohttp.ClientSession, server: ServerProcess, token: str, *channels: str
):
    recorder = Recorder(await session.ws_connect(server.url + "/ws"))
    ws = WsClient(recorder)  # type: ignore[arg-type]
    await ws.auth(token)
    for channel in channels:
        assert (await ws.sub(channel))["op"] == "ack"
    return ws, recorder


async def _event(ws: WsClient, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    return await ws._first(lambda f: f.get("op") == "event" and f.get("type") == kind, timeout)


def _choice(student: int, question: dict[str, Any]) -> Any:
    """Most answer right; every third answers wrong."""
    key = question["answer_key"]
    right = student % 3 != 0
    if question["type"] == "single_choice":
        return key["correct"] if right else "d"
    if question["type"] == "true_false":
        return key["correct"] if right else not key["correct"]
    if question["type"] == "multiple_choice":
        return key["correct"] if right else ["b"]
    return key["value"] if right else key["value"] + 100


async def test_thirty_students_on_two_processes_play_a_full_live_quiz(client, two_servers):
    a, b = two_servers
    _, host_headers, course = await course_with_staff(client)
    session, questions = await live_quiz(
        client,
        host_headers,
        course,
        [single(correct="c"), true_false(correct=True), multiple(correct=["a", "c"]), numeric()],
        seconds_per_question=SECONDS,
    )
    sid = session["id"]
    students = []
    for i in range(STUDENTS):
        user, headers, _ = await student_in(client, course, full_name=f"Player {i:02d}")
        joined = await join(client, headers, session["join_code"])
        students.append({"i": i, "user": user, "token": token_of(headers), **joined})

    acknowledged: set[tuple[str, int]] = set()
    async with aiohttp.ClientSession() as http:
        host, _ = await _connect(http, a, token_of(host_headers), f"live:{sid}", f"live:{sid}:host")
        sockets = []
        for s in students:
            server = a if s["i"] % 2 else b
            ws, recorder = await _connect(
                http, server, s["token"], f"live:{sid}", f"user:{s['user'].id}"
            )
            sockets.append((s, ws, recorder))

        async def play(student: dict[str, Any], ws: WsClient) -> list[dict[str, Any]]:
            closes = []
            for index, question in enumerate(questions):
                opened = await _event(ws, "question.opened")
                assert opened["data"]["question_id"] == question["id"]
                # Every seventh student sits one question out.
                if (student["i"] + index) % 7 != 0:
                    reply = await ws.call(
                        "live.answer",
                        {
                            "session_id": sid,
                            "question_id": question["id"],
                            "choice": _choice(student["i"], question),
                        },
                    )
                    assert "result" in reply, reply
                    acknowledged.add((student["participant"]["id"], index))
                    again = await ws.call(
                        "live.answer",
                        {
                            "session_id": sid,
                            "question_id": question["id"],
                            "choice": _choice(student["i"], question),
                        },
                    )
                    assert again["error"]["code"] == "already_answered"
                closes.append(await _event(ws, "question.closed", timeout=SECONDS + 10))
            return closes

        players = [asyncio.create_task(play(s, ws)) for s, ws, _ in sockets]
        assert (await host.call("live.start", {"session_id": sid}))["result"]["state"] == "running"
        backstops = []
        for index in range(len(questions)):
            reply = await host.call("live.next", {"session_id": sid})
            assert reply["result"]["current_index"] == index
            # The backstop job, run from this (third) process at the due time, races the
            # timer in the process that opened the question: one of them closes it.
            due = datetime.fromisoformat(reply["result"]["closes_at"]) + closing.GRACE
            backstops.append(asyncio.create_task(_backstop(client, sid, index, due)))
            closed = await _event(host, "question.closed", timeout=SECONDS + 10)
            assert closed["data"]["index"] == index
        assert set(await asyncio.gather(*backstops)) <= {"closed", "already closed"}
        closes_by_student = await asyncio.gather(*players)
        opened_events = [f for f in sockets[0][2].frames if f.get("type") == "question.opened"]
        opens = [datetime.fromisoformat(f["data"]["opens_at"]) for f in opened_events]
        ended = await host.call("live.end", {"session_id": sid})
        assert ended["result"]["state"] == "ended"
        podiums = [await _event(ws, "session.ended") for _, ws, _ in sockets]
        finals = [
            await ws._first(
                lambda f: f.get("type") == "live.rank" and f["data"]["ended"], timeout=10
            )
            for _, ws, _ in sockets
        ]
        for _, ws, _ in sockets:
            await ws.close()
        await host.close()

    # Exactly one close per question reached every student, with the right answer.
    for closes in closes_by_student:
        assert [c["data"]["index"] for c in closes] == list(range(len(questions)))
    for _, _, recorder in sockets:
        kinds = [f.get("type") for f in recorder.frames if f.get("op") == "event"]
        assert kinds.count("question.closed") == len(questions)
        _no_answer_before_its_close(recorder.frames)

    # Acknowledged = stored, each once; each answer scored by the rule from its stored times.
    stored = await LiveAnswer.filter(session_id=uuid.UUID(sid))
    assert {(str(x.participant_id), x.question_index) for x in stored} == acknowledged
    assert len(stored) == len(acknowledged)
    live = await LiveSession.get(id=uuid.UUID(sid))
    keys = {q["id"]: q for q in questions}
    for answer in stored:
        question = keys[str(answer.question_id)]
        opened_at = opens[answer.question_index]
        # Elapsed is measured by the server from the question's opening to the answer's arrival.
        assert answer.elapsed_ms == round((answer.received_at - opened_at).total_seconds() * 1000)
        student_index = int(
            next(s["i"] for s in students if s["participant"]["id"] == str(answer.participant_id))
        )
        assert answer.correct == (student_index % 3 != 0)
        assert answer.elapsed_ms <= SECONDS * 1000 + 250
        assert answer.points == points_for(answer.correct, answer.elapsed_ms, SECONDS, 1000, True)
        assert question is not None
    participants = await LiveParticipant.filter(session_id=live.id)
    by_participant: dict[uuid.UUID, int] = {}
    for answer in stored:
        by_participant[answer.participant_id] = (
            by_participant.get(answer.participant_id, 0) + answer.points
        )
    for participant in participants:
        assert participant.score == by_participant.get(participant.id, 0)

    # The final ranking: score, then less answer time, then earlier join — the same for all.
    expected = sorted(participants, key=lambda p: (-p.score, p.answer_ms, p.joined_at, str(p.id)))
    podium = [row["participant_id"] for row in podiums[0]["data"]["podium"]]
    assert podium == [str(p.id) for p in expected[:3]]
    assert all(p["data"] == podiums[0]["data"] for p in podiums)
    ranks = {f["data"]["rank"] for f in finals}
    assert ranks == set(range(1, STUDENTS + 1))
    for final, (student, _, _) in zip(finals, sockets, strict=True):
        mine = next(p for p in participants if str(p.id) == student["participant"]["id"])
        assert final["data"]["score"] == mine.score
        assert final["data"]["rank"] == [str(p.id) for p in expected].index(str(mine.id)) + 1


async def _backstop(client: Any, sid: str, index: int, due: datetime) -> str:
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    return await close_live_question({"deps": client.app[keys.DEPS]}, sid, index)


def _no_answer_before_its_close(frames: list[dict[str, Any]]) -> None:
    """Between a question's opening and its close, nothing carries the answer or a verdict."""
    open_question = False
    for frame in frames:
        kind = frame.get("type")
        if kind == "question.opened":
            open_question = True
            shown = json.dumps(frame["data"])
            assert '"answer' not in shown and '"correct' not in shown, shown
        elif kind == "question.closed":
            open_question = False
        elif open_question:
            text = json.dumps(frame)
            assert (
                '"answer"' not in text and '"correct"' not in text and '"last_correct"' not in text
            )
