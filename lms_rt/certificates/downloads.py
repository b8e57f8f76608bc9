"""The PDF as an attachment with a filename every browser accepts and a readable one for those
that understand RFC 6266 ``filename*``."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from aiohttp import web
from slugify import slugify

from lms_rt.certificates.models import Certificate

MAX_NAME_CHARS = 120


def ascii_filename(certificate: Certificate) -> str:
    """Transliterated, lower-case, ``[a-z0-9-]`` only: nothing to quote or escape."""
    slug = slugify(certificate.course_title, max_length=60, word_boundary=True) or "course"
    return f"certificate-{slug}.pdf"


def unicode_filename(certificate: Certificate) -> str:
    """The course and name as written, minus what could mislead or break a path: control and
    format characters (bidi overrides that disguise an extension) and path separators."""
    text = f"Certificate - {certificate.course_title} - {certificate.student_name}"
    cleaned = "".join(
        "-" if ch in "/\\" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join(cleaned.split())[:MAX_NAME_CHARS] + ".pdf"


def content_disposition(certificate: Certificate) -> str:
    return (
        f'attachment; filename="{ascii_filename(certificate)}"; '
        f"filename*=UTF-8''{quote(unicode_filename(certificate), safe='')}"
    )


def pdf_response(certificate: Certificate, data: bytes) -> web.Response:
    return web.Response(
        body=data,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(certificate),
            # Private to the people allowed to see it; a reissue replaces it.
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
