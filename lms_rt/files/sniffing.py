"""What a file is, judged from its first bytes only.

The client's Content-Type and filename extension are never trusted: an upload is whatever its
bytes say it is. Only the formats the product accepts are recognised, each by a strict check at
offset 0 (a PDF header further in, as some readers tolerate, is not a PDF here). Anything that
looks like HTML, SVG or XML is refused outright, so no upload can become a page a browser runs,
whatever headers it is later served with.

Plain text is the one format with no magic number: it is UTF-8 without control characters, and
since the first bytes cannot vouch for the rest, :class:`TextCheck` checks every later chunk too.
Text whose first character is ``<`` counts as markup and is refused (an HTML fragment or an
SVG sent as "notes.txt" is still markup).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

# Enough for every signature below and for a fair look at the start of a text file.
SNIFF_BYTES = 4096
# Browsers that sniff look for markup near the start of a response; so does this check.
MARKUP_WINDOW = 1024


@dataclass(frozen=True)
class FileType:
    name: str
    mime: str
    # The first is the one given to downloads whose name ends otherwise.
    extensions: tuple[str, ...]

    @property
    def served_as(self) -> str:
        """The Content-Type downloads carry (text states its charset)."""
        return f"{self.mime}; charset=utf-8" if self.mime == "text/plain" else self.mime


PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg", ".jpe"))
GIF = FileType("gif", "image/gif", (".gif",))
WEBP = FileType("webp", "image/webp", (".webp",))
PDF = FileType("pdf", "application/pdf", (".pdf",))
MP4 = FileType("mp4", "video/mp4", (".mp4", ".m4v"))
WEBM = FileType("webm", "video/webm", (".webm",))
MP3 = FileType("mp3", "audio/mpeg", (".mp3",))
OGG = FileType("ogg", "audio/ogg", (".ogg", ".oga", ".opus"))
# Office documents and e-books are zip containers too; their own extensions are kept.
ZIP = FileType(
    "zip", "application/zip", (".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub")
)
# Only extensions no desktop runs as a program when the file is opened.
TEXT = FileType(
    "text",
    "text/plain",
    (".txt", ".text", ".md", ".markdown", ".csv", ".tsv", ".log", ".json", ".srt", ".vtt"),
)

ALL_TYPES = (PNG, JPEG, GIF, WEBP, PDF, MP4, WEBM, MP3, OGG, ZIP, TEXT)
BY_MIME = {t.mime: t for t in ALL_TYPES}

# ISO base media brands of ordinary MP4 video (not QuickTime, HEIF/AVIF or M4A audio).
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"}
    | {b"M4V ", b"MSNV", b"mmp4"}
)
_OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")

# Tags a browser would render or run; matched anywhere in the first KiB, case-insensitively.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|\?xml)[\s/>]",
    re.IGNORECASE,
)
# C0 controls other than tab, line feed, form feed and carriage return, and DEL.
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_BOM = b"\xef\xbb\xbf"


class NotText(ValueError):
    """A file that started as text carries bytes no text file has."""


def looks_like_markup(head: bytes) -> bool:
    window = head[:MARKUP_WINDOW]
    if _MARKUP.search(window):
        return True
    # Text that opens with a tag is markup of some kind (HTML, SVG, XML, XHTML fragments).
    return window.removeprefix(_UTF8_BOM).lstrip().startswith(b"<")


def sniff(head: bytes, *, complete: bool) -> FileType | None:
    """The type of a file starting with ``head`` (``complete``: the whole file), or None.

    None means "not something we accept": unknown, ambiguous or markup.
    """
    if not head or looks_like_markup(head):
        return None
    for check in _BINARY_CHECKS:
        found = check(head)
        if found is not None:
            return found
    return TEXT if _is_text(head, complete=complete) else None


def _png(head: bytes) -> FileType | None:
    return PNG if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" else None


def _jpeg(head: bytes) -> FileType | None:
    return JPEG if head.startswith(b"\xff\xd8\xff") else None


def _gif(head: bytes) -> FileType | None:
    return GIF if head[:6] in (b"GIF87a", b"GIF89a") else None


def _webp(head: bytes) -> FileType | None:
    return WEBP if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None


def _pdf(head: bytes) -> FileType | None:
    return PDF if re.match(rb"%PDF-[12]\.\d", head) else None


def _mp4(head: bytes) -> FileType | None:
    return MP4 if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS else None


def _webm(head: bytes) -> FileType | None:
    """EBML (Matroska's container) whose DocType element says ``webm``."""
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 2 >= len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # only the one-byte size encoding is used for a DocType
        return None
    size = size_byte & 0x7F
    doctype = head[at + 3 : at + 3 + size].rstrip(b"\x00")
    return WEBM if doctype == b"webm" else None


def _mp3(head: bytes) -> FileType | None:
    if head.startswith(b"ID3"):
        # ID3v2.2-2.4 header: version, revision, flags, then a 28-bit "synchsafe" size.
        header = head[:10]
        if (
            len(header) == 10
            and header[3] in (2, 3, 4)
            and header[4] != 0xFF
            and all(b < 0x80 for b in header[6:10])
        ):
            return MP3
        return None
    # A bare MPEG audio frame header: sync bits, a real version, Layer III, a usable bitrate
    # and sample rate (which rules out AAC's ADTS frames, whose layer bits are 0).
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0b11
    if version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and rate != 0b11:
        return MP3
    return None


def _ogg(head: bytes) -> FileType | None:
    """Ogg whose first packet starts an audio codec (Theora video is not accepted)."""
    if not head.startswith(b"OggS") or len(head) < 28 or head[4] != 0:
        return None
    first_packet = 27 + head[26]
    if any(head.startswith(codec, first_packet) for codec in _OGG_AUDIO_CODECS):
        return OGG
    return None


def _zip(head: bytes) -> FileType | None:
    # A local file header, or the end record of an empty archive.
    return ZIP if head[:4] in (b"PK\x03\x04", b"PK\x05\x06") else None


_BINARY_CHECKS: tuple[Callable[[bytes], FileType | None], ...] = (
    _png,
    _jpeg,
    _gif,
    _webp,
    _pdf,
    _mp4,
    _webm,
    _mp3,
    _ogg,
    _zip,
)


def _is_text(head: bytes, *, complete: bool) -> bool:
    try:
        TextCheck().feed(head, final=complete)
    except NotText:
        return False
    return True


class TextCheck:
    """Checks a text upload chunk by chunk: UTF-8 throughout, no control characters.

    The decoder is incremental, so a character split across two chunks is not an error.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        try:
            text = self._decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            raise NotText("The file is not UTF-8 text") from exc
        if _TEXT_CONTROLS.search(text):
            raise NotText("The file contains control characters that text files do not have")
