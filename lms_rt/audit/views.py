"""``GET /api/v1/audit``: the trail, for admins (JSON pages or the whole selection as CSV)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from tortoise.queryset import QuerySet

from lms_rt.audit.models import AuditEvent
from lms_rt.auth.permissions import ADMIN
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page, PageQuery
from lms_rt.users.models import User

api = ApiRoutes(tag="audit")

CSV_COLUMNS = (
    "created_at", "actor_id", "action", "target_type", "target_id", "summary", "reason",
    "request_id", "ip",
)  # fmt: skip
CSV_LIMIT = 100_000


class AuditQuery(PageQuery):
    actor_id: uuid.UUID | None = None
    action: str | None = Field(default=None, max_length=64)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    since: datetime | None = None
    until: datetime | None = None
    format: Literal["json", "csv"] = "json"


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    actor_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: str
    summary: dict[str, Any]
    reason: str
    request_id: str
    ip: str


def _csv_row(e: AuditEvent) -> list[object]:
    summary = json.dumps(e.summary, sort_keys=True)
    return [
        e.created_at.isoformat(),
        e.actor_id or "",
        e.action,
        e.target_type,
        e.target_id,
        summary,
        e.reason,
        e.request_id,
        e.ip,
    ]


def _selection(query: AuditQuery) -> QuerySet[AuditEvent]:
    rows = AuditEvent.all()
    for name in ("actor_id", "action", "target_type", "target_id"):
        value = getattr(query, name)
        if value is not None:
            rows = rows.filter(**{name: value})
    if query.since is not None:
        rows = rows.filter(created_at__gte=query.since)
    if query.until is not None:
        rows = rows.filter(created_at__lt=query.until)
    return rows.order_by("-created_at", "-id")


@api.get(
    "/audit",
    summary="The audit trail (admins)",
    query=AuditQuery,
    response=Page[AuditEventOut],
    roles=ADMIN,
)
async def audit_trail(
    request: web.Request, query: AuditQuery, user: User
) -> web.StreamResponse | Page[AuditEventOut]:
    """Newest first. ``format=csv`` downloads every matching event (up to 100,000)."""
    rows = _selection(query)
    if query.format == "csv":
        events = await rows.limit(CSV_LIMIT)
        return csv_response("audit.csv", CSV_COLUMNS, (_csv_row(e) for e in events))
    total = await rows.count()
    page = await rows.offset(query.offset).limit(query.limit)
    return Page[AuditEventOut](
        items=[AuditEventOut.model_validate(e) for e in page],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )
