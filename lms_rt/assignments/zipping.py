"""A ZIP written as a stream of chunks, for ``Storage.put_stream``: the archive is never held
whole, only one member's bytes at a time.

``zipfile`` writes to an unseekable sink (sizes go in data descriptors after each member);
compression runs in a worker thread so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from lms_rt.files.names import cap_bytes, sanitize_filename, split_extension

# Compressed and handed on in slices of this size, so no single step blocks for long.
CHUNK_BYTES = 1024 * 1024
# ZIP timestamps cannot go before 1980.
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Member:
    name: str
    modified: datetime
    read: Callable[[], Awaitable[bytes | None]]  # None: gone since, left out


class _Sink(io.RawIOBase):
    """Collects what ``zipfile`` writes until the stream hands it on."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = memoryview(data)  # type: ignore[arg-type]
        self.buffer += chunk
        return chunk.nbytes

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(stamp, _EPOCH)


async def zip_stream(members: Iterable[Member], skipped: list[str]) -> AsyncIterator[bytes]:
    """The archive's bytes. Members whose ``read`` gives ``None`` are left out and their names
    appended to ``skipped``."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    try:
        for member in members:
            data = await member.read()
            if data is None:
                skipped.append(member.name)
                continue
            info = zipfile.ZipInfo(member.name, date_time=_date_time(member.modified))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = len(data)
            handle = archive.open(info, "w")
            try:
                for start in range(0, len(data), CHUNK_BYTES):
                    await asyncio.to_thread(handle.write, data[start : start + CHUNK_BYTES])
                    if sink.buffer:
                        yield sink.take()
            finally:
                handle.close()
            yield sink.take()
    finally:
        archive.close()
    yield sink.take()


class MemberNames:
    """Safe, distinct paths inside the archive: ``folder/name``, each part a sanitised file
    name (no directories, traversal, control or bidi characters), duplicates numbered."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, name: str) -> str:
        folder = sanitize_filename(folder)
        name = sanitize_filename(name)
        stem, extension = split_extension(name)
        candidate, n = name, 2
        while f"{folder}/{candidate}".casefold() in self._taken:
            candidate = cap_bytes(f"{stem} ({n}){extension}")
            n += 1
        path = f"{folder}/{candidate}"
        self._taken.add(path.casefold())
        return path
