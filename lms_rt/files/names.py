"""Filenames from clients, made safe to store, show and hand back in a download.

The name is only ever a label: storage keys are chosen by the server. Still, the label ends up
in JSON, in ``Content-Disposition`` and on the downloader's disk, so it loses directories, path
traversal, control and bidi-override characters (``invoice\u202efdp.exe`` shows as
``invoiceexe.pdf``), characters Windows refuses, and bytes beyond 255.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from lms_rt.files.sniffing import ALL_TYPES, FileType

MAX_NAME_BYTES = 255
# An extension longer than this is part of the name, not a type (``notes.final-draft-v12``).
MAX_EXTENSION_BYTES = 16
FALLBACK_NAME = "file"

# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the invisible
# direction marks (U+200E, U+200F, U+061C) and the byte order mark.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]")
# Reserved on Windows (and '/' everywhere); replaced so the saved name works on any disk.
_RESERVED = re.compile(r'[<>:"|?*]')
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def sanitize_filename(raw: str | None) -> str:
    """A display name from whatever the client sent; never empty, at most 255 UTF-8 bytes."""
    name = unicodedata.normalize("NFC", raw or "")
    # Only the last path component counts, whichever separator the client's system uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Tabs and newlines separate words; every other control character (NUL...) goes.
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) != "Cc"
    )
    name = _INVISIBLE.sub("", name)
    name = _RESERVED.sub("_", name)
    name = " ".join(name.split())
    # Leading dots would hide the file or spell "..", trailing dots and spaces vanish on Windows.
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        return FALLBACK_NAME
    if split_extension(name)[0].lower() in _WINDOWS_DEVICES:
        name = f"_{name}"
    return cap_bytes(name)


def split_extension(name: str) -> tuple[str, str]:
    """``("report.final", ".pdf")``; the extension is empty when there is none worth keeping."""
    stem, dot, extension = name.rpartition(".")
    if (
        not dot
        or not stem
        or not extension
        or " " in extension
        or len(extension.encode()) + 1 > MAX_EXTENSION_BYTES
    ):
        return name, ""
    return stem, f".{extension}"


def cap_bytes(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """Shorten to ``limit`` UTF-8 bytes at a character boundary, keeping the extension."""
    if len(name.encode()) <= limit:
        return name
    stem, extension = split_extension(name)
    room = limit - len(extension.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip(". ")
    return f"{stem or FALLBACK_NAME}{extension}"


def download_name(name: str, file_type: FileType) -> str:
    """The name a download is saved under: its extension matches what the bytes are.

    ``photo.png`` holding a PDF downloads as ``photo.pdf``; ``notes.html`` holding plain text
    as ``notes.html.txt``, so no file is opened by the wrong program.
    """
    stem, extension = split_extension(name)
    if extension.lower() in file_type.extensions:
        return name
    if extension and _is_known_extension(extension):
        name = stem
    return cap_bytes(name + file_type.extensions[0])


def _is_known_extension(extension: str) -> bool:
    return any(extension.lower() in t.extensions for t in ALL_TYPES)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 6266 ``filename*``."""
    return (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def ascii_fallback(name: str) -> str:
    """For clients that ignore ``filename*``: accents dropped, other characters replaced."""
    stem, extension = split_extension(name)
    decomposed = unicodedata.normalize("NFKD", stem)
    ascii_stem = "".join(
        ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\' else "_"
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    ascii_stem = re.sub(r"_+", "_", ascii_stem).strip("_ ") or "download"
    ascii_extension = extension if extension.isascii() else ""
    return ascii_stem + ascii_extension.replace('"', "_").replace("\\", "_")
