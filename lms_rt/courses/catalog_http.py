"""Catalog responses with validators: ``ETag``, ``If-None-Match`` → 304, ``Cache-Control``."""

from __future__ import annotations

from aiohttp import web

from lms_rt.courses.catalog_cache import Entry

# Drafts are for their staff only: no cache anywhere may keep them.
PRIVATE = "private, no-store"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``*`` or any listed tag, compared weakly (``W/`` ignored)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def public_response(request: web.Request, entry: Entry, max_age: int) -> web.Response:
    """The cached page, or 304 when the client already holds these bytes. ``max-age`` is
    what is left of the entry's life, so no cache downstream extends the staleness bound."""
    headers = {"ETag": entry.etag, "Cache-Control": f"public, max-age={max_age}"}
    if etag_matches(request.headers.get("If-None-Match"), entry.etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=entry.body, headers=headers, content_type="application/json")


def private_response(body: bytes) -> web.Response:
    return web.Response(
        body=body, headers={"Cache-Control": PRIVATE}, content_type="application/json"
    )
