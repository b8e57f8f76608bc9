"""Personal data exports: asked for by the user, built by a job, downloadable for a while.

The job is safe to repeat: it returns at once unless the export is still pending, stores the
ZIP under a key fixed by the export's id (a rerun overwrites it) and marks it ready with a
conditional update, so one run announces it. An export of an erased account is never built.

Uploaded files go into the ZIP one at a time and are written to it in slices; the storage API
reads an object whole, so memory holds at most one file (bounded by the upload size limit).
An object missing from storage is left out and noted in ``files.json``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from arq import Retry

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Gone, NotFound
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.jobs.registry import MAX_TRIES
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.privacy import collect
from lms_rt.privacy.archive import CHUNK, ZipBuilder, entry_name, json_bytes
from lms_rt.privacy.models import DataExport, ExportStatus
from lms_rt.users.models import User

log = logging.getLogger(__name__)

ZIP_TYPE = "application/zip"


def storage_key(export: DataExport) -> str:
    return f"exports/{export.user_id}/{export.id}.zip"


def job_id(export_id: uuid.UUID) -> str:
    return f"data-export:{export_id}"


async def request_export(deps: Deps, user: User) -> DataExport:
    """One export in the making at a time; a second request while one is pending is 409
    (checked with the user's row locked, so two racing requests cannot both create one)."""
    async with atomic(deps) as effects:
        await User.filter(id=user.id).select_for_update().first()
        if await DataExport.filter(user_id=user.id, status=ExportStatus.PENDING).exists():
            raise Conflict("An export of your data is already being prepared")
        export = await DataExport.create(user_id=user.id)
        effects.enqueue("build_data_export", str(export.id), job_id=job_id(export.id))
    return export


async def build_data_export(ctx: dict[str, Any], export_id: str) -> str:
    deps: Deps = ctx["deps"]
    export = await DataExport.filter(id=uuid.UUID(export_id)).select_related("user").first()
    if export is None or export.status != ExportStatus.PENDING:
        return "nothing to do"
    user = export.user
    if user.erased_at is not None:
        await DataExport.filter(id=export.id, status=ExportStatus.PENDING).update(
            status=ExportStatus.FAILED, finished_at=deps.clock.now(), error="The account was erased"
        )
        return "account erased"
    builder = ZipBuilder()
    try:
        for name, document in (await collect.documents(user, deps.clock.now())).items():
            await builder.add(name, json_bytes(document))
        listing = await _add_files(deps, builder, user.id)
        await builder.add("files.json", json_bytes(listing))
        size, sha256 = await builder.finish()
        key = storage_key(export)
        await deps.storage.put_stream(key, builder.chunks(), ZIP_TYPE)
    except Exception as exc:
        attempt = int(ctx.get("job_try", 1))
        if attempt >= MAX_TRIES:
            await DataExport.filter(id=export.id, status=ExportStatus.PENDING).update(
                status=ExportStatus.FAILED, finished_at=deps.clock.now(), error=str(exc)[:500]
            )
            log.error("data export %s failed for good: %s", export_id, exc)
            return "failed"
        log.warning("data export %s failed (try %d), will retry: %s", export_id, attempt, exc)
        raise Retry(defer=15 * attempt) from exc
    finally:
        builder.close()
    await _mark_ready(deps, export, user, key, size, sha256)
    return "ready"


async def _slices(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


async def _add_files(deps: Deps, builder: ZipBuilder, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Own uploads copied under ``files/``; course content listed only; missing objects
    noted. Returns the ``files.json`` listing."""
    listing: list[dict[str, Any]] = []
    for index, row in enumerate(await collect.uploaded_files(user_id), start=1):
        item: dict[str, Any] = {
            "entry": None,
            "id": str(row.id),
            "original_name": row.original_name,
            "purpose": row.purpose.value,
            "content_type": row.content_type,
            "size": row.size,
            "uploaded_at": row.created_at.isoformat(),
        }
        listing.append(item)
        if row.purpose not in collect.OWN_UPLOADS:
            item["note"] = "course content: listed, not copied"
            continue
        try:
            data = await deps.storage.get(row.key)
        except NotFound:
            log.warning("data export: stored object of file %s is missing; left out", row.id)
            item["note"] = "missing from storage: could not be included"
            continue
        name = entry_name("files", index, row.original_name)
        await builder.add_stream(name, _slices(data))
        del data
        item["entry"] = name
    return listing


async def _mark_ready(
    deps: Deps, export: DataExport, user: User, key: str, size: int, sha256: str
) -> None:
    now = deps.clock.now()
    async with atomic(deps) as effects:
        stored = await StoredFile.filter(key=key).first()
        if stored is None:
            stored = await StoredFile.create(
                owner_id=user.id,
                key=key,
                original_name=f"my-data-{now:%Y-%m-%d}.zip",
                content_type=ZIP_TYPE,
                size=size,
                sha256=sha256,
                purpose=FilePurpose.DATA_EXPORT,
            )
        expires = now + timedelta(hours=deps.settings.data_export_hours)
        marked = await DataExport.filter(id=export.id, status=ExportStatus.PENDING).update(
            status=ExportStatus.READY, file_id=stored.id, finished_at=now, expires_at=expires
        )
        if not marked:
            await _discard_unclaimed(deps, export.id, stored)
            return
        await notify(
            effects,
            [user.id],
            NotificationType.DATA_EXPORT_READY,
            "Your data export is ready",
            f"Download it before {expires:%Y-%m-%d %H:%M} UTC; after that it is deleted.",
            "/api/v1/users/me/exports",
            {"export_id": str(export.id), "expires_at": expires.isoformat()},
            key=f"data-export:{export.id}",
        )


async def _discard_unclaimed(deps: Deps, export_id: uuid.UUID, stored: StoredFile) -> None:
    """The export stopped being pending while this run built it (the account was erased):
    the ZIP it just stored belongs to nothing and goes."""
    current = await DataExport.get(id=export_id)
    if current.file_id == stored.id:
        return  # another run made it ready with this very file
    await stored.delete()
    try:
        await deps.storage.delete(stored.key)
    except Exception:
        log.warning("data export %s: could not delete unclaimed %s", export_id, stored.key)


async def my_exports(user: User) -> list[DataExport]:
    return await DataExport.filter(user_id=user.id).order_by("-created_at").limit(20)


async def download_url(deps: Deps, user: User, export_id: uuid.UUID) -> str:
    """A fresh short-lived link each time it is asked for, until the export expires."""
    export = await DataExport.filter(id=export_id, user_id=user.id).first()
    if export is None:
        raise NotFound("No such export")
    expired = export.expires_at is not None and export.expires_at <= deps.clock.now()
    if export.status == ExportStatus.EXPIRED or expired:
        raise Gone("This export has expired; ask for a new one")
    if export.status != ExportStatus.READY:
        raise Conflict("This export is not ready yet")
    stored = (
        await StoredFile.filter(id=export.file_id).first() if export.file_id is not None else None
    )
    if stored is None:
        raise Gone("You deleted this export's file; ask for a new one")
    return await deps.storage.download_url(
        stored.key, stored.original_name, ZIP_TYPE, deps.settings.download_url_seconds
    )


async def expire_exports(deps: Deps) -> int:
    """Delete the files of exports past their time (the cron's retention pass)."""
    now = deps.clock.now()
    due = await DataExport.filter(status=ExportStatus.READY, expires_at__lte=now)
    for export in due:
        if export.file_id is not None:
            stored = await StoredFile.filter(id=export.file_id).first()
            if stored is not None:
                await deps.storage.delete(stored.key)
                await stored.delete()
        await DataExport.filter(id=export.id).update(status=ExportStatus.EXPIRED, file_id=None)
    return len(due)
