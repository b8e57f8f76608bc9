"""A session's results: per question (distribution, correct rate, average time), the final
ranking, and each participant's attendance."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from lms_rt.live.attendance import minutes_present
from lms_rt.live.models import LiveAnswer, LiveAttendance, LiveParticipant, LiveSession, LiveState
from lms_rt.live.presenters import question_answer, session_out, standing
from lms_rt.live.schemas import AttendanceOut, QuestionResult, RankOut, ResultsOut
from lms_rt.live.scoring import distribution, ranked
from lms_rt.quizzes.models import QuizQuestion

RANKING_COLUMNS = (
    "rank",
    "participant_id",
    "user_id",
    "display_name",
    "score",
    "correct_count",
    "answer_ms",
    "kicked",
    "minutes_present",
    "first_joined_at",
    "last_left_at",
)


QUESTION_COLUMNS = (
    "index",
    "question_id",
    "text",
    "type",
    "answered",
    "correct_count",
    "correct_rate",
    "average_ms",
    "distribution",
)
ATTENDANCE_COLUMNS = ("user_id", "display_name", "joined_at", "left_at")


async def results(session: LiveSession, now: datetime) -> ResultsOut:
    participants = await LiveParticipant.filter(session_id=session.id)
    answers = await LiveAnswer.filter(session_id=session.id)
    stretches = await LiveAttendance.filter(session_id=session.id).order_by("joined_at")
    names = {p.user_id: p.display_name for p in participants}
    return ResultsOut(
        session=session_out(session, sum(1 for p in participants if p.kicked_at is None)),
        questions=await _questions(session, answers),
        ranking=_ranking(session, participants, stretches, now),
        attendance=[
            AttendanceOut(
                user_id=row.user_id,
                display_name=names.get(row.user_id, ""),
                joined_at=row.joined_at,
                left_at=row.left_at,
            )
            for row in stretches
        ],
    )


def csv_rows(out: ResultsOut, table: str) -> tuple[tuple[str, ...], list[list[object]]]:
    """The header and rows of one results table."""
    if table == "questions":
        return QUESTION_COLUMNS, [
            [
                q.index,
                q.question_id,
                q.text,
                q.type,
                q.answered,
                q.correct_count,
                q.correct_rate,
                q.average_ms,
                " ".join(f"{choice}={count}" for choice, count in q.distribution.items()),
            ]
            for q in out.questions
        ]
    if table == "attendance":
        return ATTENDANCE_COLUMNS, [
            [a.user_id, a.display_name, a.joined_at.isoformat(), _iso(a.left_at)]
            for a in out.attendance
        ]
    return RANKING_COLUMNS, [
        [
            r.rank,
            r.participant_id,
            r.user_id,
            r.display_name,
            r.score,
            r.correct_count,
            r.answer_ms,
            r.kicked,
            r.minutes_present,
            _iso(r.first_joined_at),
            _iso(r.last_left_at),
        ]
        for r in out.ranking
    ]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


async def _questions(session: LiveSession, answers: list[LiveAnswer]) -> list[QuestionResult]:
    # Only what was asked and has closed: an open question's figures would give it away.
    closed_upto = session.current_index
    if session.state == LiveState.QUESTION_OPEN:
        closed_upto -= 1
    asked = session.question_ids[: closed_upto + 1]
    questions = {
        str(q.id): q for q in await QuizQuestion.filter(id__in=[uuid.UUID(i) for i in asked])
    }
    by_index: dict[int, list[LiveAnswer]] = defaultdict(list)
    for answer in answers:
        by_index[answer.question_index].append(answer)
    out = []
    for index, question_id in enumerate(asked):
        question = questions.get(question_id)
        if question is None:
            continue
        mine = by_index.get(index, [])
        correct = sum(1 for a in mine if a.correct)
        out.append(
            QuestionResult(
                index=index,
                question_id=question.id,
                text=question.text,
                type=question.type.value,
                answered=len(mine),
                correct_count=correct,
                correct_rate=round(correct / len(mine), 4) if mine else None,
                average_ms=round(sum(a.elapsed_ms for a in mine) / len(mine), 1) if mine else None,
                distribution=distribution(
                    question.type, question.options, (a.choice.get("value") for a in mine)
                ),
                correct=question_answer(question),
            )
        )
    return out


def _ranking(
    session: LiveSession,
    participants: list[LiveParticipant],
    attendance: list[LiveAttendance],
    now: datetime,
) -> list[RankOut]:
    stretches: dict[uuid.UUID, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for row in attendance:
        stretches[row.user_id].append((row.joined_at, row.left_at))
    until = session.ended_at or now
    kicked = {p.id for p in participants if p.kicked_at is not None}
    by_id = {p.id: p for p in participants}
    table = ranked(standing(p) for p in participants)
    # Removed participants are listed after everyone else, in the same order.
    table.sort(key=lambda entry: (uuid.UUID(entry[1].participant_id) in kicked, entry[0]))
    out = []
    for rank, (_, entry) in enumerate(table, start=1):
        participant = by_id[uuid.UUID(entry.participant_id)]
        mine = stretches.get(participant.user_id, [])
        lefts = [end for _, end in mine if end is not None]
        out.append(
            RankOut(
                rank=rank,
                participant_id=participant.id,
                user_id=participant.user_id,
                display_name=participant.display_name,
                score=participant.score,
                correct_count=participant.correct_count,
                answer_ms=participant.answer_ms,
                kicked=participant.id in kicked,
                minutes_present=minutes_present(mine, until),
                first_joined_at=mine[0][0] if mine else None,
                last_left_at=max(lefts) if lefts and all(end for _, end in mine) else None,
            )
        )
    return out
