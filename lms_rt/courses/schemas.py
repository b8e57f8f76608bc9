"""What clients send and receive about courses, sections and lessons."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, HttpUrl, StringConstraints, computed_field

from lms_rt.content.markdown import render_markdown
from lms_rt.courses.models import Difficulty, LessonType, StaffRole
from lms_rt.http.pagination import PageQuery
from lms_rt.money import Currency
from lms_rt.users.schemas import Email, Strict

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=200)]
Text = Annotated[str, Field(max_length=100_000)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Url = Annotated[HttpUrl, Field(max_length=500)]
Minutes = Annotated[int, Field(ge=0, le=100_000)]
Metadata = Annotated[dict[str, Any], Field(max_length=50)]


class CourseCreate(Strict):
    title: Title
    slug: Slug | None = None
    description: Text = ""
    category: Category = ""
    difficulty: Difficulty = Difficulty.BEGINNER
    price_amount: int = Field(default=0, ge=0, le=100_000_000, description="minor units")
    currency: Currency = "EGP"
    thumbnail_url: Url | None = None
    estimated_duration_minutes: Minutes = 0
    metadata: Metadata = Field(default_factory=dict)


class CourseUpdate(Strict):
    title: Title | None = None
    slug: Slug | None = None
    description: Text | None = None
    category: Category | None = None
    difficulty: Difficulty | None = None
    price_amount: int | None = Field(default=None, ge=0, le=100_000_000)
    currency: Currency | None = None
    thumbnail_url: Url | None = None
    estimated_duration_minutes: Minutes | None = None
    metadata: Metadata | None = None


class InstructorOut(BaseModel):
    id: uuid.UUID
    full_name: str


class CourseOut(BaseModel):
    id: uuid.UUID
    title: str
    slug: str
    description: str
    instructor: InstructorOut
    category: str
    difficulty: Difficulty
    price_amount: int
    currency: str
    is_free: bool
    is_published: bool
    published_at: datetime | None
    archived_at: datetime | None
    thumbnail_url: str | None
    estimated_duration_minutes: int
    metadata: dict[str, Any]
    enrollment_count: int
    rating_average: float
    rating_count: int
    created_at: datetime
    updated_at: datetime


class CatalogSort(StrEnum):
    NEWEST = "newest"
    TITLE = "title"
    POPULARITY = "popularity"
    RATING = "rating"


class PriceFilter(StrEnum):
    FREE = "free"
    PAID = "paid"


class CatalogQuery(PageQuery):
    category: str | None = Field(default=None, max_length=100)
    difficulty: Difficulty | None = None
    instructor_id: uuid.UUID | None = None
    price: PriceFilter | None = None
    q: str | None = Field(default=None, max_length=100, description="words in title/description")
    sort: CatalogSort = CatalogSort.NEWEST
    published: bool = Field(default=True, description="false: drafts (course staff and admins)")


class SectionCreate(Strict):
    title: Title
    order: int | None = Field(default=None, ge=0, le=10_000)


class SectionUpdate(Strict):
    title: Title | None = None
    order: int | None = Field(default=None, ge=0, le=10_000)


class SectionOut(BaseModel):
    id: uuid.UUID
    title: str
    order: int


class LessonCreate(Strict):
    title: Title
    slug: Slug | None = None
    section_id: uuid.UUID | None = None
    description: Text = ""
    content: Text = ""
    type: LessonType = LessonType.TEXT
    duration_minutes: Minutes = 0
    video_url: Url | None = None
    is_preview: bool = False
    is_optional: bool = False
    available_after_days: int = Field(default=0, ge=0, le=3650)
    is_published: bool = False


class LessonUpdate(Strict):
    title: Title | None = None
    slug: Slug | None = None
    section_id: uuid.UUID | None = None
    description: Text | None = None
    content: Text | None = None
    type: LessonType | None = None
    duration_minutes: Minutes | None = None
    video_url: Url | None = None
    is_preview: bool | None = None
    is_optional: bool | None = None
    available_after_days: int | None = Field(default=None, ge=0, le=3650)
    is_published: bool | None = None


class LessonSummary(BaseModel):
    """A lesson in the outline: never its content."""

    id: uuid.UUID
    section_id: uuid.UUID | None
    title: str
    slug: str
    type: LessonType
    order: int
    duration_minutes: int
    is_preview: bool
    is_optional: bool
    is_published: bool
    available_after_days: int
    available_at: datetime | None = Field(
        default=None, description="for an enrolled student: when a drip lesson unlocks"
    )
    locked: bool = Field(default=False, description="for the caller: content not yet available")


class LessonOut(LessonSummary):
    description: str
    content: str
    video_url: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def description_html(self) -> str:
        """``description`` (Markdown) as sanitised HTML."""
        return render_markdown(self.description)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content_html(self) -> str:
        """``content`` (Markdown) as sanitised HTML."""
        return render_markdown(self.content)


class OutlineSection(SectionOut):
    lessons: list[LessonSummary]


class CourseDetailOut(CourseOut):
    sections: list[OutlineSection]
    unsectioned_lessons: list[LessonSummary]
    is_staff: bool
    enrollment_id: uuid.UUID | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def description_html(self) -> str:
        """``description`` (Markdown) as sanitised HTML."""
        return render_markdown(self.description)


class ReorderIn(Strict):
    lesson_ids: list[uuid.UUID] = Field(max_length=2000)


class StaffAdd(Strict):
    email: Email
    role: StaffRole = StaffRole.ASSISTANT


class StaffOut(BaseModel):
    user_id: uuid.UUID
    full_name: str
    email: str
    role: StaffRole
    owner: bool
