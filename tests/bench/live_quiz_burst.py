"""Live quiz burst: 1,000 participants answer one question within one second, across two
``lms-rt serve`` processes on PostgreSQL and Redis.

Reported (printed, never asserted):
- acknowledgement latency, p50/p99: from sending ``live.answer`` to its reply;
- answers stored against answers acknowledged (must be equal: zero lost, zero duplicated);
- time from ``closes_at`` (and from ``closes_at`` + the 250 ms grace, when the question is
  closed) until the last participant has ``question.closed``.

The load generator is this process (uvloop, orjson), sharing the 2 cores with the servers,
PostgreSQL and Redis. Run standalone (``make bench`` does): ``python
tests/bench/live_quiz_burst.py [--participants N]``. It starts its own PostgreSQL, Redis and
servers and stops them, also on error; a lost or duplicated answer exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import secrets
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import orjson  # noqa: E402
import uvloop  # noqa: E402

from lms_rt.auth.tokens import TokenIssuer  # noqa: E402
from lms_rt.config import Settings  # noqa: E402
from lms_rt.migrate import migrate  # noqa: E402
from tests.bench.common import (  # noqa: E402
    BenchError,
    Server,
    lms_server,
    percentile,
    raise_fd_limit,
    write_json,
)
from tests.harness.services import PostgresServer, RedisServer, free_port  # noqa: E402

SECONDS_PER_QUESTION = 10
BURST_SECONDS = 1.0
GRACE_SECONDS = 0.25
CONNECT_CONCURRENCY = 100
SETTLE_SECONDS = 3.0
TIMEOUT = 60.0


@dataclass
class Seeded:
    session_id: str
    question_id: str
    host: tuple[str, str]  # user id, auth session id
    participants: list[tuple[str, str]]


async def seed(settings: Settings, participants: int) -> Seeded:
    """A course, a one-question quiz, a live session and its participants, written directly."""
    from lms_rt.auth.models import AuthSession
    from lms_rt.courses.models import Course
    from lms_rt.db import open_database
    from lms_rt.enrollments.models import Enrollment
    from lms_rt.live.models import LiveKind, LiveParticipant, LiveSession
    from lms_rt.quizzes.models import QuestionType, Quiz, QuizQuestion
    from lms_rt.users.models import Role, User

    # In a task of its own: aerich leaves its closed Tortoise context in the caller's context.
    await asyncio.create_task(migrate(settings))
    async with open_database(settings):
        host = await User.create(
            email="host@example.org", password_hash="!", full_name="Host", role=Role.INSTRUCTOR
        )
        course = await Course.create(
            title="Burst", slug="burst", instructor=host, is_published=True
        )
        quiz = await Quiz.create(course=course, title="Burst quiz")
        question = await QuizQuestion.create(
            quiz=quiz,
            text="Pick b",
            type=QuestionType.SINGLE_CHOICE,
            options=[{"id": c, "text": c.upper()} for c in "abcd"],
            answer_key={"correct": "b"},
        )
        session = await LiveSession.create(
            kind=LiveKind.QUIZ,
            course=course,
            quiz=quiz,
            host=host,
            title="Burst",
            join_code="424242",
            question_ids=[str(question.id)],
            seconds_per_question=SECONDS_PER_QUESTION,
        )
        students = [
            User(
                email=f"p{i}@example.org",
                password_hash="!",
                full_name=f"Player {i}",
                role=Role.STUDENT,
            )
            for i in range(participants)
        ]
        await User.bulk_create(students, batch_size=500)
        await Enrollment.bulk_create(
            [Enrollment(student_id=s.id, course_id=course.id) for s in students], batch_size=500
        )
        now = datetime.now(UTC)
        await LiveParticipant.bulk_create(
            [
                LiveParticipant(
                    session_id=session.id, user_id=s.id, display_name=s.full_name, joined_at=now
                )
                for s in students
            ],
            batch_size=500,
        )
        expires = now + timedelta(days=1)
        auth = [AuthSession(user_id=u.id, expires_at=expires) for u in [host, *students]]
        await AuthSession.bulk_create(auth, batch_size=500)
        return Seeded(
            session_id=str(session.id),
            question_id=str(question.id),
            host=(str(host.id), str(auth[0].id)),
            participants=[(str(u.id), str(a.id)) for u, a in zip(students, auth[1:], strict=True)],
        )


@dataclass
class Player:
    token: str
    server: str
    ws: aiohttp.ClientWebSocketResponse | None = None
    opened_at: float | None = None
    sent_at: float | None = None
    acked_at: float | None = None
    refused: str | None = None
    closed_at: float | None = None  # wall clock, to compare with the server's closes_at
    waiters: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)


async def _call(
    ws: aiohttp.ClientWebSocketResponse, frame_id: int, method: str, params: Any
) -> None:
    frame = {"op": "call", "id": frame_id, "method": method, "params": params}
    await ws.send_str(orjson.dumps(frame).decode())


async def connect(http: aiohttp.ClientSession, player: Player, channel: str) -> None:
    ws = await http.ws_connect(player.server + "/ws", max_msg_size=0)
    await ws.send_str(orjson.dumps({"op": "auth", "token": player.token}).decode())
    await ws.send_str(orjson.dumps({"op": "sub", "id": 1, "channel": channel}).decode())
    acked = False
    while not acked:
        frame = orjson.loads((await ws.receive(timeout=TIMEOUT)).data)
        if frame.get("op") == "error":
            raise BenchError(f"refused: {frame}")
        acked = frame.get("op") == "ack" and frame.get("id") == 1
    player.ws = ws


async def read(player: Player, question_open: asyncio.Event) -> None:
    """Until ``question.closed``: stamp the opening, the reply and the close."""
    assert player.ws is not None
    async for message in player.ws:
        frame = orjson.loads(message.data)
        op = frame.get("op")
        if op == "reply":
            player.acked_at = time.perf_counter()
            if "error" in frame:
                player.refused = frame["error"]["code"]
        elif op == "event" and frame["type"] == "question.opened":
            player.opened_at = time.perf_counter()
            question_open.set()
        elif op == "event" and frame["type"] == "question.closed":
            player.closed_at = time.time()
            return


async def run(
    participants: int, pg: PostgresServer, redis: RedisServer, workdir: Path
) -> dict[str, Any]:
    settings = Settings(
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=pg.url,
        redis_url=redis.url,
        data_dir=workdir / "driver",
    )
    seeded = await seed(settings, participants)
    servers: list[Server] = [
        lms_server(
            settings, redis.url, free_port(), workdir / f"data-{i}", workdir / f"lms-{i}.log"
        )
        for i in range(2)
    ]
    await asyncio.gather(*(s.start() for s in servers))
    issuer = TokenIssuer(settings)
    players = [
        Player(issuer.access(uid, sid, "student")[0], servers[i % 2].url)
        for i, (uid, sid) in enumerate(seeded.participants)
    ]
    host = Player(issuer.access(*seeded.host, "instructor")[0], servers[0].url)
    channel = f"live:{seeded.session_id}"
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

            async def open_one(player: Player) -> None:
                async with gate:
                    await connect(http, player, channel)

            began = time.perf_counter()
            await asyncio.gather(*(open_one(p) for p in [host, *players]))
            connect_seconds = time.perf_counter() - began
            # Arrivals are recorded (attendance) as the sockets join; a class that joined
            # over a few seconds has settled by the first question.
            await asyncio.sleep(SETTLE_SECONDS)
            opened = asyncio.Event()
            readers = [asyncio.create_task(read(p, opened)) for p in players]
            await _call(host.ws, 2, "live.start", {"session_id": seeded.session_id})  # type: ignore[arg-type]
            await asyncio.sleep(0.2)
            await _call(host.ws, 3, "live.next", {"session_id": seeded.session_id})  # type: ignore[arg-type]
            await asyncio.wait_for(opened.wait(), TIMEOUT)
            await asyncio.sleep(0.2)  # every socket has the question by now, or is late
            rng = random.Random(7)

            async def answer(player: Player) -> None:
                await asyncio.sleep(rng.uniform(0, BURST_SECONDS))
                player.sent_at = time.perf_counter()
                choice = rng.choice("abcd")
                await _call(
                    player.ws,  # type: ignore[arg-type]
                    10,
                    "live.answer",
                    {
                        "session_id": seeded.session_id,
                        "question_id": seeded.question_id,
                        "choice": choice,
                    },
                )

            await asyncio.gather(*(answer(p) for p in players))
            await asyncio.wait_for(asyncio.gather(*readers), SECONDS_PER_QUESTION + TIMEOUT)
            for p in [host, *players]:
                if p.ws is not None:
                    await p.ws.close()
    finally:
        await asyncio.gather(*(s.stop() for s in servers))

    db = await asyncpg.connect(pg.url)
    try:
        stored = await db.fetchval(
            "SELECT count(*) FROM live_answers WHERE session_id = $1", uuid.UUID(seeded.session_id)
        )
        distinct = await db.fetchval(
            "SELECT count(DISTINCT participant_id) FROM live_answers WHERE session_id = $1",
            uuid.UUID(seeded.session_id),
        )
        closes_at: datetime = await db.fetchval(
            "SELECT closes_at FROM live_sessions WHERE id = $1", uuid.UUID(seeded.session_id)
        )
    finally:
        await db.close()
    acked = [p for p in players if p.acked_at is not None and p.refused is None]
    latencies = [
        p.acked_at - p.sent_at for p in acked if p.sent_at is not None and p.acked_at is not None
    ]
    close_lags = [p.closed_at - closes_at.timestamp() for p in players if p.closed_at is not None]
    return {
        "participants": participants,
        "connect_seconds": connect_seconds,
        "acknowledged": len(acked),
        "refused": sorted({p.refused for p in players if p.refused}),
        "refused_count": sum(1 for p in players if p.refused),
        "stored": stored,
        "distinct": distinct,
        "ack_p50": percentile(latencies, 0.50) if latencies else None,
        "ack_p99": percentile(latencies, 0.99) if latencies else None,
        "ack_max": max(latencies) if latencies else None,
        "closed_received": len(close_lags),
        "close_last": max(close_lags) if close_lags else None,
        "close_p50": percentile(close_lags, 0.50) if close_lags else None,
    }


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def report(r: dict[str, Any], wall: float) -> str:
    last_after_grace = None if r["close_last"] is None else r["close_last"] - GRACE_SECONDS
    lines = [
        "## Live quiz burst",
        "",
        f"{r['participants']} participants on two `lms-rt serve` processes (PostgreSQL + Redis), "
        f"each answering once at a random moment within {BURST_SECONDS:.0f} s; the load "
        "generator is one uvloop process on the same machine.",
        f"machine: nproc {os.cpu_count()}; connected in {r['connect_seconds']:.1f} s; "
        f"run {wall:.0f} s",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        f"| acknowledgement p50 | {_ms(r['ack_p50'])} | |",
        f"| acknowledgement p99 | {_ms(r['ack_p99'])} | ≤ 200 ms |",
        f"| acknowledgement max | {_ms(r['ack_max'])} | |",
        f"| answers acknowledged / stored / distinct | {r['acknowledged']} / {r['stored']} / "
        f"{r['distinct']} | equal |",
        f"| refused | {r['refused_count']} {r['refused']} | 0 |",
        f"| `question.closed` received | {r['closed_received']} of {r['participants']} | all |",
        f"| closes_at → last `question.closed` | {_ms(r['close_last'])} | ≤ 500 ms |",
        f"| closes_at + grace → last `question.closed` | {_ms(last_after_grace)} | |",
        f"| closes_at → median `question.closed` | {_ms(r['close_p50'])} | |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 participants: a fast check")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.participants = 200
    raise_fd_limit()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.participants * 3 + 500:
        print(f"live_quiz_burst: the fd limit {soft} is too low", file=sys.stderr)
        return 2
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp,
        PostgresServer() as pg,
        RedisServer() as redis,
    ):
        try:
            result = uvloop.run(run(args.participants, pg, redis, Path(tmp)))
        except BenchError as exc:
            print(f"live_quiz_burst: {exc}", file=sys.stderr)
            return 1
    print(report(result, time.monotonic() - began))
    problems = []
    if result["acknowledged"] != result["stored"] or result["stored"] != result["distinct"]:
        problems.append(
            f"{result['acknowledged']} answers acknowledged, {result['stored']} stored, "
            f"{result['distinct']} distinct"
        )
    if result["closed_received"] != result["participants"]:
        problems.append(
            f"question.closed reached {result['closed_received']} of "
            f"{result['participants']} participants"
        )
    write_json(
        args.json,
        {
            "benchmark": "live_quiz_burst",
            "quick": args.quick,
            "burst_seconds": BURST_SECONDS,
            "grace_seconds": GRACE_SECONDS,
            **result,
            "problems": problems,
            "ok": not problems,
        },
    )
    if problems:
        print("\nLOSS — acknowledged, stored and closed counts differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
