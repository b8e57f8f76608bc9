"""``?limit=&offset=`` lists and the page envelope they return."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

MAX_PAGE_SIZE = 100
# Far past any list's end, and small enough for every database's OFFSET (a 64-bit integer).
MAX_OFFSET = 1_000_000_000
T = TypeVar("T")


class PageQuery(BaseModel):
    """Base of every list endpoint's query model; domains add their filters."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
