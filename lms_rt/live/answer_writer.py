"""Group commit for live answers: many answers to one question, one transaction.

A burst of a thousand answers in a second would otherwise be a thousand transactions queueing
for the database. The first answer to arrive is written at once; answers arriving while a
write is in flight wait for the next one, so a quiet room pays no delay and a busy one pays
one round of transactions per batch. Each answer is acknowledged only after its batch commits.

Within the transaction the rows are inserted first (their foreign key holds a key-share lock
on the session row, which the close's ``FOR UPDATE`` waits for) and the question is checked
to be still open afterwards: a stored answer is always one the close will score.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Conflict, Forbidden, LmsError
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession, LiveState

log = logging.getLogger(__name__)


class QuestionNotOpen(Conflict):
    code = "question_closed"


class AlreadyAnswered(Conflict):
    code = "already_answered"


@dataclass
class PendingAnswer:
    row: LiveAnswer
    display_name: str
    course_id: uuid.UUID
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class AnswerWriter:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._waiting: dict[tuple[uuid.UUID, int], list[PendingAnswer]] = {}
        self._writers: dict[tuple[uuid.UUID, int], asyncio.Task[None]] = {}

    async def write(self, pending: PendingAnswer) -> None:
        """Store the answer; raises ``AlreadyAnswered``, ``QuestionNotOpen`` or ``Forbidden``."""
        key = (pending.row.session_id, pending.row.question_index)
        self._waiting.setdefault(key, []).append(pending)
        if key not in self._writers:
            task = asyncio.create_task(self._drain(key))
            self._writers[key] = task
        # The caller's socket may go away; the batch is written (and the answer kept) anyway.
        await asyncio.shield(pending.done)

    async def close(self) -> None:
        tasks = list(self._writers.values())
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _drain(self, key: tuple[uuid.UUID, int]) -> None:
        try:
            while self._waiting.get(key):
                batch = self._waiting.pop(key)
                await self._write_batch(key, batch)
        finally:
            self._writers.pop(key, None)
            # An answer queued between the last pop and the pop above starts its own writer.
            if self._waiting.get(key):
                self._writers[key] = asyncio.create_task(self._drain(key))

    async def _write_batch(self, key: tuple[uuid.UUID, int], batch: list[PendingAnswer]) -> None:
        session_id, index = key
        try:
            stored, present = await self._commit(session_id, index, batch)
        except LmsError as refusal:
            for pending in batch:
                _settle(pending, type(refusal)(refusal.message))
            return
        except Exception as exc:
            log.exception("writing %d live answers failed", len(batch))
            for pending in batch:
                _settle(pending, exc)
            return
        for pending in batch:
            if pending.row.participant_id not in present:
                _settle(pending, Forbidden("You are no longer in this session"))
            elif pending.row.id in stored:
                _settle(pending, None)
            else:
                _settle(pending, AlreadyAnswered("You have already answered this question"))

    async def _commit(
        self, session_id: uuid.UUID, index: int, batch: list[PendingAnswer]
    ) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
        async with atomic(self.deps) as effects:
            # Still in the room: not removed, and still enrolled in the course (two indexed
            # lookups; one query joining through users makes PostgreSQL plan far worse).
            seated = dict(
                await LiveParticipant.filter(
                    id__in={p.row.participant_id for p in batch}, kicked_at=None
                ).values_list("id", "user_id")
            )
            enrolled = set(
                await Enrollment.filter(
                    course_id=batch[0].course_id,
                    student_id__in=list(seated.values()),
                    status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
                ).values_list("student_id", flat=True)
            )
            present = {pid for pid, user in seated.items() if user in enrolled}
            rows = [p.row for p in batch if p.row.participant_id in present]
            if not rows:
                return set(), present
            # A second answer (earlier, or in this very batch) conflicts and is left out.
            await LiveAnswer.bulk_create(rows, ignore_conflicts=True)
            stored: set[uuid.UUID] = set(
                await LiveAnswer.filter(id__in=[r.id for r in rows]).values_list("id", flat=True)  # type: ignore[arg-type]
            )
            still_open = await LiveSession.filter(
                id=session_id, state=LiveState.QUESTION_OPEN, current_index=index
            ).exists()
            if not still_open:
                raise QuestionNotOpen("Time is up for this question")
            if stored:
                effects.publish(
                    f"live:{session_id}:host",
                    "answers.received",
                    {
                        "index": index,
                        "answers": [_for_host(p) for p in batch if p.row.id in stored],
                    },
                )
        return stored, present


def _settle(pending: PendingAnswer, outcome: BaseException | None) -> None:
    if pending.done.done():
        return
    if outcome is None:
        pending.done.set_result(None)
    else:
        pending.done.set_exception(outcome)


def _for_host(pending: PendingAnswer) -> dict[str, Any]:
    row = pending.row
    return {
        "question_id": str(row.question_id),
        "participant_id": str(row.participant_id),
        "display_name": pending.display_name,
        "choice": row.choice.get("value"),
        "elapsed_ms": row.elapsed_ms,
        "correct": row.correct,
        "points": row.points,
    }
