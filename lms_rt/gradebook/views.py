"""``/api/v1`` routes of the gradebook."""

from __future__ import annotations

from lms_rt.http.openapi import ApiRoutes

api = ApiRoutes(tag="gradebook")
