"""Quiz and question authoring by course staff."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from lms_rt.audit import trail as audit
from lms_rt.courses.access import editable_course, is_staff
from lms_rt.courses.models import Course, Lesson, LessonType
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid, NotFound
from lms_rt.gradebook.events import gradebook_changed
from lms_rt.quizzes.grading import AUTO_GRADED, key_problems
from lms_rt.quizzes.models import (
    Quiz,
    QuizAccommodation,
    QuizAttempt,
    QuizQuestion,
    QuizType,
)
from lms_rt.quizzes.schemas import (
    Accommodation,
    QuestionCreate,
    QuestionStaffOut,
    QuestionUpdate,
    QuizCreate,
    QuizOut,
    QuizUpdate,
)
from lms_rt.users.models import Role, User


def quiz_out(quiz: Quiz, question_count: int) -> QuizOut:
    return QuizOut(
        id=quiz.id,
        course_id=quiz.course_id,
        lesson_id=quiz.lesson_id,
        title=quiz.title,
        description=quiz.description,
        type=quiz.type,
        passing_score=quiz.passing_score,
        time_limit_minutes=quiz.time_limit_minutes,
        max_attempts=quiz.max_attempts,
        available_from=quiz.available_from,
        available_until=quiz.available_until,
        shuffle_questions=quiz.shuffle_questions,
        shuffle_options=quiz.shuffle_options,
        review_policy=quiz.review_policy,
        grace_seconds=quiz.grace_seconds,
        pool_size=quiz.pool_size,
        scoring_policy=quiz.scoring_policy,
        gradebook_category=quiz.gradebook_category,
        is_published=quiz.is_published,
        question_count=question_count,
    )


def question_staff_out(q: QuizQuestion) -> QuestionStaffOut:
    return QuestionStaffOut(
        id=q.id,
        text=q.text,
        type=q.type,
        points=q.points,
        order=q.order,
        options=q.options,
        answer_key=q.answer_key,
        explanation=q.explanation,
    )


async def find_quiz(user: User | None, quiz_id: uuid.UUID) -> tuple[Quiz, bool]:
    """The quiz and whether the caller is its course's staff; unpublished quizzes and quizzes
    of courses the caller cannot see are 404."""
    quiz = await Quiz.filter(id=quiz_id).select_related("course").first()
    if quiz is None:
        raise NotFound("No such quiz")
    staff = await is_staff(user, quiz.course)
    if not staff and not (quiz.is_published and quiz.course.is_published):
        raise NotFound("No such quiz")
    return quiz, staff


async def editable_quiz(user: User, quiz_id: uuid.UUID) -> Quiz:
    quiz, staff = await find_quiz(user, quiz_id)
    if not staff:
        await editable_course(user, str(quiz.course_id))  # raises the right 403/404
    return quiz


async def _check_lesson(course: Course, lesson_id: uuid.UUID | None) -> None:
    if (
        lesson_id is not None
        and not await Lesson.filter(
            id=lesson_id, course_id=course.id, type=LessonType.QUIZ
        ).exists()
    ):
        raise Invalid(
            "lesson_id is not a quiz lesson of this course", details=[{"field": "lesson_id"}]
        )


def _check_window(data: QuizCreate | QuizUpdate, quiz: Quiz | None = None) -> None:
    start = data.available_from or (quiz.available_from if quiz else None)
    end = data.available_until or (quiz.available_until if quiz else None)
    if start and end and end <= start:
        raise Invalid(
            "available_until must be after available_from",
            details=[{"field": "available_until"}],
        )


async def create_quiz(user: User, data: QuizCreate) -> Quiz:
    course = await editable_course(user, str(data.course_id))
    await _check_lesson(course, data.lesson_id)
    _check_window(data)
    return await Quiz.create(**data.model_dump(), course=course)


# What a graded quiz's gradebook column is made of: changing one changes every row.
GRADEBOOK_FIELDS = ("type", "scoring_policy", "gradebook_category", "available_until")


def _is_column(quiz: Quiz) -> bool:
    """Published graded quizzes are the gradebook's quiz columns."""
    return quiz.is_published and quiz.type == QuizType.GRADED


async def update_quiz(deps: Deps, quiz: Quiz, data: QuizUpdate) -> Quiz:
    changes = data.model_dump(exclude_unset=True)
    for required in (
        "title",
        "type",
        "passing_score",
        "review_policy",
        "grace_seconds",
        "description",
        "shuffle_questions",
        "shuffle_options",
        "scoring_policy",
        "gradebook_category",
    ):
        if required in changes and changes[required] is None:
            raise Invalid(f"{required} cannot be null", details=[{"field": required}])
    if "lesson_id" in changes:
        await _check_lesson(await Course.get(id=quiz.course_id), changes["lesson_id"])
    _check_window(data, quiz)
    if not changes:
        return quiz
    async with atomic(deps) as effects:
        await Quiz.filter(id=quiz.id).update(**changes)
        updated = await Quiz.get(id=quiz.id)
        changed = [f for f in GRADEBOOK_FIELDS if getattr(updated, f) != getattr(quiz, f)]
        if changed and (_is_column(quiz) or _is_column(updated)):
            gradebook_changed(effects, quiz.course_id, f"quiz {', '.join(changed)} changed")
    return updated


async def delete_quiz(deps: Deps, quiz: Quiz) -> None:
    if await QuizAttempt.filter(quiz_id=quiz.id).exists():
        raise Conflict("This quiz has attempts; unpublish it instead of deleting it")
    async with atomic(deps) as effects:
        await quiz.delete()
        if _is_column(quiz):
            gradebook_changed(effects, quiz.course_id, "quiz deleted")


async def publish_quiz(deps: Deps, quiz: Quiz) -> Quiz:
    questions = await QuizQuestion.filter(quiz_id=quiz.id)
    if not questions:
        raise Conflict("A quiz needs at least one question before it can be published")
    problems = [
        {"question_id": str(q.id), "problems": key_problems(q.type, q.options, q.answer_key)}
        for q in questions
        if q.type in AUTO_GRADED and key_problems(q.type, q.options, q.answer_key)
    ]
    if problems:
        raise Conflict("Some questions have no usable answer key", details=problems)
    if quiz.pool_size is not None and quiz.pool_size > len(questions):
        raise Conflict("pool_size is larger than the number of questions")
    return await _set_published(deps, quiz, True)


async def unpublish_quiz(deps: Deps, quiz: Quiz) -> Quiz:
    return await _set_published(deps, quiz, False)


async def _set_published(deps: Deps, quiz: Quiz, published: bool) -> Quiz:
    async with atomic(deps) as effects:
        changed = await Quiz.filter(id=quiz.id, is_published=not published).update(
            is_published=published
        )
        if changed and quiz.type == QuizType.GRADED:
            what = "published" if published else "unpublished"
            gradebook_changed(effects, quiz.course_id, f"quiz {what}")
        return await Quiz.get(id=quiz.id)


# --- questions ---------------------------------------------------------------------------


def _validated(data: QuestionCreate) -> dict[str, Any]:
    options = [option.model_dump() for option in data.options]
    problems = key_problems(data.type, options, data.answer_key)
    if problems:
        raise Invalid(
            "The answer key does not fit the question",
            details=[{"field": "answer_key", "message": p} for p in problems],
        )
    return {**data.model_dump(exclude={"options"}), "options": options}


async def add_questions(deps: Deps, quiz: Quiz, items: list[QuestionCreate]) -> list[QuizQuestion]:
    """One or many (JSON import): all valid, or none stored."""
    prepared = [_validated(item) for item in items]
    async with atomic(deps):
        first = await QuizQuestion.filter(quiz_id=quiz.id).count()
        return [
            await QuizQuestion.create(quiz=quiz, order=first + i, **values)
            for i, values in enumerate(prepared)
        ]


async def quiz_question(quiz: Quiz, question_id: uuid.UUID) -> QuizQuestion:
    question = await QuizQuestion.filter(id=question_id, quiz_id=quiz.id).first()
    if question is None:
        raise NotFound("No such question in this quiz")
    return question


async def update_question(quiz: Quiz, question: QuizQuestion, data: QuestionUpdate) -> QuizQuestion:
    changes = data.model_dump(exclude_unset=True)
    for required in ("text", "points", "options", "answer_key", "explanation"):
        if required in changes and changes[required] is None:
            raise Invalid(f"{required} cannot be null", details=[{"field": required}])
    grading_change = {"answer_key", "points", "options"} & set(changes)
    if grading_change and await QuizAttempt.filter(quiz_id=quiz.id).exists():
        raise Conflict(
            "This quiz has attempts: change answer keys and points with POST /quizzes/{id}/regrade"
        )
    candidate = QuestionCreate(
        text=changes.get("text", question.text),
        type=question.type,
        points=changes.get("points", question.points),
        options=changes.get("options", question.options),
        answer_key=changes.get("answer_key", question.answer_key),
        explanation=changes.get("explanation", question.explanation),
    )
    values = _validated(candidate)
    values.pop("type")
    await QuizQuestion.filter(id=question.id).update(**values)
    return await QuizQuestion.get(id=question.id)


async def delete_question(quiz: Quiz, question: QuizQuestion) -> None:
    if await QuizAttempt.filter(quiz_id=quiz.id).exists():
        raise Conflict("This quiz has attempts; its questions can no longer be removed")
    if quiz.is_published and await QuizQuestion.filter(quiz_id=quiz.id).count() <= 1:
        raise Conflict("A published quiz keeps at least one question; unpublish it first")
    await question.delete()


async def reorder_questions(deps: Deps, quiz: Quiz, ids: list[uuid.UUID]) -> None:
    current = set(await QuizQuestion.filter(quiz_id=quiz.id).values_list("id", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != current:
        raise Invalid(
            "question_ids must list every question of the quiz exactly once",
            details=[{"field": "question_ids"}],
        )
    async with atomic(deps):
        for position, question_id in enumerate(ids):
            await QuizQuestion.filter(id=question_id).update(order=position)


async def set_accommodation(quiz: Quiz, student_id: uuid.UUID, data: Accommodation) -> None:
    student = await User.filter(id=student_id, role=Role.STUDENT).first()
    if student is None:
        raise NotFound("No such student")
    async with in_transaction():
        existing = await QuizAccommodation.filter(quiz_id=quiz.id, student_id=student.id).first()
        before = (
            None
            if existing is None
            else {
                "extra_minutes": existing.extra_minutes,
                "time_multiplier": existing.time_multiplier,
                "extra_attempts": existing.extra_attempts,
            }
        )
        await QuizAccommodation.update_or_create(
            defaults=data.model_dump(), quiz_id=quiz.id, student_id=student.id
        )
        await audit.record(
            "quiz.accommodation_set",
            "quiz",
            quiz.id,
            before=before,
            after={"student_id": str(student.id), **data.model_dump()},
        )
