"""Where a certificate can be seen: the public verification page and the API download."""

from __future__ import annotations

import uuid

from lms_rt.config import Settings
from lms_rt.http.openapi import API_PREFIX


def verify_url(settings: Settings, number: str) -> str:
    """The public page the QR code points at; the number is URL-safe (A-Z, 2-7, digits, -)."""
    return f"{settings.base_url.rstrip('/')}/verify/{number}"


def download_path(certificate_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/certificates/{certificate_id}/download"


def download_url(settings: Settings, certificate_id: uuid.UUID) -> str:
    return settings.base_url.rstrip("/") + download_path(certificate_id)
