"""Live sessions: an instructor-paced quiz or lesson, its participants, answers and messages."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course, Lesson
from lms_rt.quizzes.models import Quiz
from lms_rt.users.models import User


class LiveKind(StrEnum):
    QUIZ = "quiz"
    LESSON = "lesson"


class LiveState(StrEnum):
    LOBBY = "lobby"  # created; participants join
    RUNNING = "running"  # started; between questions, or a lesson in progress
    QUESTION_OPEN = "question_open"
    QUESTION_CLOSED = "question_closed"
    ENDED = "ended"


OPEN_STATES = (
    LiveState.LOBBY,
    LiveState.RUNNING,
    LiveState.QUESTION_OPEN,
    LiveState.QUESTION_CLOSED,
)


class MessageKind(StrEnum):
    CHAT = "chat"
    QUESTION = "question"


class LiveSession(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = fields.CharEnumField(LiveKind, max_length=8)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="live_sessions", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    quiz: fields.ForeignKeyNullableRelation[Quiz] = fields.ForeignKeyField(
        "models.Quiz", related_name="live_sessions", null=True, on_delete=fields.SET_NULL
    )
    quiz_id: uuid.UUID | None
    lesson: fields.ForeignKeyNullableRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="live_sessions", null=True, on_delete=fields.SET_NULL
    )
    lesson_id: uuid.UUID | None
    host: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="hosted_live_sessions", on_delete=fields.CASCADE
    )
    host_id: uuid.UUID
    title = fields.CharField(max_length=200)
    # Six digits; unique among sessions that have not ended (a partial unique index).
    join_code = fields.CharField(max_length=6, db_index=True)
    state = fields.CharEnumField(LiveState, max_length=16, default=LiveState.LOBBY)
    # Quiz: the questions fixed at creation, in play order; -1 before the first.
    question_ids: fields.Field[list[str]] = fields.JSONField(default=list)
    current_index = fields.IntField(default=-1)
    opens_at = fields.DatetimeField(null=True)
    closes_at = fields.DatetimeField(null=True)
    seconds_per_question = fields.IntField(default=20)
    points_per_question = fields.IntField(default=1000)
    speed_bonus = fields.BooleanField(default=True)
    show_leaderboard = fields.BooleanField(default=True)
    counts_as_attempt = fields.BooleanField(default=False)
    # Lesson: the step the host moved the class to ({"value": ...} wraps any JSON payload).
    step_index = fields.IntField(default=0)
    step_payload: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "live_sessions"


class LiveParticipant(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    session: fields.ForeignKeyRelation[LiveSession] = fields.ForeignKeyField(
        "models.LiveSession", related_name="participants", on_delete=fields.CASCADE
    )
    session_id: uuid.UUID
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="live_participations", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    display_name = fields.CharField(max_length=200)
    joined_at = fields.DatetimeField()
    # Totals over closed questions only: a score never tells whether an open answer was right.
    score = fields.IntField(default=0)
    streak = fields.IntField(default=0)
    correct_count = fields.IntField(default=0)
    answer_ms = fields.BigIntField(default=0)  # tie-break: total time taken to answer
    kicked_at = fields.DatetimeField(null=True)
    hand_raised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "live_participants"
        unique_together = (("session", "user"),)


class LiveAnswer(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    session: fields.ForeignKeyRelation[LiveSession] = fields.ForeignKeyField(
        "models.LiveSession", related_name="answers", on_delete=fields.CASCADE
    )
    session_id: uuid.UUID
    question_id = fields.UUIDField()
    question_index = fields.IntField()
    participant: fields.ForeignKeyRelation[LiveParticipant] = fields.ForeignKeyField(
        "models.LiveParticipant", related_name="answers", on_delete=fields.CASCADE
    )
    participant_id: uuid.UUID
    # {"value": <choice>}: option id, list of ids, true/false or a number.
    choice: fields.Field[dict[str, Any]] = fields.JSONField()
    received_at = fields.DatetimeField()
    elapsed_ms = fields.IntField()
    correct = fields.BooleanField()
    points = fields.IntField()

    class Meta:
        table = "live_answers"
        unique_together = (("participant", "question_index"),)
        indexes = (("session", "question_index"),)


class LiveMessage(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    session: fields.ForeignKeyRelation[LiveSession] = fields.ForeignKeyField(
        "models.LiveSession", related_name="messages", on_delete=fields.CASCADE
    )
    session_id: uuid.UUID
    kind = fields.CharEnumField(MessageKind, max_length=8)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="live_messages", on_delete=fields.CASCADE
    )
    author_id: uuid.UUID
    author_name = fields.CharField(max_length=200)
    text = fields.TextField()
    upvotes = fields.IntField(default=0)
    hidden_by_host = fields.BooleanField(default=False)
    answered = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "live_messages"
        indexes = (("session", "created_at"),)


class LiveUpvote(Model):
    """One upvote per user and question: the unique row decides, not a read."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    message: fields.ForeignKeyRelation[LiveMessage] = fields.ForeignKeyField(
        "models.LiveMessage", related_name="upvoters", on_delete=fields.CASCADE
    )
    message_id: uuid.UUID
    user_id = fields.UUIDField()

    class Meta:
        table = "live_upvotes"
        unique_together = (("message", "user_id"),)


class LiveAttendance(Model):
    """One stretch of presence in the room (a user on two processes has two rows)."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    session: fields.ForeignKeyRelation[LiveSession] = fields.ForeignKeyField(
        "models.LiveSession", related_name="attendance", on_delete=fields.CASCADE
    )
    session_id: uuid.UUID
    user_id = fields.UUIDField(db_index=True)
    joined_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)

    class Meta:
        table = "live_attendance"
