"""Announcement bodies in and out; the ``announcement.published`` event carries the same."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, computed_field

from lms_rt.content.markdown import render_markdown
from lms_rt.users.schemas import Strict


class AnnouncementIn(Strict):
    # The body is Markdown: leading spaces may be an indented block.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000, description="Markdown")
    pinned: bool = False
    publish_at: AwareDatetime | None = Field(
        None, description="With a timezone; later than now to schedule it"
    )


class AnnouncementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID
    author_id: uuid.UUID
    title: str
    body: str
    pinned: bool
    publish_at: datetime
    published_at: datetime | None
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def body_html(self) -> str:
        """``body`` (Markdown) as sanitised HTML."""
        return render_markdown(self.body)
