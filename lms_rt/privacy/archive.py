"""Writing a data export's ZIP to a temporary file, off the event loop."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import zipfile
from collections.abc import AsyncIterator
from typing import IO, Any

import orjson

from lms_rt.files.names import sanitize_filename

CHUNK = 1024 * 1024


def _fallback(value: Any) -> str:
    """Types orjson does not know (asyncpg's own UUID, Decimal) as their text."""
    return str(value)


def json_bytes(document: Any) -> bytes:
    return orjson.dumps(
        document, default=_fallback, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    )


def entry_name(folder: str, index: int, original: str) -> str:
    """Numbered so two uploads with one name both survive; never a path outside ``folder``."""
    return f"{folder}/{index:04d}-{sanitize_filename(original)}"


class ZipBuilder:
    """A ZIP on disk; every write runs in a worker thread."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._zip = zipfile.ZipFile(self._file, "w", compression=zipfile.ZIP_DEFLATED)

    async def add(self, name: str, data: bytes) -> None:
        await asyncio.to_thread(self._zip.writestr, name, data)

    async def add_stream(self, name: str, chunks: AsyncIterator[bytes]) -> None:
        """One entry written as its chunks arrive; nothing of it is kept in memory."""
        entry = await asyncio.to_thread(self._zip.open, name, "w", force_zip64=True)
        try:
            async for chunk in chunks:
                await asyncio.to_thread(entry.write, chunk)
        finally:
            await asyncio.to_thread(entry.close)

    async def finish(self) -> tuple[int, str]:
        """Close the archive; its size and SHA-256."""
        return await asyncio.to_thread(self._finish)

    def _finish(self) -> tuple[int, str]:
        self._zip.close()
        digest = hashlib.sha256()
        self._file.seek(0)
        size = 0
        while block := self._file.read(CHUNK):
            digest.update(block)
            size += len(block)
        self._file.seek(0)
        return size, digest.hexdigest()

    async def chunks(self) -> AsyncIterator[bytes]:
        while block := await asyncio.to_thread(self._file.read, CHUNK):
            yield block

    def close(self) -> None:
        self._zip.close()  # a no-op once finished
        self._file.close()
