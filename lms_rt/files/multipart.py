"""Reading an upload form without reading the file: fields first, then the file as a stream.

aiohttp's ``client_max_size`` does not bound a multipart body read part by part, so the fields
are capped here and the file's bytes are counted by the upload service. The file must be the
last part: its limits depend on the fields before it (``purpose``), and browsers' FormData and
``curl -F`` keep the order they are given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import BadHttpMessage

from lms_rt.errors import BadRequest, Invalid, UnsupportedMedia
from lms_rt.files.schemas import UploadForm
from lms_rt.http.parsing import validate

FILE_FIELD = "file"
# Read size per chunk: big enough to keep per-chunk overhead low, small enough to stream.
CHUNK_BYTES = 256 * 1024
# The other fields are short identifiers; anything longer is not one.
MAX_FIELD_BYTES = 1024


def _problem(field: str, message: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message, "type": "value_error"}])


async def read_upload(
    request: web.Request,
) -> tuple[UploadForm, str | None, AsyncIterator[bytes]]:
    """The validated fields, the file's name as sent, and its bytes still to be read."""
    if request.content_type != "multipart/form-data":
        raise UnsupportedMedia("Send the upload as multipart/form-data")
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError) as exc:  # aiohttp asserts on a missing boundary
        raise BadRequest("Malformed multipart body") from exc
    fields: dict[str, str] = {}
    seen: set[str] = set()
    while True:
        part = await _next_part(reader)
        if part is None:
            raise _problem(FILE_FIELD, "The form has no file part")
        if not isinstance(part, BodyPartReader):
            raise BadRequest("Nested multipart bodies are not accepted")
        name = part.name or ""
        if name == FILE_FIELD:
            break
        if name not in UploadForm.model_fields:
            raise _problem(name or "form", f"Unknown form field {name!r}")
        if name in seen:
            raise _problem(name, f"The form field {name!r} is given twice")
        seen.add(name)
        # Forms send optional fields left blank as empty strings: those are absent.
        if value := await _read_field(part, name):
            fields[name] = value
    return validate(UploadForm, fields), part.filename, _file_chunks(reader, part)


async def _next_part(reader: MultipartReader) -> object:
    try:
        return await reader.next()
    # ValueError: no starting boundary, a broken one, a read past the end; BadHttpMessage: a
    # part's headers that do not parse (a closing boundary where headers should be).
    except (ValueError, BadHttpMessage) as exc:
        raise BadRequest(f"Malformed multipart body: {exc}") from exc


async def _chunk(part: BodyPartReader, size: int) -> bytes:
    try:
        return await part.read_chunk(size)
    except ValueError as exc:
        raise BadRequest(f"Malformed multipart body: {exc}") from exc


async def _read_field(part: BodyPartReader, name: str) -> str:
    data = bytearray()
    while chunk := await _chunk(part, MAX_FIELD_BYTES + 1):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise _problem(name, f"The form field {name!r} is too long")
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise _problem(name, f"The form field {name!r} is not UTF-8 text") from None


async def _file_chunks(reader: MultipartReader, part: BodyPartReader) -> AsyncIterator[bytes]:
    while chunk := await _chunk(part, CHUNK_BYTES):
        yield chunk
    if await _next_part(reader) is not None:
        raise _problem(FILE_FIELD, "The file must be the last part of the form")
