"""Export and erasure bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from lms_rt.privacy.models import ExportStatus
from lms_rt.users.schemas import Strict


class ExportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: ExportStatus
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    download_path: str | None = Field(
        None, description="while ready: redirects to a link that works for a few minutes"
    )


class EraseIn(Strict):
    password: str = Field(min_length=1, max_length=1024)


class AdminEraseIn(Strict):
    reason: str = Field(min_length=3, max_length=2000)


class ErasureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    requested_at: datetime
    effective_at: datetime
    cancelled_at: datetime | None
    completed_at: datetime | None
    by_admin: bool
    reason: str
