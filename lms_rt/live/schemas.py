"""Request and response models of live sessions (REST and websocket calls)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lms_rt.live.models import LiveKind, LiveState

MAX_MESSAGE = 500
MAX_STEP_PAYLOAD_KEYS = 50


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionCreate(Strict):
    kind: LiveKind
    course_id: uuid.UUID
    quiz_id: uuid.UUID | None = None
    lesson_id: uuid.UUID | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    # At least 3 s: shorter than a network round trip plus reading the question is no game.
    seconds_per_question: int = Field(20, ge=3, le=600)
    points_per_question: int = Field(1000, ge=1, le=100_000)
    speed_bonus: bool = True
    show_leaderboard: bool = True
    counts_as_attempt: bool = False

    @model_validator(mode="after")
    def _material(self) -> Self:
        if self.kind == LiveKind.QUIZ and (self.quiz_id is None or self.lesson_id is not None):
            raise ValueError("a live quiz names a quiz_id and no lesson_id")
        if self.kind == LiveKind.LESSON and (self.lesson_id is None or self.quiz_id is not None):
            raise ValueError("a live lesson names a lesson_id and no quiz_id")
        if self.kind == LiveKind.LESSON and self.counts_as_attempt:
            raise ValueError("only a live quiz can count as a quiz attempt")
        return self


class SessionOut(BaseModel):
    id: uuid.UUID
    kind: LiveKind
    course_id: uuid.UUID
    quiz_id: uuid.UUID | None
    lesson_id: uuid.UUID | None
    host_id: uuid.UUID
    title: str
    join_code: str
    state: LiveState
    current_index: int
    question_count: int
    opens_at: datetime | None
    closes_at: datetime | None
    seconds_per_question: int
    points_per_question: int
    speed_bonus: bool
    show_leaderboard: bool
    counts_as_attempt: bool
    step_index: int
    participant_count: int
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None


class JoinIn(Strict):
    code: str = Field(pattern=r"^\d{6}$", description="The six-digit join code")


class ParticipantOut(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    joined_at: datetime
    score: int
    streak: int
    correct_count: int


class JoinOut(BaseModel):
    session: SessionOut
    participant: ParticipantOut


class SnapshotOut(BaseModel):
    """Everything a (re)connecting client needs to draw the room, by the server's clock."""

    session: SessionOut
    server_time: datetime
    remaining_ms: int | None
    question: dict[str, Any] | None
    me: dict[str, Any] | None
    leaderboard: list[dict[str, Any]] | None
    step: dict[str, Any]
    messages: list[dict[str, Any]]
    hands: list[dict[str, Any]] | None = Field(None, description="The raised hands (host only)")


class QuestionResult(BaseModel):
    index: int
    question_id: uuid.UUID
    text: str
    type: str
    answered: int
    correct_count: int
    correct_rate: float | None
    average_ms: float | None
    distribution: dict[str, int]
    correct: dict[str, Any]


class RankOut(BaseModel):
    rank: int
    participant_id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    score: int
    correct_count: int
    answer_ms: int
    kicked: bool
    minutes_present: float
    first_joined_at: datetime | None
    last_left_at: datetime | None


class AttendanceOut(BaseModel):
    """One stretch of presence in the room."""

    user_id: uuid.UUID
    display_name: str
    joined_at: datetime
    left_at: datetime | None


class ResultsOut(BaseModel):
    session: SessionOut
    questions: list[QuestionResult]
    ranking: list[RankOut]
    attendance: list[AttendanceOut]


class ResultsQuery(Strict):
    format: Literal["json", "csv"] = "json"
    table: Literal["ranking", "questions", "attendance"] = Field(
        "ranking", description="Which table the CSV holds (JSON always has all of them)"
    )


# --- websocket call params ------------------------------------------------------------------


class SessionParams(Strict):
    session_id: uuid.UUID


class AnswerParams(SessionParams):
    question_id: uuid.UUID
    choice: Any = Field(description="An option id, a list of option ids, true/false or a number")


class KickParams(SessionParams):
    participant_id: uuid.UUID


class StepParams(SessionParams):
    index: int = Field(ge=0, le=10_000)
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("payload")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_STEP_PAYLOAD_KEYS:
            raise ValueError(f"at most {MAX_STEP_PAYLOAD_KEYS} keys")
        return value


class TextParams(SessionParams):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class MessageParams(SessionParams):
    message_id: uuid.UUID
