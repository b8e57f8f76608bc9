"""Gradebook bodies in and out; ``gradebook.updated`` carries columns and rows in these shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lms_rt.enrollments.models import EnrollmentStatus
from lms_rt.gradebook.rules import RulesOut
from lms_rt.http.pagination import PageQuery
from lms_rt.users.schemas import Strict

ItemKind = Literal["quiz", "assignment", "live"]
CellStatus = Literal["graded", "pending", "open", "missing", "not_applicable"]


class ColumnOut(BaseModel):
    key: str = Field(description='"quiz:<id>", "assignment:<id>" or "live:<id>"')
    kind: ItemKind
    title: str
    category: str
    max_points: float
    closes_at: datetime | None = Field(description="from then on a missing score counts 0")
    scoring_policy: str | None = Field(default=None, description="quizzes only")
    counted: bool = Field(description="false when its category is not in the settings")
    flags: list[str] = Field(default_factory=list, description='e.g. "unknown_category"')


class CellOut(BaseModel):
    item: str
    status: CellStatus = Field(
        description="graded; pending (awaits grading); open (may still be done, left out); "
        "missing (closed without a score: counts 0); not_applicable (closed before the student "
        "enrolled: left out)"
    )
    score: float | None
    max: float
    percentage: float | None
    counted: bool = Field(description="part of its category's arithmetic")
    overridden: bool = False
    override_reason: str | None = None
    dropped: bool = False


class CategoryOut(BaseModel):
    key: str
    name: str
    weight: float
    effective_weight: float = Field(
        description="the weight after those of empty categories were shared out (0 if empty)"
    )
    aggregate: str
    percentage: float | None = Field(description="null: no counted item, left out of the final")
    counted_items: int
    dropped_items: list[str]


class RowOut(BaseModel):
    student_id: uuid.UUID
    full_name: str
    email: str
    enrollment_status: EnrollmentStatus
    cells: dict[str, CellOut] = Field(description="by column key")
    categories: list[CategoryOut]
    computed_percentage: float | None = Field(description="the weighted result, before overrides")
    final_percentage: float | None
    letter: str | None
    final_overridden: bool = False
    final_override_reason: str | None = None
    weights_redistributed: bool = Field(
        description="some category had no counted item; its weight was shared proportionally"
    )
    notes: list[str] = Field(default_factory=list)


class GradebookOut(BaseModel):
    course_id: uuid.UUID
    settings: RulesOut
    columns: list[ColumnOut]
    rows: list[RowOut]


class MyGradesOut(BaseModel):
    course_id: uuid.UUID
    settings: RulesOut
    columns: list[ColumnOut]
    row: RowOut


class GradebookQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field(default="json", pattern="^(json|csv)$")


class OverrideIn(Strict):
    student_id: uuid.UUID
    item: str = Field(
        min_length=1, max_length=80, description='a column key, or "final" for the final grade'
    )
    percentage: float | None = Field(ge=0, le=100, description="null lifts the override")
    reason: str = Field(min_length=1, max_length=2000)


class OverrideOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    student_id: uuid.UUID
    item: str
    percentage: float | None
    reason: str
    author_id: uuid.UUID | None
    created_at: datetime


class OverrideSetOut(BaseModel):
    override: OverrideOut
    row: RowOut


class OverridesQuery(PageQuery):
    student_id: uuid.UUID | None = None
    item: str | None = Field(default=None, max_length=80)


class GradebookUpdatedEvent(BaseModel):
    """``gradebook.updated`` on ``course:<id>:staff``: these students' rows, recomputed."""

    course_id: uuid.UUID
    columns: list[ColumnOut]
    rows: list[RowOut]


class GradebookChangedEvent(BaseModel):
    """``gradebook.changed`` on ``course:<id>:staff``: every row changed; refetch."""

    course_id: uuid.UUID
    reason: str
