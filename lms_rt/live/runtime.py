"""Per-process help for live sessions: close timers, coalesced answer counts, question cache.

None of this is the truth: the database is. A timer lost with its process is covered by the
backstop job and by lazy closing on reads; a lost count update is followed by the next one and
by the distribution in ``question.closed``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from lms_rt import keys
from lms_rt.deps import Deps
from lms_rt.live import closing
from lms_rt.live.answer_writer import AnswerWriter
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession, LiveState
from lms_rt.live.room import chat_limiter
from lms_rt.quizzes.models import QuizQuestion

log = logging.getLogger(__name__)

# ``answer.count`` goes out at most this often per session, across all processes together.
COUNT_INTERVAL_SECONDS = 0.2
QUESTION_CACHE_SIZE = 512
COUNT_STAMPS_KEPT = 1024
# Seats remembered per process (session, user -> participant); the oldest go first.
SEAT_CACHE_SIZE = 50_000
TIMER_RETRIES = 5


@dataclass(frozen=True)
class OpenQuestion:
    """What accepting an answer needs to know of the open question, as last read.

    A stale copy can only make this process look again: the answer's own transaction checks
    that the question is still the open one, and refuses the answer otherwise.
    """

    course_id: uuid.UUID
    index: int
    question_id: str
    opens_at: datetime
    closes_at: datetime
    seconds: int
    points: int
    speed_bonus: bool

    @classmethod
    def of(cls, session: LiveSession) -> OpenQuestion | None:
        if (
            session.state != LiveState.QUESTION_OPEN
            or session.opens_at is None
            or session.closes_at is None
            or not 0 <= session.current_index < len(session.question_ids)
        ):
            return None
        return cls(
            course_id=session.course_id,
            index=session.current_index,
            question_id=session.question_ids[session.current_index],
            opens_at=session.opens_at,
            closes_at=session.closes_at,
            seconds=session.seconds_per_question,
            points=session.points_per_question,
            speed_bonus=session.speed_bonus,
        )


@dataclass(frozen=True)
class Seat:
    participant_id: uuid.UUID
    display_name: str


class LiveRuntime:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._timers: dict[tuple[uuid.UUID, int], asyncio.TimerHandle] = {}
        self._pending_counts: set[tuple[uuid.UUID, int]] = set()
        self._last_count: dict[uuid.UUID, float] = {}
        self._questions: OrderedDict[tuple[uuid.UUID, int], QuizQuestion] = OrderedDict()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._count_loop: asyncio.Task[None] | None = None
        self.chat_limiter = chat_limiter(deps)
        self.writer = AnswerWriter(deps)
        self.open_questions: OrderedDict[uuid.UUID, OpenQuestion | None] = OrderedDict()
        self._seats: OrderedDict[tuple[uuid.UUID, str], Seat] = OrderedDict()

    async def start(self) -> None:
        self._count_loop = asyncio.create_task(self._publish_counts(), name="live-answer-counts")

    async def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        tasks = [*self._tasks, *([self._count_loop] if self._count_loop else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.writer.close()

    # --- what answers need, remembered ------------------------------------------------------

    def seat(self, session_id: uuid.UUID, user_id: str) -> Seat | None:
        return self._seats.get((session_id, user_id))

    def remember(self, participant: LiveParticipant, session: LiveSession) -> None:
        self._seats[(session.id, str(participant.user_id))] = Seat(
            participant.id, participant.display_name
        )
        if len(self._seats) > SEAT_CACHE_SIZE:
            self._seats.popitem(last=False)
        self.open_questions[session.id] = OpenQuestion.of(session)
        self.open_questions.move_to_end(session.id)
        if len(self.open_questions) > SEAT_CACHE_SIZE:
            self.open_questions.popitem(last=False)

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- closing at the deadline ------------------------------------------------------------

    def schedule_close(self, session_id: uuid.UUID, index: int, closes_at: datetime) -> None:
        """Close the question when its grace period ends, from this process's event loop."""
        due = closes_at + closing.GRACE
        delay = max(0.0, (due - self.deps.clock.now()).total_seconds())
        key = (session_id, index)
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()

        def fire() -> None:
            self._timers.pop(key, None)
            self.spawn(self._close(session_id, index))

        self._timers[key] = asyncio.get_running_loop().call_later(delay, fire)

    async def _close(self, session_id: uuid.UUID, index: int) -> None:
        try:
            # The event loop may wake a timer a little before the wall clock says it is due:
            # then wait for the rest rather than leave the question to the backstop.
            for _ in range(TIMER_RETRIES):
                if await closing.close_question(self.deps, session_id, index):
                    return
                session = await LiveSession.filter(
                    id=session_id, state=LiveState.QUESTION_OPEN, current_index=index
                ).first()
                if session is None or session.closes_at is None:
                    return  # closed by someone else
                due = session.closes_at + closing.GRACE
                await asyncio.sleep(max(0.0, (due - self.deps.clock.now()).total_seconds()) + 0.005)
        except Exception:
            # The backstop job and the next read close it instead.
            log.exception("closing live question %s/%d on time failed", session_id, index)

    def close_soon(self, session_id: uuid.UUID, index: int) -> None:
        """A read found the question overdue: close it without making that read wait."""
        self.spawn(self._close(session_id, index))

    # --- answer counts ------------------------------------------------------------------------

    def note_answer(self, session_id: uuid.UUID, index: int) -> None:
        self._pending_counts.add((session_id, index))

    async def _publish_counts(self) -> None:
        while True:
            await asyncio.sleep(COUNT_INTERVAL_SECONDS / 2)
            if len(self._last_count) > COUNT_STAMPS_KEPT:
                # Only the last interval matters: older stamps of finished rooms go.
                horizon = time.monotonic() - COUNT_INTERVAL_SECONDS
                self._last_count = {k: t for k, t in self._last_count.items() if t > horizon}
            for key in list(self._pending_counts):
                try:
                    if await self._take_count_slot(key[0]):
                        self._pending_counts.discard(key)
                        await self._publish_count(*key)
                except Exception:
                    log.exception("publishing the answer count of %s failed", key[0])

    async def _take_count_slot(self, session_id: uuid.UUID) -> bool:
        """At most one count per interval per session, whichever process has answers."""
        now = time.monotonic()
        if now - self._last_count.get(session_id, 0.0) < COUNT_INTERVAL_SECONDS:
            return False
        self._last_count[session_id] = now
        if self.deps.redis is None:
            return True
        millis = int(COUNT_INTERVAL_SECONDS * 1000)
        taken = await self.deps.redis.set(f"lms:live:count:{session_id}", b"1", nx=True, px=millis)
        return bool(taken)

    async def _publish_count(self, session_id: uuid.UUID, index: int) -> None:
        answered = await LiveAnswer.filter(session_id=session_id, question_index=index).count()
        present = await LiveParticipant.filter(session_id=session_id, kicked_at=None).count()
        await self.deps.bus.publish(
            f"live:{session_id}",
            "answer.count",
            {"index": index, "count": answered, "participants": present},
        )

    # --- questions ----------------------------------------------------------------------------

    async def question(
        self, session_id: uuid.UUID, index: int, question_id: uuid.UUID
    ) -> QuizQuestion | None:
        """The open question, read once per process and opening rather than once per answer
        (keyed by the opening, so an edit between two openings is never served stale)."""
        key = (session_id, index)
        cached = self._questions.get(key)
        if cached is not None and cached.id == question_id:
            self._questions.move_to_end(key)
            return cached
        question = await QuizQuestion.filter(id=question_id).first()
        if question is not None:
            self._questions[key] = question
            if len(self._questions) > QUESTION_CACHE_SIZE:
                self._questions.popitem(last=False)
        return question


LIVE = web.AppKey("live_runtime", LiveRuntime)


async def live_runtime_context(app: web.Application) -> AsyncIterator[None]:
    runtime = LiveRuntime(app[keys.DEPS])
    await runtime.start()
    app[LIVE] = runtime
    yield
    await runtime.stop()
