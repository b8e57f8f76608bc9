"""Object storage behind one interface: local disk (embedded default) or S3 (``files/s3.py``).

Every backend stores whole objects under server-chosen keys, takes uploads as a stream of
chunks (so no upload is held in memory whole), and hands out short-lived download URLs. A
failed or refused stream leaves nothing behind under its key.
"""

from __future__ import annotations

import abc
import asyncio
import os
import re
import time
import uuid
from collections.abc import AsyncIterable
from pathlib import Path
from typing import BinaryIO

from lms_rt.errors import BadRequest, NotFound
from lms_rt.files.signing import DownloadGrant, UrlSigner

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,511}$")
# Where the app serves local signed downloads (lms_rt/files/views.py routes it).
SIGNED_PATH = "/files/signed/"


def check_key(key: str) -> str:
    """Keys are relative, slash-separated names; nothing that could climb out of the root."""
    if not _SAFE_KEY.match(key) or ".." in key.split("/") or "//" in key:
        raise BadRequest(f"Invalid storage key {key!r}")
    return key


class Storage(abc.ABC):
    @abc.abstractmethod
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abc.abstractmethod
    async def put_stream(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        """Store the chunks as one object. If iterating ``chunks`` raises (a size limit, a
        refused type, a client gone), the exception propagates and nothing is stored."""

    @abc.abstractmethod
    async def get(self, key: str) -> bytes: ...

    @abc.abstractmethod
    async def size(self, key: str) -> int:
        """The stored object's length in bytes; NotFound if there is none."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing one is not an error."""

    @abc.abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    async def download_url(self, key: str, filename: str, content_type: str, expires: int) -> str:
        """A URL that serves the object as an attachment named ``filename`` with
        ``content_type``, valid for ``expires`` seconds."""

    async def start(self) -> None:
        """Connect and check what the backend needs before the app serves requests."""
        return None

    async def close(self) -> None:
        return None


class LocalStorage(Storage):
    """Files under ``root``; downloads through HMAC-signed links served by the app itself."""

    def __init__(
        self, root: Path, signer: UrlSigner | None = None, *, signed_path: str = SIGNED_PATH
    ) -> None:
        self.root = root
        self.signer = signer
        self.signed_path = signed_path

    def path_of(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_path(path)
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    async def put_stream(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        """Written to a temporary file beside the target and renamed into place when complete,
        so a reader never sees half a file and a failure leaves none."""
        path = self.path_of(key)
        temporary = _temporary_path(path)
        handle = await asyncio.to_thread(_open_new, temporary)
        try:
            async for chunk in chunks:
                if chunk:
                    await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(handle.close)
            await asyncio.to_thread(os.replace, temporary, path)
        except BaseException:
            # Synchronous on purpose: it must also finish when the task is being cancelled.
            _discard(handle, temporary)
            raise

    async def get(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound(f"No stored file {key!r}") from None

    async def size(self, key: str) -> int:
        path = self.path_of(key)
        try:
            return (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            raise NotFound(f"No stored file {key!r}") from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_of(key).is_file)

    async def download_url(self, key: str, filename: str, content_type: str, expires: int) -> str:
        if self.signer is None:
            raise RuntimeError("LocalStorage needs a UrlSigner to hand out download links")
        grant = DownloadGrant(
            key=check_key(key),
            expires_at=int(time.time()) + expires,
            filename=filename,
            content_type=content_type,
        )
        return self.signed_path + self.signer.sign(grant)


def _temporary_path(path: Path) -> Path:
    # Unique per write, so two writers of one key never share (or delete) a temporary file.
    return path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")


def _open_new(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("xb")


def _discard(handle: BinaryIO, path: Path) -> None:
    handle.close()
    path.unlink(missing_ok=True)
