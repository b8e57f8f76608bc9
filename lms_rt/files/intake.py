"""The upload stream on its way to storage: counted, hashed, capped and type-checked.

Nothing here buffers more than the first few KiB (for sniffing); every check runs on each
chunk as it passes, so a limit is enforced the moment it is crossed, not after the upload.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from lms_rt.errors import TooLarge, UnsupportedMedia
from lms_rt.files.sniffing import SNIFF_BYTES, TEXT, FileType, NotText, TextCheck


def describe_bytes(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}"
    return f"{size} bytes"


class Meter:
    """Counts and hashes the bytes; raises 413 once they pass the size limit or the quota."""

    def __init__(self, *, limit: int, what: str, quota: int, quota_used: int) -> None:
        self.limit = limit
        self.what = what
        self.quota = quota
        self.quota_left = quota - quota_used
        self.size = 0
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def quota_exceeded(self) -> TooLarge:
        return TooLarge(
            f"This upload would take you past your storage quota of {describe_bytes(self.quota)}"
            f" ({describe_bytes(self.quota - self.quota_left)} used); delete files to make room",
            details=[{"reason": "quota", "quota_bytes": self.quota}],
        )

    async def count(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            self.size += len(chunk)
            if self.size > self.limit:
                raise TooLarge(
                    f"{self.what} may be at most {describe_bytes(self.limit)}",
                    details=[{"reason": "size_limit", "limit_bytes": self.limit}],
                )
            if self.size > self.quota_left:
                raise self.quota_exceeded()
            self._hash.update(chunk)
            yield chunk


class Head:
    """The first bytes of a stream, read ahead for sniffing, and the stream they came from."""

    def __init__(self, data: bytes, rest: AsyncIterator[bytes], complete: bool) -> None:
        self.data = data
        self.complete = complete
        self._rest = rest

    @classmethod
    async def read(cls, chunks: AsyncIterator[bytes], size: int = SNIFF_BYTES) -> Head:
        data = bytearray()
        while len(data) < size:
            try:
                data += await anext(chunks)
            except StopAsyncIteration:
                return cls(bytes(data), chunks, complete=True)
        return cls(bytes(data), chunks, complete=False)

    async def stream(self, file_type: FileType) -> AsyncIterator[bytes]:
        """The whole stream again, head first; text is checked to its last byte."""
        check = TextCheck() if file_type == TEXT else None
        try:
            if check is not None:
                check.feed(self.data, final=self.complete)
            yield self.data
            if self.complete:
                return
            async for chunk in self._rest:
                if check is not None:
                    check.feed(chunk)
                yield chunk
            if check is not None:
                check.feed(b"", final=True)
        except NotText as exc:
            raise UnsupportedMedia(f"{exc}; only UTF-8 plain text is accepted as text") from exc
