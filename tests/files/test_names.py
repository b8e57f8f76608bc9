"""Client filenames become harmless labels."""

from __future__ import annotations

import pytest

from lms_rt.files import sniffing
from lms_rt.files.names import (
    MAX_NAME_BYTES,
    ascii_fallback,
    content_disposition,
    download_name,
    sanitize_filename,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.png", "evil.png"),
        ("/absolute/path/photo.png", "photo.png"),
        ("..", "file"),
        ("", "file"),
        (None, "file"),
        ("a\x00b.png", "ab.png"),
        ("tab\tand\nnew  line.txt", "tab and new line.txt"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u2066isolate\u2069d.pdf", "isolated.pdf"),
        ('what?<is>:this|"*.txt', "what__is__this___.txt"),
        (".hidden", "hidden"),
        ("trailing. . .", "trailing"),
        ("CON.txt", "_CON.txt"),
        ("سجل الدرجات.pdf", "سجل الدرجات.pdf"),
    ],
)
def test_sanitize(raw, expected):
    assert sanitize_filename(raw) == expected


def test_long_names_are_capped_in_bytes_keeping_the_extension():
    name = sanitize_filename("a" * 296 + ".png")
    assert len(name.encode()) == MAX_NAME_BYTES and name.endswith(".png")
    arabic = sanitize_filename("ملف" * 100 + ".pdf")
    assert len(arabic.encode()) <= MAX_NAME_BYTES
    assert arabic.endswith(".pdf") and arabic.startswith("ملف")
    arabic.encode().decode()  # cut at a character boundary


def test_download_names_carry_the_detected_type():
    assert download_name("photo.png", sniffing.PDF) == "photo.pdf"
    assert download_name("report.v2", sniffing.PDF) == "report.v2.pdf"
    assert download_name("page.html", sniffing.TEXT) == "page.html.txt"
    assert download_name("notes.md", sniffing.TEXT) == "notes.md"
    assert download_name("slides.pptx", sniffing.ZIP) == "slides.pptx"
    assert download_name("clip.JPG", sniffing.JPEG) == "clip.JPG"


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    header = content_disposition('Résumé "final".pdf')
    assert header.startswith('attachment; filename="Resume _final.pdf"; ')
    assert header.endswith("filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf")
    assert ascii_fallback("سجل.pdf") == "download.pdf"
    assert header.isascii()
