"""A rolling restart during a live quiz: two ``lms-rt serve`` processes on PostgreSQL and
Redis, students on both, each process replaced in turn while answers are arriving.

A replacement starts on the same port (SO_REUSEPORT) and answers ``/ready`` before the old
process gets SIGTERM; the old one's sockets hear 1001 and their clients reconnect, some to the
replacement and some to the other process, resuming every channel with ``since``. Nothing an
acknowledgement promised may be lost, and everyone must end on the same leaderboard. An
answer the stopping process took in is acknowledged before its 1001; one that reached it too
late is not taken in at all, and the player sends it again after reconnecting.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from lms_rt.live.models import LiveAnswer, LiveParticipant
from tests.harness.servers import ServerProcess, server_env
from tests.live.helpers import join, live_quiz
from tests.quizzes.helpers import course_with_staff, single, student_in, token_of, true_false
from tests.scaleout.resuming import Disconnected, ResumingClient

pytestmark = [pytest.mark.services, pytest.mark.slow]

STUDENTS = 12
GOING_AWAY = 1001


class Player:
    def __init__(self, index: int, user: Any, participant_id: str, client: ResumingClient):
        self.index = index
        self.user = user
        self.participant_id = participant_id
        self.client = client
        # (question index, how it ended): "ack", or "stored" when the socket closed before
        # the acknowledgement and the snapshot after reconnecting showed the answer kept.
        self.outcomes: dict[int, str] = {}
        # Questions whose answer was cut off by a 1001, not stored, and sent again.
        self.resent: list[int] = []

    @property
    def room(self) -> str:
        return self.client.channels[0]


def _choice(player: Player, question: dict[str, Any]) -> Any:
    """Two in three answer right; the rest wrong, so the table has a shape."""
    right = player.index % 3 != 0
    correct = question["answer_key"]["correct"]
    if question["type"] == "true_false":
        return correct if right else not correct
    return correct if right else "d"


async def _answer(player: Player, sid: str, index: int, question: dict[str, Any]) -> None:
    """Answer until the server has it: resend after a reconnect unless the snapshot shows the
    first attempt was stored (the JS client leaves this decision to its caller, as here)."""
    params = {"session_id": sid, "question_id": question["id"], "choice": _choice(player, question)}
    while True:
        try:
            reply = await player.client.call("live.answer", params)
        except Disconnected:
            await player.client.connected()
            snapshot = await player.client.call("live.snapshot", {"session_id": sid})
            me = snapshot["result"]["me"]
            if me is not None and me["answered_current"]:
                player.outcomes[index] = "stored"
                return
            player.resent.append(index)
            continue
        assert "result" in reply, (player.index, reply)
        player.outcomes[index] = "ack"
        return


def _of_question(index: int) -> Callable[[dict[str, Any]], bool]:
    return lambda event: bool(event["data"]["index"] == index)


async def _host_call(host: ResumingClient, method: str, sid: str) -> dict[str, Any]:
    reply = await host.call(method, {"session_id": sid})
    assert "result" in reply, (method, reply)
    result: dict[str, Any] = reply["result"]
    return result


async def _replace(old: ServerProcess, env: dict[str, str], tmp_path: Any, name: str):
    """The rolling step: a replacement on the same port, ready before the old one stops."""
    new = ServerProcess(env, tmp_path, name, port=old.port)
    await new.start()
    await new.until_ready()
    return new


async def test_rolling_restart_of_both_processes_during_a_live_quiz(client, settings, tmp_path):
    env = server_env(settings)
    a, b = ServerProcess(env, tmp_path, "a"), ServerProcess(env, tmp_path, "b")
    await asyncio.gather(a.start(), b.start())
    running = [a, b]
    _, host_headers, course = await course_with_staff(client)
    session, questions = await live_quiz(
        client,
        host_headers,
        course,
        [single(correct="c"), true_false(correct=False)],
        # Long enough that no timer closes a question: the host closes each once all answered.
        seconds_per_question=60,
    )
    sid = session["id"]
    room, host_room = f"live:{sid}", f"live:{sid}:host"

    async with aiohttp.ClientSession() as http:
        players: list[Player] = []
        for i in range(STUDENTS):
            user, headers, _ = await student_in(client, course, full_name=f"Player {i:02d}")
            joined = await join(client, headers, session["join_code"])
            home, other = (a, b) if i % 2 == 0 else (b, a)
            # Half of those dropped come back to the same port (the replacement), half move to
            # the other process, as clients behind a balancer would.
            urls = [home.url, other.url] if i % 4 < 2 else [home.url]
            resuming = ResumingClient(
                http, urls, token_of(headers), [room, f"user:{user.id}"], f"player-{i}"
            )
            players.append(Player(i, user, joined["participant"]["id"], resuming))
        host = ResumingClient(http, [a.url], token_of(host_headers), [room, host_room], "host")
        clients = [host, *(p.client for p in players)]
        try:
            await asyncio.gather(*(c.start() for c in clients))
            assert (await _host_call(host, "live.start", sid))["state"] == "running"

            # Question 1: process b is replaced while the second wave of answers arrives.
            # Question 2: process a, the host's and the one whose timer runs the question.
            for index, (restarted, first_wave) in enumerate(((b, range(6)), (a, range(6, 12)))):
                opened = await _host_call(host, "live.next", sid)
                assert opened["current_index"] == index
                for p in players:
                    await p.client.event(room, "question.opened", _of_question(index))
                question = questions[index]
                await asyncio.gather(
                    *(_answer(players[i], sid, index, question) for i in first_wave)
                )
                name = f"{restarted.log_path.stem}2"
                running.append(await _replace(restarted, env, tmp_path, name))
                second_wave = [p for p in players if p.index not in first_wave]
                answering = [
                    asyncio.create_task(_answer(p, sid, index, question)) for p in second_wave
                ]
                # SIGTERM while those answers are on their way: those the stopping process is
                # handling are acknowledged before its sockets hear 1001.
                await asyncio.sleep(0.005)
                assert await restarted.stop() == 0
                running.remove(restarted)
                await asyncio.gather(*answering)
                await asyncio.gather(*(c.connected() for c in clients))
                closed = await _host_call(host, "live.close", sid)
                assert closed["state"] == "question_closed"
                for c in clients:
                    await c.event(room, "question.closed", _of_question(index))
                    await c.event(room, "leaderboard", _of_question(index))

            ended = await _host_call(host, "live.end", sid)
            assert ended["state"] == "ended"
            finals = [await c.event(room, "session.ended") for c in clients]
            ranks = [
                await p.client.event(f"user:{p.user.id}", "live.rank", lambda e: e["data"]["ended"])
                for p in players
            ]
        finally:
            await asyncio.gather(*(c.close() for c in clients))
            await asyncio.gather(*(server.stop() for server in running))

    # Every client of a stopped process heard 1001 and resumed without a gap, a duplicate or a
    # reset, on every channel it follows.
    for c in clients:
        assert not c.failures, (c.name, c.failures)
        assert not c.gaps and not c.duplicates and not c.resets, (c.name, c.gaps, c.duplicates)
        # Each was on a restarted process at least once; the last close is the test's own.
        dropped = c.close_codes[:-1]
        assert dropped and all(code == GOING_AWAY for code in dropped), (c.name, c.close_codes)
    for p in players:
        opened = [e["data"]["index"] for e in p.client.of_type(room, "question.opened")]
        closes = [e["data"]["index"] for e in p.client.of_type(room, "question.closed")]
        assert opened == closes == [0, 1]
    moved = {url for p in players for url in p.client.connected_to[1:]}
    assert moved == {a.url, b.url}, "clients resumed on both the other process and a replacement"

    # Every acknowledged answer is stored, and nothing else is: rows = acks + answers whose
    # acknowledgement was lost but the snapshot showed kept.
    stored = await LiveAnswer.filter(session_id=uuid.UUID(sid))
    rows = {(str(a.participant_id), a.question_index) for a in stored}
    acked = {(p.participant_id, i) for p in players for i, o in p.outcomes.items() if o == "ack"}
    kept = {(p.participant_id, i) for p in players for i, o in p.outcomes.items() if o == "stored"}
    assert rows == acked
    assert len(stored) == STUDENTS * len(questions)
    # No answer was stored with its acknowledgement lost: every answer a process took in was
    # acknowledged before that process said 1001.
    assert not kept, sorted(kept)

    # The same final leaderboard everywhere, and it is the one the database holds.
    participants = await LiveParticipant.filter(session_id=uuid.UUID(sid))
    expected = sorted(participants, key=lambda p: (-p.score, p.answer_ms, p.joined_at, str(p.id)))
    assert all(f["data"] == finals[0]["data"] for f in finals)
    top = finals[0]["data"]["top"]
    assert [row["participant_id"] for row in top] == [str(p.id) for p in expected[: len(top)]]
    assert [row["score"] for row in top] == [p.score for p in expected[: len(top)]]
    last_boards = [c.of_type(room, "leaderboard")[-1]["data"] for c in clients]
    assert all(board == last_boards[0] for board in last_boards)
    order = [str(p.id) for p in expected]
    for player, rank in zip(players, ranks, strict=True):
        assert rank["data"]["rank"] == order.index(player.participant_id) + 1
        mine = next(p for p in participants if str(p.id) == player.participant_id)
        assert rank["data"]["score"] == mine.score
