"""``/api/v1/files`` and the signed download links of local storage (``/files/signed/...``)."""

from __future__ import annotations

import asyncio

from aiohttp import hdrs, web

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, optional_user
from lms_rt.errors import NotFound, TooLarge
from lms_rt.files import service
from lms_rt.files.multipart import read_upload
from lms_rt.files.names import content_disposition
from lms_rt.files.schemas import FileOut, MyFilesQuery, UploadBody
from lms_rt.files.storage import SIGNED_PATH, LocalStorage
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User

api = ApiRoutes(tag="files")
# Routes outside the documented API (signed download links).
routes = web.RouteTableDef()

# Room for the form fields and part headers around the file in a multipart body.
MULTIPART_OVERHEAD = 64 * 1024


@api.post(
    "/files/upload",
    summary="Upload a file (multipart/form-data)",
    multipart=UploadBody,
    response=FileOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[400, 403, 404, 413, 415, 422],
)
async def upload(request: web.Request, user: User) -> FileOut:
    """A ``multipart/form-data`` body with the fields ``purpose`` (``avatar``,
    ``course_thumbnail`` or ``lesson_attachment``), ``course_id`` (thumbnails) or ``lesson_id``
    (attachments), and then, as the **last** part, ``file``.

    The type is detected from the file's first bytes, never from its name or declared type:
    images (PNG, JPEG, GIF, WebP) for avatars and thumbnails; for attachments also PDF, MP4,
    WebM, MP3, Ogg audio, ZIP and UTF-8 plain text (415 otherwise, and always for HTML or SVG).
    413 past the purpose's size limit or the user's storage quota; nothing is kept then."""
    deps = request.app[keys.DEPS]
    settings = deps.settings
    largest = max(settings.upload_max_bytes, settings.avatar_max_bytes) + MULTIPART_OVERHEAD
    if request.content_length is not None and request.content_length > largest:
        raise TooLarge("The upload is larger than any file accepted here")
    form, filename, chunks = await read_upload(request)
    return FileOut.of(await service.upload(deps, user, form, filename, chunks))


@api.get(
    "/files/my-files",
    summary="Your uploaded files",
    query=MyFilesQuery,
    response=Page[FileOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_files(request: web.Request, query: MyFilesQuery, user: User) -> Page[FileOut]:
    items, total = await service.my_files(user, query)
    return Page[FileOut](
        items=[FileOut.of(row) for row in items],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.get(
    "/files/download/{file_id}",
    summary="Download a file (redirect to a short-lived signed URL)",
    status=302,
    errors=[404],
)
async def download(request: web.Request) -> web.StreamResponse:
    """Owners; course staff and enrolled students for lesson attachments; anyone for
    thumbnails of published courses. The redirect's target expires after a few minutes."""
    deps = request.app[keys.DEPS]
    user = await optional_user(request)
    url = await service.download_url(deps, user, path_uuid(request, "file_id"))
    return web.Response(status=302, headers={hdrs.LOCATION: url, hdrs.CACHE_CONTROL: "no-store"})


@api.get("/files/{file_id}", summary="A file's details", response=FileOut, errors=[404])
async def get_file(request: web.Request) -> FileOut:
    """Visible to whoever may download the file."""
    deps = request.app[keys.DEPS]
    user = await optional_user(request)
    return FileOut.of(await service.find_file(deps, user, path_uuid(request, "file_id")))


@api.delete(
    "/files/{file_id}",
    summary="Delete a file and its stored object",
    status=204,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404],
)
async def delete_file(request: web.Request, user: User) -> None:
    """The owner or an admin; others who may see the file get 403, anyone else 404."""
    await service.delete_file(request.app[keys.DEPS], user, path_uuid(request, "file_id"))


@routes.get(SIGNED_PATH + "{token}")
async def signed_download(request: web.Request) -> web.StreamResponse:
    """A local-storage download link: 403 when tampered with or expired. Served as an
    attachment that browsers must not sniff, with Range support (206) for audio and video."""
    deps = request.app[keys.DEPS]
    storage = deps.storage
    if not isinstance(storage, LocalStorage) or storage.signer is None:
        raise NotFound("Downloads are not served from here")
    grant = storage.signer.verify(request.match_info["token"], now=deps.clock.now().timestamp())
    path = storage.path_of(grant.key)
    if not await asyncio.to_thread(path.is_file):
        raise NotFound("The file no longer exists")
    return web.FileResponse(
        path,
        headers={
            hdrs.CONTENT_TYPE: grant.content_type,
            hdrs.CONTENT_DISPOSITION: content_disposition(grant.filename),
            "X-Content-Type-Options": "nosniff",
            hdrs.CACHE_CONTROL: "private, no-cache",
        },
    )
