"""Operational endpoints: health, readiness, metrics and the API documents."""
