"""Changing answer keys or points after students answered: every closed attempt re-scored.

A pass that turns into a fail after the course was completed does not undo completion or a
certificate; staff hear of it (``attempt.regraded_to_fail``).
"""

from __future__ import annotations

import uuid

from lms_rt.audit import trail as audit
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment
from lms_rt.errors import Invalid
from lms_rt.quizzes.attempts import gradebook_cell_changed, graded_events
from lms_rt.quizzes.completion import count_toward_completion
from lms_rt.quizzes.grading import AUTO_GRADED, grade, key_problems
from lms_rt.quizzes.models import AttemptAnswer, AttemptStatus, Quiz, QuizAttempt, QuizQuestion
from lms_rt.quizzes.schemas import RegradeIn, RegradeOut


async def regrade(deps: Deps, quiz: Quiz, data: RegradeIn) -> RegradeOut:
    questions = {q.id: q for q in await QuizQuestion.filter(quiz_id=quiz.id)}
    for item in data.questions:
        question = questions.get(item.question_id)
        if question is None:
            raise Invalid(
                "Not a question of this quiz", details=[{"question_id": str(item.question_id)}]
            )
        if item.answer_key is not None:
            problems = key_problems(question.type, question.options, item.answer_key)
            if problems and question.type in AUTO_GRADED:
                raise Invalid(
                    "The answer key does not fit the question",
                    details=[{"question_id": str(item.question_id), "problems": problems}],
                )
    now = deps.clock.now()
    changed_scores = 0
    changed_students: list[uuid.UUID] = []
    async with atomic(deps) as effects:
        for item in data.questions:
            changes: dict[str, object] = {}
            if item.answer_key is not None:
                changes["answer_key"] = item.answer_key
            if item.points is not None:
                changes["points"] = item.points
            if changes:
                await QuizQuestion.filter(id=item.question_id).update(**changes)
        fresh = {q.id: q for q in await QuizQuestion.filter(quiz_id=quiz.id)}
        attempts = await QuizAttempt.filter(
            quiz_id=quiz.id, status__in=[AttemptStatus.GRADED, AttemptStatus.NEEDS_GRADING]
        ).select_for_update()
        for attempt in attempts:
            before = (attempt.score, attempt.passed)
            max_score = sum(fresh[q].points for q in fresh if str(q) in attempt.question_ids)
            for answer in await AttemptAnswer.filter(attempt_id=attempt.id, graded_by_id=None):
                question = fresh.get(answer.question_id)
                if question is None or question.type not in AUTO_GRADED:
                    continue
                mark = grade(question.type, question.points, question.answer_key, answer.response)
                await AttemptAnswer.filter(id=answer.id).update(
                    points_awarded=mark.points, is_correct=mark.correct
                )
            rows = await AttemptAnswer.filter(attempt_id=attempt.id)
            if any(r.points_awarded is None for r in rows):
                await QuizAttempt.filter(id=attempt.id).update(max_score=max_score)
                continue
            score = round(sum(r.points_awarded or 0.0 for r in rows), 4)
            percentage = round(100.0 * score / max_score, 2) if max_score else 100.0
            passed = percentage >= quiz.passing_score
            await QuizAttempt.filter(id=attempt.id).update(
                score=score,
                max_score=max_score,
                percentage=percentage,
                passed=passed,
                status=AttemptStatus.GRADED,
                graded_at=now,
            )
            if (score, max_score) != (attempt.score, attempt.max_score):
                changed_students.append(attempt.student_id)
            if (score, passed) != before:
                changed_scores += 1
                regraded = await QuizAttempt.get(id=attempt.id)
                await graded_events(effects, quiz, regraded)
                await count_toward_completion(effects, quiz, regraded)
                if (
                    before[1]
                    and not passed
                    and await Enrollment.filter(
                        student_id=attempt.student_id,
                        course_id=quiz.course_id,
                        completed_at__not_isnull=True,
                    ).exists()
                ):
                    effects.publish(
                        f"course:{quiz.course_id}:staff",
                        "attempt.regraded_to_fail",
                        {
                            "attempt_id": str(attempt.id),
                            "student_id": str(attempt.student_id),
                            "note": "completion and certificate stand",
                        },
                    )
        # One recomputation of the gradebook for every student whose score moved.
        await gradebook_cell_changed(effects, quiz, changed_students)
        await audit.record(
            "quiz.regraded",
            "quiz",
            quiz.id,
            after={
                "questions": [
                    {
                        "question_id": str(item.question_id),
                        "answer_key_changed": item.answer_key is not None,
                        "points": item.points,
                    }
                    for item in data.questions
                ],
                "attempts_regraded": len(attempts),
                "scores_changed": changed_scores,
            },
        )
    return RegradeOut(attempts_regraded=len(attempts), scores_changed=changed_scores)
