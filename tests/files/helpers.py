"""Set-up for the files tests: sample files of each type, uploads as raw multipart bodies (so a
test controls every header byte), downloads that follow the redirect, and a look at what the
storage backend really holds."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import aiohttp
from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.files.s3 import S3Storage
from lms_rt.files.storage import LocalStorage

API = "/api/v1"
BOUNDARY = "lms-test-boundary-7d1f"
MIB = 1024 * 1024


# --- sample files: just enough bytes for each format's signature, padded --------------------


def png(size: int = 200) -> bytes:
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x10" * 2
    return _pad(header, size)


def jpeg(size: int = 200) -> bytes:
    return _pad(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", size)


def gif(size: int = 200) -> bytes:
    return _pad(b"GIF89a\x10\x00\x10\x00", size)


def webp(size: int = 200) -> bytes:
    return _pad(b"RIFF\x00\x00\x00\x00WEBPVP8 ", size)


def pdf(size: int = 200) -> bytes:
    return _pad(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", size)


def mp4(size: int = 200) -> bytes:
    return _pad(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", size)


def webm(size: int = 200) -> bytes:
    return _pad(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm", size)


def mp3(size: int = 200) -> bytes:
    return _pad(b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64", size)


def ogg(size: int = 200) -> bytes:
    page = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e" + b"\x01vorbis"
    return _pad(page, size)


def zip_archive(size: int = 200) -> bytes:
    return _pad(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", size)


def text(size: int = 200) -> bytes:
    line = "Notes for the lesson: ünïcödé is fine.\n".encode()
    return (line * (size // len(line) + 1))[:size]


def _pad(header: bytes, size: int) -> bytes:
    # Random padding (not zeros) so that hashes and byte ranges say something.
    return header + os.urandom(max(0, size - len(header)))


# --- uploads --------------------------------------------------------------------------------


def multipart(
    fields: list[tuple[str, str]],
    *,
    data: bytes | None,
    filename: str | None = "upload.bin",
    content_type: str = "application/octet-stream",
    file_first: bool = False,
) -> bytes:
    """A multipart/form-data body; the filename goes in RFC 5987 ``filename*`` when it is not
    plain printable ASCII, so any character (NUL, bidi controls) reaches the server intact."""
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    if data is not None:
        disposition = 'form-data; name="file"'
        if filename is not None:
            if filename.isascii() and filename.isprintable() and '"' not in filename:
                disposition += f'; filename="{filename}"'
            else:
                disposition += f"; filename*=UTF-8''{quote(filename, safe='')}"
        file_part = (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        parts.insert(0 if file_first else len(parts), file_part)
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


async def upload(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    *,
    purpose: str = "avatar",
    filename: str | None = "upload.bin",
    content_type: str = "application/octet-stream",
    course: Any = None,
    lesson: Any = None,
    **extra: Any,
) -> aiohttp.ClientResponse:
    fields = [("purpose", purpose)]
    if course is not None:
        fields.append(("course_id", str(course.id)))
    if lesson is not None:
        fields.append(("lesson_id", str(lesson.id)))
    body = multipart(fields, data=data, filename=filename, content_type=content_type, **extra)
    return await client.post(
        f"{API}/files/upload",
        data=body if len(body) < MIB else _chunked(body),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


async def _chunked(body: bytes) -> AsyncIterator[bytes]:
    """Large bodies go chunked, with no Content-Length: the server must count for itself."""
    for start in range(0, len(body), MIB):
        yield body[start : start + MIB]


async def uploaded(client: TestClient, headers: dict[str, str], data: bytes, **kwargs: Any) -> dict:
    response = await upload(client, headers, data, **kwargs)
    assert response.status == 201, await response.text()
    return await response.json()


# --- downloads ------------------------------------------------------------------------------


async def signed_url(
    client: TestClient, file_id: str, headers: dict[str, str] | None = None
) -> str:
    response = await client.get(
        f"{API}/files/download/{file_id}", headers=headers or {}, allow_redirects=False
    )
    assert response.status == 302, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    return response.headers["Location"]


async def fetch(
    client: TestClient, url: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """GET a signed URL: the app's own route (local storage) or moto (S3)."""
    if url.startswith("/"):
        response = await client.get(url, headers=headers or {})
        return response.status, dict(response.headers), await response.read()
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, dict(response.headers), await response.read()


async def download(
    client: TestClient, file_id: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return await fetch(client, await signed_url(client, file_id, headers))


# --- what the backend holds -----------------------------------------------------------------


def is_s3(client: TestClient) -> bool:
    return isinstance(client.app[keys.STORAGE], S3Storage)


async def stored_objects(client: TestClient) -> list[str]:
    """Every object (and, locally, every temporary file) the storage backend holds."""
    storage = client.app[keys.STORAGE]
    if isinstance(storage, LocalStorage):
        root = Path(storage.root)
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert isinstance(storage, S3Storage)
    listing = await storage.client.list_objects_v2(Bucket=storage.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


async def pending_multipart_uploads(client: TestClient) -> list[str]:
    storage = client.app[keys.STORAGE]
    if not isinstance(storage, S3Storage):
        return []
    listing = await storage.client.list_multipart_uploads(Bucket=storage.bucket)
    return [item["Key"] for item in listing.get("Uploads", [])]


# --- SigV4 presigned URLs, checked in code (moto checks neither signature nor expiry) --------


def sigv4_problems(url: str, secret: str, now_epoch: float) -> list[str]:
    """What is wrong with a presigned S3 GET URL: an empty list means a valid, unexpired
    signature by ``secret`` over this exact path and query."""
    import datetime as dt

    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    problems = []
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        problems.append("not SigV4")
    given = params.get("X-Amz-Signature", "")
    signed_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
        for k, v in sorted(query)
        if k != "X-Amz-Signature"
    )
    canonical = "\n".join(
        [
            "GET",
            parts.path,
            signed_query,
            f"host:{parts.netloc}\n",
            params.get("X-Amz-SignedHeaders", ""),
            "UNSIGNED-PAYLOAD",
        ]
    )
    amz_date = params.get("X-Amz-Date", "")
    scope = params.get("X-Amz-Credential", "").split("/", 1)[-1]
    date, region, service, _ = [*scope.split("/"), "", "", "", ""][:4]
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret}".encode()
    for piece in (date, region, service, "aws4_request"):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        problems.append("bad signature")
    signed_at = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    if now_epoch >= signed_at.timestamp() + int(params.get("X-Amz-Expires", "0")):
        problems.append("expired")
    return problems


def new_id() -> str:
    return str(uuid.uuid4())
