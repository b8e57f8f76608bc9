"""Turning attempts into what a student (or staff member) may see, and nothing more."""

from __future__ import annotations

from datetime import datetime

from lms_rt.quizzes.attempts import attempt_material, closes_at, review_open
from lms_rt.quizzes.models import Quiz, QuizAttempt
from lms_rt.quizzes.schemas import (
    AttemptOut,
    AttemptQuestion,
    AttemptSummary,
    ReviewedAnswer,
    SavedAnswer,
)


async def attempt_out(attempt: QuizAttempt, quiz: Quiz, now: datetime, staff: bool) -> AttemptOut:
    questions, answers = await attempt_material(attempt)
    show_review = review_open(quiz, attempt, now, staff)
    return AttemptOut(
        id=attempt.id,
        quiz_id=attempt.quiz_id,
        student_id=attempt.student_id,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        closes_at=closes_at(attempt, quiz),
        submitted_at=attempt.submitted_at,
        server_time=now,
        questions=[
            AttemptQuestion(
                id=q.id,
                text=q.text,
                type=q.type,
                points=q.points,
                options=_ordered_options(q.options, attempt.option_orders.get(str(q.id))),
            )
            for q in questions
        ],
        answers=[
            SavedAnswer(question_id=a.question_id, response=a.response, saved_at=a.saved_at)
            for a in answers.values()
        ],
        score=attempt.score,
        max_score=attempt.max_score,
        percentage=attempt.percentage,
        passed=attempt.passed,
        review=[
            ReviewedAnswer(
                question_id=q.id,
                response=answers[str(q.id)].response if str(q.id) in answers else None,
                points_awarded=answers[str(q.id)].points_awarded if str(q.id) in answers else None,
                is_correct=answers[str(q.id)].is_correct if str(q.id) in answers else None,
                feedback=answers[str(q.id)].feedback if str(q.id) in answers else "",
                correct_answer=q.answer_key,
                explanation=q.explanation,
            )
            for q in questions
        ]
        if show_review
        else None,
    )


def _ordered_options(
    options: list[dict[str, object]], order: list[str] | None
) -> list[dict[str, str]]:
    by_id = {str(o["id"]): {"id": str(o["id"]), "text": str(o["text"])} for o in options}
    ids = order if order is not None else list(by_id)
    return [by_id[i] for i in ids if i in by_id]


def attempt_summary(attempt: QuizAttempt) -> AttemptSummary:
    return AttemptSummary(
        id=attempt.id,
        quiz_id=attempt.quiz_id,
        student_id=attempt.student_id,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
        percentage=attempt.percentage,
        passed=attempt.passed,
    )
