"""Audit events. Rows are only ever inserted: the database refuses updates (and, on
PostgreSQL, deletes) with a trigger, and no column points at another row, so no cascade
or ``SET NULL`` can touch one either."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = fields.DatetimeField(db_index=True)
    actor_id = fields.UUIDField(null=True, db_index=True)  # null: the system (a job)
    action = fields.CharField(max_length=64, db_index=True)  # e.g. "user.role_changed"
    target_type = fields.CharField(max_length=32)
    target_id = fields.CharField(max_length=64)
    # {"before": {...}, "after": {...}} with only the fields that changed or matter.
    summary: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    reason = fields.TextField(default="")
    request_id = fields.CharField(max_length=64, default="")
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_events"
        indexes = (("target_type", "target_id"),)
