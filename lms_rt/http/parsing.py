"""Turning request bodies, forms and query strings into validated pydantic models."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from lms_rt.errors import BadRequest, Invalid, NotFound, UnsupportedMedia

M = TypeVar("M", bound=BaseModel)


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """One entry per bad field: where it is, what is wrong, and the pydantic error type."""
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]) or "body",
            "message": error["msg"],
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def _nul_at(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where a NUL character hides in decoded input (PostgreSQL text cannot hold one)."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                return (*path, key.replace("\x00", "\\u0000"))
            found = _nul_at(item, (*path, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _nul_at(item, (*path, str(index)))
            if found is not None:
                return found
    return None


def refuse_nul(data: Any) -> None:
    where = _nul_at(data)
    if where is not None:
        message = "Text may not contain NUL (\\u0000) characters"
        raise Invalid(
            message,
            details=[{"field": ".".join(where) or "body", "message": message, "type": "nul"}],
        )


def validate(model: type[M], data: Any) -> M:
    """Every body, form, query and socket message passes here: NULs are refused first."""
    refuse_nul(data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid("Request validation failed", details=validation_details(exc)) from exc


async def read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise UnsupportedMedia("Send the body as application/json")
    # aiohttp raises HTTPRequestEntityTooLarge past client_max_size; rendered as 413.
    raw = await request.read()
    if not raw:
        raise BadRequest("The request body is empty; a JSON document is expected")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from exc


async def parse_json(request: web.Request, model: type[M]) -> M:
    return validate(model, await read_json(request))


async def parse_form(request: web.Request, model: type[M]) -> M:
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise UnsupportedMedia("Send the body as a form (application/x-www-form-urlencoded)")
    form = await request.post()
    return validate(model, {key: form.getone(key) for key in form})


def parse_query(request: web.Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key in dict.fromkeys(request.query.keys()):
        values = request.query.getall(key)
        data[key] = values if len(values) > 1 else values[0]
    return validate(model, data)


def path_uuid(request: web.Request, name: str) -> uuid.UUID:
    """A UUID path parameter; anything else names no object, so 404."""
    try:
        return uuid.UUID(request.match_info[name])
    except ValueError:
        raise NotFound(f"No object with id {request.match_info[name]!r}") from None
