"""The timed quiz attempt as a Hypothesis state machine, on a clock the test moves.

Rules start an attempt, save answers, come back to it (a reconnecting client fetches it
again), move the server's clock, submit, and run the deadline job, in any order. After every
step the rows are checked against the model: no answer is stored after ``deadline + grace``,
an open attempt holds exactly the answers it accepted, a closed one was closed and graded
exactly once (one ``attempt.closed`` and one ``attempt.graded`` event, a grading time that
never moves) with the score its answers earn, and a student has at most one attempt open.

The machine runs in a worker thread and drives the app on the test's loop (``bridge.py``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from arq import Retry
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lms_rt import keys
from lms_rt.quizzes.models import AttemptAnswer, AttemptStatus, QuizAttempt
from lms_rt.quizzes.tasks import close_quiz_attempt
from tests.fuzz.bridge import LoopBridge, off_loop
from tests.fuzz.figures import record, tally
from tests.fuzz.scale import DERANDOMIZE, SCALE
from tests.quizzes.helpers import (
    API,
    CHOICES,
    Clock,
    course_with_staff,
    create_quiz,
    numeric,
    single,
    student_in,
    true_false,
    when,
)

LIMIT_MINUTES = 10
GRACE_SECONDS = 30
NUMERIC_VALUE, NUMERIC_TOLERANCE = 7.5, 0.5
# Per student (one example): enough to see resumes, closes and restarts.
MAX_ATTEMPTS = 3

# Independent of lms_rt's grading: what each answer to these three questions earns.
KEY = {"single": "b", "true_false": True}
POINTS = {"single": 1.0, "true_false": 1.0, "numeric": 2.0}


def earned(kind: str, response: Any) -> float:
    if kind == "numeric":
        right = abs(float(response) - NUMERIC_VALUE) <= NUMERIC_TOLERANCE
    else:
        right = response == KEY[kind]
    return POINTS[kind] if right else 0.0


RESPONSES = {
    "single": st.sampled_from([choice["id"] for choice in CHOICES]),
    "true_false": st.booleans(),
    "numeric": st.one_of(
        st.sampled_from([NUMERIC_VALUE, NUMERIC_VALUE + NUMERIC_TOLERANCE, 7.0, 8.01]),
        st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False),
    ),
}


@dataclass
class Attempt:
    id: str
    closes_at: datetime
    answers: dict[str, Any] = field(default_factory=dict)
    closed_by: str | None = None
    graded_at: datetime | None = None


@dataclass
class Quiz:
    id: str
    # Question kind -> question id.
    questions: dict[str, str]


def machine_for(
    client: Any, bridge: LoopBridge, clock: Clock, quiz: Quiz, course: Any, steps: Counter[str]
) -> type:
    students = itertools.count(1)

    async def send(method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        response = await client.request(method, f"{API}{path}", headers=headers, **kwargs)
        return response.status, await response.json()

    class QuizAttempts(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            next(students)
            self.student, self.headers, _ = bridge.run(student_in(client, course))
            self.attempts: list[Attempt] = []

        # --- the model's view of time -------------------------------------------------

        @property
        def current(self) -> Attempt | None:
            open_ones = [a for a in self.attempts if a.closed_by is None]
            return open_ones[-1] if open_ones else None

        def _overdue(self, attempt: Attempt) -> bool:
            return clock.at > attempt.closes_at

        def _lazy_close(self, attempt: Attempt | None) -> None:
            """Any read of an overdue open attempt closes it as of its deadline."""
            if attempt is not None and attempt.closed_by is None and self._overdue(attempt):
                attempt.closed_by = "deadline"

        def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
            result: tuple[int, Any] = bridge.run(send(method, path, self.headers, **kwargs))
            return result

        # --- rules ---------------------------------------------------------------------

        @precondition(lambda self: len(self.attempts) < MAX_ATTEMPTS)
        @rule()
        def start(self) -> None:
            before = self.current
            status, body = self.call("POST", f"/quizzes/{quiz.id}/attempts")
            assert status == 201, body
            self._lazy_close(before)
            if before is not None and before.closed_by is None:
                steps["start (resumes the open one)"] += 1
                assert body["id"] == before.id, "a second start must resume the open attempt"
                return
            steps["start (new attempt)"] += 1
            assert all(body["id"] != a.id for a in self.attempts)
            closes_at = when(body["closes_at"])
            assert closes_at == clock.at + timedelta(minutes=LIMIT_MINUTES, seconds=GRACE_SECONDS)
            self.attempts.append(Attempt(body["id"], closes_at))

        @precondition(lambda self: self.attempts)
        @rule(data=st.data(), kind=st.sampled_from(sorted(POINTS)))
        def save(self, data: st.DataObject, kind: str) -> None:
            attempt = data.draw(st.sampled_from(self.attempts), label="attempt")
            self._save(attempt, data.draw(RESPONSES[kind], label="response"), kind)

        def _save(self, attempt: Attempt | None, response: Any, kind: str) -> None:
            assert attempt is not None
            answer = {"question_id": quiz.questions[kind], "response": response}
            status, body = self.call(
                "PUT", f"/attempts/{attempt.id}/answers", json={"answers": [answer]}
            )
            self._lazy_close(attempt)
            if attempt.closed_by is None:
                steps["save accepted"] += 1
                assert status == 200, body
                attempt.answers[kind] = response
            else:
                steps["save refused (closed)"] += 1
                assert status == 409 and body["error"]["code"] == "attempt_closed", body

        @precondition(lambda self: self.current is not None)
        @rule(data=st.data(), kind=st.sampled_from(sorted(POINTS)))
        def save_to_the_open_attempt(self, data: st.DataObject, kind: str) -> None:
            """What a client mostly does: autosave into the attempt it is taking."""
            self._save(self.current, data.draw(RESPONSES[kind], label="response"), kind)

        @rule(seconds=st.sampled_from([1, 15, 29, 31, 60, 300, 599, 601, 631, 900]))
        def advance_time(self, seconds: int) -> None:
            steps["advance time"] += 1
            clock.move(seconds=seconds)

        @precondition(lambda self: self.attempts)
        @rule(data=st.data())
        def reconnect(self, data: st.DataObject) -> None:
            """A client that lost its socket fetches its attempt again to resume."""
            steps["reconnect"] += 1
            attempt = data.draw(st.sampled_from(self.attempts), label="attempt")
            status, body = self.call("GET", f"/attempts/{attempt.id}")
            assert status == 200, body
            self._lazy_close(attempt)
            kinds = {question_id: kind for kind, question_id in quiz.questions.items()}
            saved = {
                kinds[a["question_id"]]: a["response"]
                for a in body["answers"]
                if a["response"] is not None
            }
            assert saved == attempt.answers
            assert (body["status"] == AttemptStatus.IN_PROGRESS) == (attempt.closed_by is None)

        @precondition(lambda self: self.attempts)
        @rule(data=st.data())
        def submit(self, data: st.DataObject) -> None:
            steps["submit"] += 1
            attempt = data.draw(st.sampled_from(self.attempts), label="attempt")
            status, body = self.call("POST", f"/attempts/{attempt.id}/submit")
            assert status == 200, body
            self._lazy_close(attempt)
            if attempt.closed_by is None:
                attempt.closed_by = "student"

        @precondition(lambda self: self.attempts)
        @rule(data=st.data())
        def deadline_job(self, data: st.DataObject) -> None:
            """The scheduled close, fired early, on time or late (it may run twice)."""
            attempt = data.draw(st.sampled_from(self.attempts), label="attempt")
            context = {"deps": client.app[keys.DEPS], "job_try": 1}
            try:
                outcome = bridge.run(close_quiz_attempt(context, attempt.id))
            except Retry:
                steps["deadline job early (retry)"] += 1
                assert attempt.closed_by is None and not self._overdue(attempt)
                return
            steps[f"deadline job: {outcome}"] += 1
            if attempt.closed_by is None:
                assert outcome == "closed" and self._overdue(attempt)
                attempt.closed_by = "deadline"
            else:
                assert outcome == "already closed"

        # --- invariants ----------------------------------------------------------------

        @invariant()
        def rows_match_the_model(self) -> None:
            rows, answers, events = bridge.run(self._stored())
            assert sum(r.status == AttemptStatus.IN_PROGRESS for r in rows.values()) <= 1
            kinds = {question_id: kind for kind, question_id in quiz.questions.items()}
            for attempt in self.attempts:
                row = rows[attempt.id]
                stored = {
                    kinds[str(a.question_id)]: a.response
                    for a in answers.get(attempt.id, [])
                    if a.response is not None
                }
                for a in answers.get(attempt.id, []):
                    if a.response is not None:
                        assert a.saved_at <= attempt.closes_at, "an answer stored after grace"
                assert stored == attempt.answers
                closed = events["attempt.closed"][attempt.id]
                graded = events["attempt.graded"][attempt.id]
                if attempt.closed_by is None:
                    assert row.status == AttemptStatus.IN_PROGRESS
                    assert closed == graded == 0
                    continue
                assert row.status == AttemptStatus.GRADED, row.status
                assert row.closed_by == attempt.closed_by
                assert closed == 1 and graded == 1, (closed, graded)
                expected = sum(earned(k, r) for k, r in attempt.answers.items())
                assert abs((row.score or 0.0) - expected) < 1e-6, (row.score, expected)
                if attempt.graded_at is None:
                    attempt.graded_at = row.graded_at
                assert row.graded_at == attempt.graded_at, "graded a second time"

        async def _stored(self) -> tuple[dict[str, QuizAttempt], dict[str, list], dict]:
            rows = {str(r.id): r for r in await QuizAttempt.filter(student_id=self.student.id)}
            answers: dict[str, list[AttemptAnswer]] = {}
            for answer in await AttemptAnswer.filter(attempt_id__in=list(rows)):
                answers.setdefault(str(answer.attempt_id), []).append(answer)
            history = await client.app[keys.BUS].history(f"user:{self.student.id}", 0) or []
            events: dict[str, Counter[str]] = {
                "attempt.closed": Counter(),
                "attempt.graded": Counter(),
            }
            for event in history:
                frame = event.decode()
                if frame["type"] in events:
                    events[frame["type"]][frame["data"]["attempt_id"]] += 1
            return rows, answers, events

    return QuizAttempts


async def test_quiz_attempts_hold_their_invariants(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, headers, course = await course_with_staff(client)
    created, questions = await create_quiz(
        client,
        headers,
        course,
        [
            single(points=POINTS["single"], correct=KEY["single"]),
            true_false(points=POINTS["true_false"], correct=KEY["true_false"]),
            numeric(points=POINTS["numeric"], value=NUMERIC_VALUE, tolerance=NUMERIC_TOLERANCE),
        ],
        time_limit_minutes=LIMIT_MINUTES,
        grace_seconds=GRACE_SECONDS,
    )
    kinds = {"single_choice": "single", "true_false": "true_false", "numeric": "numeric"}
    quiz = Quiz(created["id"], {kinds[q["type"]]: q["id"] for q in questions})
    steps: Counter[str] = Counter()
    students = {"examples": 0}

    def explore(bridge: LoopBridge) -> None:
        machine = machine_for(client, bridge, clock, quiz, course, steps)

        class Counted(machine):  # type: ignore[misc, valid-type]
            def __init__(self) -> None:
                super().__init__()
                students["examples"] += 1

        run_state_machine_as_test(
            Counted,
            settings=settings(
                max_examples=12 * SCALE,
                stateful_step_count=25,
                deadline=None,
                database=None,
                derandomize=DERANDOMIZE,
                suppress_health_check=list(HealthCheck),
            ),
        )

    await off_loop(explore)
    attempts = await QuizAttempt.filter(quiz_id=quiz.id).count()
    record(
        "quiz-attempt state machine",
        examples=students["examples"],
        attempts=attempts,
        steps=tally(steps),
    )
    assert steps["save accepted"] and steps["save refused (closed)"]
    assert steps["deadline job: closed"] or steps["reconnect"]
