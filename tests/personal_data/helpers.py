"""Running the privacy jobs the way the deployment would."""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.privacy.models import DataExport, ExportStatus
from tests.harness.workers import WorkerProcess, worker_env


def job_context(client: TestClient) -> dict[str, Any]:
    return {"deps": client.app[keys.DEPS], "job_try": 1}


@asynccontextmanager
async def jobs_running(client: TestClient, tmp_path: Path) -> AsyncIterator[None]:
    """Embedded: the inline queue runs them in-process. Services: a real ``lms-rt worker``."""
    if isinstance(client.app[keys.JOBS], InlineJobQueue):
        yield
        return
    settings = client.app[keys.SETTINGS]
    worker = WorkerProcess(worker_env(settings), tmp_path, "privacy-worker")
    worker.start("default")
    try:
        yield
    finally:
        await worker.stop()


async def wait_for_export(client: TestClient, export_id: str, timeout: float = 30) -> DataExport:
    jobs = client.app[keys.JOBS]
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if isinstance(jobs, InlineJobQueue):
            await jobs.drain()
        export = await DataExport.get(id=uuid.UUID(export_id))
        if export.status != ExportStatus.PENDING:
            return export
        assert asyncio.get_running_loop().time() < deadline, "the export was never built"
        await asyncio.sleep(0.2)


async def fetch_zip(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, bytes]:
    """Follow the API's redirect to the short-lived link and open what it serves."""
    response = await client.get(path, headers=headers, allow_redirects=False)
    assert response.status == 302, await response.text()
    link = response.headers["Location"]
    served = await client.session.get(link) if link.startswith("http") else await client.get(link)
    assert served.status == 200, await served.text()
    with zipfile.ZipFile(io.BytesIO(await served.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
