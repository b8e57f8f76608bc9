"""A course's figures for its staff, each computed by a grouped query when asked (live).

Item analysis follows classical test theory: for each question, the share of attempts that
got it right, how often each option was chosen, and the discrimination index D = p(upper) -
p(lower), the upper and lower groups being the best and worst 27 % of graded attempts.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from tortoise.functions import Avg, Count, Sum

from lms_rt.analytics.sql import counts_by
from lms_rt.courses.models import Course, Lesson
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus, LessonProgress, ProgressStatus
from lms_rt.quizzes.models import (
    AttemptAnswer,
    AttemptStatus,
    QuestionType,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)

# Kelley's 27 %: the share of attempts in each of the upper and lower groups.
EXTREME_GROUP = 0.27
TIMELINE_DAYS = 90
CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE)


async def course_figures(course: Course, now: datetime) -> dict[str, Any]:
    enrollments = Enrollment.filter(course_id=course.id)
    counted = enrollments.exclude(status=EnrollmentStatus.DROPPED)
    total = await counted.count()
    completed = await counted.filter(status=EnrollmentStatus.COMPLETED).count()
    averages = (
        await counted.annotate(
            progress=Avg("progress_percentage"),
            time=Sum("total_time_spent_seconds"),
        )
        .first()
        .values("progress", "time")
    )
    ratings = (
        await enrollments.filter(rating__not_isnull=True)
        .group_by("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    rated = sum(int(n) for _, n in ratings)
    return {
        "course_id": str(course.id),
        "title": course.title,
        "generated_at": now.isoformat(),
        "freshness": "live: computed when asked",
        "enrollments": {
            "total": total,
            "dropped": await enrollments.filter(status=EnrollmentStatus.DROPPED).count(),
            "over_time": [
                {"day": day, "enrollments": n}
                for day, n in await counts_by(
                    "enrollments",
                    "enrolled_at",
                    "day",
                    now - timedelta(days=TIMELINE_DAYS),
                    {"course_id": course.id},
                )
            ],
        },
        "active_students": {
            "last_7_days": await counted.filter(
                last_activity_at__gte=now - timedelta(days=7)
            ).count(),
            "last_30_days": await counted.filter(
                last_activity_at__gte=now - timedelta(days=30)
            ).count(),
        },
        "completion_rate": round(completed / total, 4) if total else None,
        "average_progress": _rounded((averages or {}).get("progress")),
        "time_spent_seconds": {
            "total": int((averages or {}).get("time") or 0),
            "per_student": round(int((averages or {}).get("time") or 0) / total) if total else None,
        },
        "funnel": await funnel(course),
        "quizzes": await item_analysis(course),
        "ratings": {
            "count": rated,
            "average": round(sum(int(r) * int(n) for r, n in ratings) / rated, 2)
            if rated
            else None,
            "distribution": {str(r): int(n) for r, n in sorted(ratings)},
        },
    }


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


async def funnel(course: Course) -> list[dict[str, Any]]:
    """How many students completed each published lesson, in course order (drop-off)."""
    lessons = await Lesson.filter(course_id=course.id, is_published=True).order_by("order")
    done = dict(
        await LessonProgress.filter(
            enrollment__course_id=course.id, status=ProgressStatus.COMPLETED
        )
        .group_by("lesson_id")
        .annotate(n=Count("id"))
        .values_list("lesson_id", "n")
    )
    started = (
        await Enrollment.filter(course_id=course.id)
        .exclude(status=EnrollmentStatus.DROPPED)
        .count()
    )
    out = []
    previous = started
    for lesson in lessons:
        completed = int(done.get(lesson.id, 0))
        out.append(
            {
                "lesson_id": str(lesson.id),
                "title": lesson.title,
                "completed": completed,
                "share_of_students": round(completed / started, 4) if started else None,
                "drop_off": previous - completed,
            }
        )
        previous = completed
    return out


async def item_analysis(course: Course) -> list[dict[str, Any]]:
    quizzes = await Quiz.filter(course_id=course.id).order_by("created_at")
    out = []
    for quiz in quizzes:
        attempts = dict(
            await QuizAttempt.filter(quiz_id=quiz.id, status=AttemptStatus.GRADED).values_list(
                "id", "percentage"
            )
        )
        questions = await QuizQuestion.filter(quiz_id=quiz.id).order_by("order")
        answers = await AttemptAnswer.filter(attempt_id__in=list(attempts)).values_list(
            "attempt_id", "question_id", "is_correct", "payload"
        )
        out.append(
            {
                "quiz_id": str(quiz.id),
                "title": quiz.title,
                "graded_attempts": len(attempts),
                "questions": _items(questions, attempts, answers),
            }
        )
    return out


def _items(
    questions: list[QuizQuestion],
    attempts: dict[Any, Any],
    answers: list[tuple[Any, Any, Any, Any]],
) -> list[dict[str, Any]]:
    ranked = sorted(attempts, key=lambda a: (attempts[a] or 0.0, str(a)))
    size = max(1, math.ceil(len(ranked) * EXTREME_GROUP)) if len(ranked) >= 2 else 0
    lower, upper = set(ranked[:size]), set(ranked[-size:]) if size else set()
    by_question: dict[uuid.UUID, list[tuple[Any, bool, Any]]] = defaultdict(list)
    for attempt_id, question_id, correct, payload in answers:
        by_question[question_id].append((attempt_id, bool(correct), (payload or {}).get("value")))
    items = []
    for question in questions:
        rows = by_question.get(question.id, [])
        right = sum(1 for _, correct, _ in rows if correct)
        choices: Counter[str] = Counter()
        if question.type in CHOICE_TYPES:
            choices.update({str(o["id"]): 0 for o in question.options})
            for _, _, value in rows:
                for chosen in value if isinstance(value, list) else [value]:
                    if chosen is not None:
                        choices[
                            str(chosen).lower() if isinstance(chosen, bool) else str(chosen)
                        ] += 1
        items.append(
            {
                "question_id": str(question.id),
                "text": question.text,
                "type": question.type.value,
                "answered": len(rows),
                "share_correct": round(right / len(rows), 4) if rows else None,
                "choices": dict(choices),
                "discrimination": _discrimination(rows, upper, lower),
            }
        )
    return items


def _discrimination(
    rows: list[tuple[Any, bool, Any]], upper: set[Any], lower: set[Any]
) -> float | None:
    if not upper or not lower:
        return None
    up = [correct for attempt, correct, _ in rows if attempt in upper]
    down = [correct for attempt, correct, _ in rows if attempt in lower]
    if not up or not down:
        return None
    return round(sum(up) / len(upper) - sum(down) / len(lower), 4)
