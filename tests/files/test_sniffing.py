"""Types come from bytes: each accepted format is recognised, look-alikes and markup are not."""

from __future__ import annotations

import pytest

from lms_rt.files import sniffing
from lms_rt.files.sniffing import NotText, TextCheck, sniff
from tests.files import helpers


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (helpers.png, sniffing.PNG),
        (helpers.jpeg, sniffing.JPEG),
        (helpers.gif, sniffing.GIF),
        (helpers.webp, sniffing.WEBP),
        (helpers.pdf, sniffing.PDF),
        (helpers.mp4, sniffing.MP4),
        (helpers.webm, sniffing.WEBM),
        (helpers.mp3, sniffing.MP3),
        (helpers.ogg, sniffing.OGG),
        (helpers.zip_archive, sniffing.ZIP),
        (helpers.text, sniffing.TEXT),
    ],
)
def test_each_accepted_format_is_recognised(sample, expected):
    assert sniff(sample(), complete=True) is expected


def test_a_bare_mp3_frame_is_audio_but_aac_is_not():
    assert sniff(b"\xff\xfb\x90\x64" + bytes(100), complete=True) is sniffing.MP3
    # ADTS (AAC) shares the sync bits but has layer 0.
    assert sniff(b"\xff\xf1\x50\x80" + bytes(100), complete=True) is None


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  \n<html><body onload=alert(1)>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf<p>a fragment</p>",
        # Valid magic numbers do not excuse markup right behind them.
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        helpers.png(16) + b"<svg onload=alert(1)>",
    ],
)
def test_markup_is_refused_whatever_it_starts_with(data):
    assert sniff(data, complete=True) is None


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"\x7fELF\x02\x01\x01",  # a Linux one
        b"\x00\x00\x00\x20ftypqt  ",  # QuickTime, not MP4
        b"\x00\x00\x00\x20ftypheic",  # HEIF image
        b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska",  # Matroska, not WebM
        b"OggS\x00\x02" + bytes(20) + b"\x01\x2a\x80theora",  # Ogg video
        "UTF-16 text".encode("utf-16"),
        b"text with a NUL \x00 inside",
        b"text with an escape \x1b[31m",
        b"\xc3\x28 invalid UTF-8",
    ],
)
def test_unaccepted_or_ambiguous_content_is_refused(data):
    assert sniff(data, complete=True) is None


def test_a_pdf_header_not_at_the_start_makes_text_not_a_pdf():
    assert sniff(b"  %PDF-1.4 not at the start", complete=True) is sniffing.TEXT


def test_text_cut_inside_a_character_is_still_text_until_the_end():
    data = "é".encode() * 10
    assert sniff(data[:-1], complete=False) is sniffing.TEXT
    assert sniff(data[:-1], complete=True) is None


def test_text_check_follows_a_stream_across_chunks():
    check = TextCheck()
    check.feed("ü".encode()[:1])
    check.feed("ü".encode()[1:] + b"fine")
    check.feed(b"", final=True)
    with pytest.raises(NotText):
        TextCheck().feed(b"binary \x00 later")
