"""S3 (or any S3-compatible store) through one aiobotocore client per process.

Uploads arrive as a stream: up to one part's worth is buffered; a stream that ends before that
is stored with a single PUT, a longer one as a multipart upload of ``part_size`` parts, which is
aborted on any failure so no parts linger (S3 bills and keeps unfinished uploads otherwise).
Downloads are presigned GETs (SigV4) that tell S3 to answer with our filename and type.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.session import get_session  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from lms_rt.errors import NotFound
from lms_rt.files.names import content_disposition
from lms_rt.files.storage import Storage, check_key

log = logging.getLogger(__name__)

# S3 parts must be at least 5 MiB (except the last); 8 MiB keeps the buffer per upload small
# while a 50 MiB upload still needs only 7 requests.
PART_SIZE = 8 * 1024 * 1024
_MISSING = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NotFound"})


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


class S3Storage(Storage):
    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        endpoint_url: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        part_size: int = PART_SIZE,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self.part_size = part_size
        self._credentials = (access_key_id, secret_access_key)
        self._stack = AsyncExitStack()
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The aiobotocore S3 client (after :meth:`start`)."""
        if self._client is None:
            raise RuntimeError("S3Storage.start() has not run")
        return self._client

    async def start(self) -> None:
        access_key_id, secret_access_key = self._credentials
        config = Config(
            signature_version="s3v4",
            # A custom endpoint (MinIO, moto, Ceph) is reached by path, not by bucket subdomain.
            s3={"addressing_style": "path"} if self.endpoint_url else {},
            # Checksums only where S3 requires them: S3-compatible stores vary in support.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        try:
            self._client = await self._stack.enter_async_context(
                get_session().create_client(
                    "s3",
                    endpoint_url=self.endpoint_url or None,
                    region_name=self.region,
                    # Empty settings fall back to botocore's usual chain (environment, IAM role).
                    aws_access_key_id=access_key_id or None,
                    aws_secret_access_key=secret_access_key or None,
                    config=config,
                )
            )
            await self._ensure_bucket()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()

    async def _ensure_bucket(self) -> None:
        try:
            await self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if not _missing(exc):
                raise
        params: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            await self.client.create_bucket(**params)
            log.info("created S3 bucket %s", self.bucket)
        except ClientError as exc:
            # Another process created it first.
            if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self.client.put_object(
            Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type
        )

    async def put_stream(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        check_key(key)
        buffer = bytearray()
        upload = _MultipartUpload(self.client, self.bucket, key, content_type)
        try:
            async for chunk in chunks:
                buffer += chunk
                while len(buffer) >= self.part_size:
                    part = bytes(buffer[: self.part_size])
                    del buffer[: self.part_size]
                    await upload.send(part)
            if not upload.started:
                await self.put(key, bytes(buffer), content_type)
                return
            if buffer:
                await upload.send(bytes(buffer))
            await upload.complete()
        except BaseException:
            await upload.abort()
            raise

    async def get(self, key: str) -> bytes:
        try:
            response = await self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"No stored file {key!r}") from None
            raise
        async with response["Body"] as stream:
            data: bytes = await stream.read()
        return data

    async def _head(self, key: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = await self.client.head_object(
                Bucket=self.bucket, Key=check_key(key)
            )
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return head

    async def size(self, key: str) -> int:
        head = await self._head(key)
        if head is None:
            raise NotFound(f"No stored file {key!r}")
        return int(head["ContentLength"])

    async def exists(self, key: str) -> bool:
        return await self._head(key) is not None

    async def delete(self, key: str) -> None:
        await self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    async def download_url(self, key: str, filename: str, content_type: str, expires: int) -> str:
        url: str = await self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": check_key(key),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires,
        )
        return url


class _MultipartUpload:
    """One multipart upload, begun lazily when the first full part is ready."""

    def __init__(self, client: Any, bucket: str, key: str, content_type: str) -> None:
        self._client = client
        self._target = {"Bucket": bucket, "Key": key}
        self._content_type = content_type
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    @property
    def started(self) -> bool:
        return self._upload_id is not None

    async def send(self, part: bytes) -> None:
        if self._upload_id is None:
            created = await self._client.create_multipart_upload(
                **self._target, ContentType=self._content_type
            )
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        sent = await self._client.upload_part(
            **self._target, UploadId=self._upload_id, PartNumber=number, Body=part
        )
        self._parts.append({"ETag": sent["ETag"], "PartNumber": number})

    async def complete(self) -> None:
        await self._client.complete_multipart_upload(
            **self._target, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
        )
        self._upload_id = None

    async def abort(self) -> None:
        if self._upload_id is None:
            return
        upload_id, self._upload_id = self._upload_id, None
        try:
            await self._client.abort_multipart_upload(**self._target, UploadId=upload_id)
        except Exception:
            # The original failure matters more than a failed clean-up; an S3 lifecycle rule
            # (AbortIncompleteMultipartUpload) still expires what this leaves.
            log.warning("could not abort multipart upload %s", upload_id, exc_info=True)
