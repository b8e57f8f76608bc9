"""The PDF itself: every printed fact, a QR code of the verification URL, any script."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import segno

from lms_rt.certificates.numbers import new_number
from lms_rt.certificates.pdf import (
    QR_BORDER,
    QR_SIDE,
    CertificateText,
    human_date,
    render_certificate,
)
from tests.certificates.helpers import drawn_characters, pdf_links, pdf_text, qr_cells

ARABIC_NAME = "محمد أحمد"
LATIN_NAME = "Zoë Ångström"


def text_for(name: str, title: str = "Data Science 101") -> CertificateText:
    number = new_number("LMS", 2026)
    return CertificateText(
        number=number,
        student_name=name,
        course_title=title,
        instructor_name="Dr. Ada Lovelace",
        completion_date=date(2026, 11, 29),
        verify_url=f"https://lms.example/verify/{number}",
    )


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", [LATIN_NAME, ARABIC_NAME])
def test_the_name_round_trips_and_the_font_has_its_glyphs(name):
    printed = text_for(name)
    data = render_certificate(printed)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    # DESIGN §7: the extracted text holds the name, in logical or visual order.
    assert name in text or name[::-1] in text or compact(name) in compact(text), text
    fonts = drawn_characters(data)
    assert any("DejaVu" in font for font in fonts), fonts
    # Every letter of the name has a real outline in one of the embedded fonts.
    drawn = set().union(*fonts.values())
    assert set(name.replace(" ", "")) <= drawn, set(name) - drawn


def test_every_fact_is_printed_with_a_qr_link_to_the_verification_page():
    printed = text_for(LATIN_NAME, title="Arabic calligraphy: الخط العربي")
    data = render_certificate(printed)
    text = pdf_text(data)
    for fact in (
        printed.course_title,
        printed.instructor_name,
        human_date(printed.completion_date),
        printed.number,
        printed.verify_url,
    ):
        assert fact in text, (fact, text)
    assert printed.verify_url in pdf_links(data)


def test_the_qr_code_drawn_is_the_verification_url():
    printed = text_for(LATIN_NAME)
    data = render_certificate(printed)
    matrix = segno.make(printed.verify_url, error="m", micro=False).matrix
    expected = {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}
    assert qr_cells(data, QR_SIDE, len(matrix) + 2 * QR_BORDER) == expected


def test_very_long_names_and_titles_still_fit_one_page():
    data = render_certificate(text_for("Bartholomew " * 16, title="Machine learning " * 11))
    assert "Bartholomew" in pdf_text(data)


async def test_rendering_runs_off_the_event_loop(monkeypatch, settings):
    """The PDF is drawn in a worker thread, never on the thread that runs the event loop."""
    from lms_rt.certificates import issuing

    threads: list[int] = []

    def recording(text):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return render_certificate(text)

    monkeypatch.setattr(issuing, "render_certificate", recording)
    monkeypatch.setattr(issuing, "printed_text", lambda settings, certificate: text_for("Mona"))
    data = await issuing.render_pdf(settings, None)  # type: ignore[arg-type]
    assert "Mona" in pdf_text(data)
    assert threads and threads[0] != threading.get_ident()
