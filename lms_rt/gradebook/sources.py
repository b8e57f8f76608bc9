"""Where the gradebook's columns and scores come from, read in a fixed number of queries.

Columns (graded items):

- ``quiz:<id>``: a published quiz of type ``graded``. Its score is taken over the student's
  graded attempts per the quiz's ``scoring_policy`` (highest, latest or average percentage);
  attempts recorded by a live session (``closed_by == "live"``) belong to the live column, not
  here. Its maximum is the sum of its questions' points (a pooled quiz: the pool's share).
  It closes at ``available_until``.
- ``assignment:<id>``: an assignment whose lesson is published. Its score is the newest
  submission with a score (after the late penalty) as a percentage of ``max_points``. It closes
  at ``due_at``, plus ``late_days`` when late work is accepted.
- ``live:<id>``: an ended live quiz session that ``counts_as_attempt``. A participant's
  percentage is their score over ``points_per_question`` times the questions asked (those
  still in the quiz), as for the attempt it records. It closed when it ended.

A cell without a score is ``pending`` while a submission or an attempt waits to be graded,
``open`` (left out of the arithmetic) while the item may still be done, and ``missing``
(counts 0) once it has closed; an item that closed before the student enrolled is
``not_applicable`` (left out). A live session counts 0 for an enrolled student who did not
join it, or who was removed from it (no attempt is recorded for them either).
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lms_rt.assignments.models import Assignment, LatePolicy, SubmissionStatus
from lms_rt.assignments.models import Submission as SubmissionRow
from lms_rt.gradebook.calculator import Column, Score
from lms_rt.live.models import LiveKind, LiveParticipant, LiveSession, LiveState
from lms_rt.quizzes.models import AttemptStatus, Quiz, QuizAttempt, QuizQuestion, QuizType

LIVE_CLOSED_BY = "live"
WAITING = (AttemptStatus.SUBMITTED, AttemptStatus.NEEDS_GRADING)


@dataclass
class Columns:
    """The course's graded items, and what scoring each kind needs."""

    columns: list[Column] = field(default_factory=list)
    quiz_ids: list[uuid.UUID] = field(default_factory=list)
    assignment_ids: list[uuid.UUID] = field(default_factory=list)
    session_ids: list[uuid.UUID] = field(default_factory=list)
    by_key: dict[str, Column] = field(default_factory=dict)

    def add(self, column: Column) -> None:
        self.columns.append(column)
        self.by_key[column.key] = column


def _latest_last(moment: datetime | None) -> tuple[bool, datetime | None]:
    return (moment is None, moment)


async def load_columns(course_id: uuid.UUID) -> Columns:
    """Four to six queries, whatever the number of items."""
    found = Columns()
    quizzes = await Quiz.filter(
        course_id=course_id, is_published=True, type=QuizType.GRADED
    ).order_by("created_at", "id")
    points: dict[uuid.UUID, list[float]] = defaultdict(list)
    if quizzes:
        for quiz_id, value in await QuizQuestion.filter(
            quiz_id__in=[q.id for q in quizzes]
        ).values_list("quiz_id", "points"):
            points[quiz_id].append(float(value))
    for quiz in sorted(quizzes, key=lambda q: _latest_last(q.available_until)):
        found.quiz_ids.append(quiz.id)
        found.add(
            Column(
                key=f"quiz:{quiz.id}",
                kind="quiz",
                title=quiz.title,
                category=quiz.gradebook_category,
                max_points=_quiz_maximum(points[quiz.id], quiz.pool_size),
                closes_at=quiz.available_until,
                scoring_policy=quiz.scoring_policy.value,
            )
        )

    assignments = await Assignment.filter(course_id=course_id, lesson__is_published=True).order_by(
        "created_at", "id"
    )
    for assignment in sorted(assignments, key=lambda a: _latest_last(_assignment_closes(a))):
        found.assignment_ids.append(assignment.id)
        found.add(
            Column(
                key=f"assignment:{assignment.id}",
                kind="assignment",
                title=assignment.title,
                category=assignment.gradebook_category,
                max_points=assignment.max_points,
                closes_at=_assignment_closes(assignment),
            )
        )

    sessions = await LiveSession.filter(
        course_id=course_id, kind=LiveKind.QUIZ, counts_as_attempt=True, state=LiveState.ENDED
    ).order_by("ended_at", "id")
    played = {s.id: s.question_ids[: s.current_index + 1] for s in sessions}
    asked = {i for ids in played.values() for i in ids}
    existing: set[str] = set()
    if asked:
        existing = {
            str(i)
            for i in await QuizQuestion.filter(id__in=[uuid.UUID(i) for i in asked]).values_list(
                "id", flat=True
            )
        }
    for session in sessions:
        # Questions deleted since they were played are left out, as in the recorded attempt.
        count = sum(1 for i in played[session.id] if i in existing)
        if not count:
            continue  # nothing was asked: no attempt was recorded either
        found.session_ids.append(session.id)
        found.add(
            Column(
                key=f"live:{session.id}",
                kind="live",
                title=session.title,
                category="live",
                max_points=float(session.points_per_question * count),
                closes_at=session.ended_at,
            )
        )
    return found


def _quiz_maximum(points: list[float], pool_size: int | None) -> float:
    total = math.fsum(points)
    if pool_size is not None and points and pool_size < len(points):
        return total * pool_size / len(points)
    return total


def _assignment_closes(assignment: Assignment) -> datetime | None:
    if assignment.due_at is None:
        return None
    if assignment.late_policy == LatePolicy.ACCEPT:
        return assignment.due_at + timedelta(days=assignment.late_days)
    return assignment.due_at


@dataclass(frozen=True)
class _Attempt:
    number: int
    status: AttemptStatus
    score: float | None
    max_score: float


@dataclass(frozen=True)
class _Submission:
    attempt: int
    status: SubmissionStatus
    score: float | None


Scores = dict[uuid.UUID, dict[str, Score]]


async def load_scores(
    found: Columns, enrolled_at: dict[uuid.UUID, datetime], now: datetime, *, whole_class: bool
) -> Scores:
    """Every student's score for every column: three queries. For a few students the rows are
    filtered by student; for the whole class, by item only (a long id list costs more)."""
    students = list(enrolled_at)
    by_student: dict[str, list[uuid.UUID]] = {} if whole_class else {"student_id__in": students}
    scores: Scores = {s: {} for s in students}

    attempts: dict[tuple[uuid.UUID, uuid.UUID], list[_Attempt]] = defaultdict(list)
    if found.quiz_ids:
        rows = await QuizAttempt.filter(quiz_id__in=found.quiz_ids, **by_student).values_list(
            "quiz_id", "student_id", "number", "status", "score", "max_score", "closed_by"
        )
        for quiz_id, student_id, number, status, score, max_score, closed_by in rows:
            if closed_by != LIVE_CLOSED_BY:
                attempts[(student_id, quiz_id)].append(
                    _Attempt(number, AttemptStatus(status), score, max_score)
                )
    submissions: dict[tuple[uuid.UUID, uuid.UUID], list[_Submission]] = defaultdict(list)
    if found.assignment_ids:
        rows = await SubmissionRow.filter(
            assignment_id__in=found.assignment_ids, **by_student
        ).values_list("assignment_id", "student_id", "attempt", "status", "score")
        for assignment_id, student_id, attempt, status, score in rows:
            submissions[(student_id, assignment_id)].append(
                _Submission(attempt, SubmissionStatus(status), score)
            )
    live: dict[tuple[uuid.UUID, uuid.UUID], float] = {}
    if found.session_ids:
        by_user = {} if whole_class else {"user_id__in": students}
        rows = await LiveParticipant.filter(
            session_id__in=found.session_ids, kicked_at=None, **by_user
        ).values_list("session_id", "user_id", "score")
        for session_id, user_id, score in rows:
            live[(user_id, session_id)] = float(score)

    for student_id, since in enrolled_at.items():
        cells = scores[student_id]
        for column in found.columns:
            kind, _, raw_id = column.key.partition(":")
            item_id = uuid.UUID(raw_id)
            if kind == "quiz":
                cells[column.key] = _quiz_score(
                    column, attempts.get((student_id, item_id), []), since, now
                )
            elif kind == "assignment":
                cells[column.key] = _assignment_score(
                    column, submissions.get((student_id, item_id), []), since, now
                )
            else:
                earned = live.get((student_id, item_id))
                cells[column.key] = (
                    Score("graded", _percent(earned, column.max_points))
                    if earned is not None
                    else _unscored(column, since, now)
                )
    return scores


def _percent(score: float, maximum: float) -> float:
    # An item worth nothing is fully earned, as a quiz attempt with no points is 100 %.
    return 100.0 * score / maximum if maximum else 100.0


def _unscored(column: Column, enrolled_at: datetime, now: datetime, *, busy: bool = False) -> Score:
    closes = column.closes_at
    if closes is None or now < closes:
        return Score("open")
    if enrolled_at > closes:
        return Score("not_applicable")
    if busy:
        return Score("pending")  # an attempt still inside its grace period
    return Score("missing", 0.0)


def _quiz_score(
    column: Column, attempts: list[_Attempt], enrolled_at: datetime, now: datetime
) -> Score:
    graded = sorted(
        (a for a in attempts if a.status == AttemptStatus.GRADED and a.score is not None),
        key=lambda a: a.number,
    )
    if graded:
        percentages = [_percent(a.score or 0.0, a.max_score) for a in graded]
        if column.scoring_policy == "latest":
            return Score("graded", percentages[-1])
        if column.scoring_policy == "average":
            return Score("graded", math.fsum(percentages) / len(percentages))
        return Score("graded", max(percentages))
    if any(a.status in WAITING for a in attempts):
        return Score("pending")
    busy = any(a.status == AttemptStatus.IN_PROGRESS for a in attempts)
    return _unscored(column, enrolled_at, now, busy=busy)


def _assignment_score(
    column: Column, submissions: list[_Submission], enrolled_at: datetime, now: datetime
) -> Score:
    scored = [s for s in submissions if s.score is not None]
    if scored:
        newest = max(scored, key=lambda s: s.attempt)
        return Score("graded", _percent(newest.score or 0.0, column.max_points))
    if any(s.status == SubmissionStatus.SUBMITTED for s in submissions):
        return Score("pending")
    return _unscored(column, enrolled_at, now)
