"""Drawing a certificate as a one-page PDF with fpdf2 (pure and blocking: call it in a thread).

Names and titles may be in any script. The DejaVu Sans font that ships in ``web/fonts`` is
embedded (subset) so every reader shows the same glyphs, and fpdf2's text shaping (HarfBuzz
through ``uharfbuzz``) joins Arabic letters and lays right-to-left runs out in visual order
while the text layer keeps them in logical order for copy, search and screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from lms_rt.paths import WEB_DIR

FONTS_DIR = WEB_DIR / "fonts"
REGULAR_FONT = FONTS_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"

# A4 landscape, in millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 22.0
TEXT_W = PAGE_W - 2 * MARGIN
# The QR code's side: big enough for a phone camera at arm's length from a printout.
QR_SIDE = 34.0
# Quiet zone around the code, in modules; the blank page around it widens it further.
QR_BORDER = 2
INK = (30, 41, 59)
ACCENT = (37, 99, 235)
MUTED = (100, 116, 139)


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on the certificate, as it is printed."""

    number: str
    student_name: str
    course_title: str
    instructor_name: str
    completion_date: date
    verify_url: str


def human_date(day: date) -> str:
    # Spelled out in English rather than with strftime("%B"), which follows the process locale.
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def render_certificate(text: CertificateText) -> bytes:
    pdf = _new_document(text)
    _frame(pdf)
    pdf.set_y(MARGIN + 12)
    _line(pdf, "CERTIFICATE OF COMPLETION", size=26, bold=True, color=ACCENT, height=14)
    pdf.ln(6)
    _line(pdf, "This certifies that", size=14, color=MUTED, height=9)
    pdf.ln(2)
    _fitted(pdf, text.student_name, size=30, smallest=14, bold=True, max_lines=2)
    pdf.ln(3)
    _line(pdf, "has successfully completed the course", size=14, color=MUTED, height=9)
    pdf.ln(2)
    _fitted(pdf, text.course_title, size=22, smallest=12, bold=True, max_lines=3)
    _footer(pdf, text)
    return bytes(pdf.output())


def _new_document(text: CertificateText) -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FAMILY, "", str(_font(REGULAR_FONT)))
    pdf.add_font(FAMILY, "B", str(_font(BOLD_FONT)))
    pdf.set_text_shaping(True)
    pdf.set_title(f"Certificate {text.number}")
    pdf.set_subject(f"{text.course_title}: {text.student_name}")
    pdf.set_creator("lms_rt")
    pdf.add_page()
    return pdf


def _font(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"certificate font missing: {path} (it ships in web/fonts)")
    return path


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, PAGE_W - 28, PAGE_H - 28)


def _style(pdf: FPDF, size: float, bold: bool, color: tuple[int, int, int]) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)


def _line(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    height: float,
    bold: bool = False,
    color: tuple[int, int, int] = INK,
) -> None:
    _style(pdf, size, bold, color)
    pdf.set_x(MARGIN)
    pdf.cell(TEXT_W, height, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fitted(
    pdf: FPDF, text: str, *, size: float, smallest: float, bold: bool, max_lines: int
) -> None:
    """Centred text at the largest size (down to ``smallest``) that fits in ``max_lines``."""
    while True:
        _style(pdf, size, bold, INK)
        lines = pdf.multi_cell(TEXT_W, text=text, dry_run=True, output="LINES")
        if size <= smallest or (isinstance(lines, list) and len(lines) <= max_lines):
            break
        size -= 1
    pdf.set_x(MARGIN)
    # Line height about 1.4 times the font size (1 pt is 0.353 mm).
    pdf.multi_cell(TEXT_W, size * 0.5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _footer(pdf: FPDF, text: CertificateText) -> None:
    bottom = PAGE_H - MARGIN - 4
    column = 95.0
    top = bottom - QR_SIDE
    for index, (label, value) in enumerate(
        (
            ("Instructor", text.instructor_name),
            ("Date of completion", human_date(text.completion_date)),
        )
    ):
        x = MARGIN + 4 + index * (column + 6)
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.3)
        pdf.line(x, top + 14, x + column, top + 14)
        _style(pdf, 12, True, INK)
        pdf.set_xy(x, top + 6)
        pdf.cell(column, 7, _clip(pdf, value, column), align=Align.C)
        _style(pdf, 9, False, MUTED)
        pdf.set_xy(x, top + 16)
        pdf.cell(column, 5, label, align=Align.C)
    qr_x = PAGE_W - MARGIN - 4 - QR_SIDE
    _qr(pdf, text.verify_url, qr_x, top, QR_SIDE)
    _style(pdf, 8, False, MUTED)
    pdf.set_xy(MARGIN + 4, bottom - 10)
    pdf.cell(qr_x - MARGIN - 10, 5, f"Certificate number: {text.number}", align=Align.L)
    pdf.set_xy(MARGIN + 4, bottom - 5)
    pdf.cell(
        qr_x - MARGIN - 10, 5, f"Verify at {text.verify_url}", align=Align.L, link=text.verify_url
    )


def _clip(pdf: FPDF, value: str, width: float) -> str:
    """One line under a signature rule: a very long name is cut with an ellipsis."""
    if pdf.get_string_width(value) <= width:
        return value
    while value and pdf.get_string_width(value + "…") > width:
        value = value[:-1]
    return value + "…"


def _qr(pdf: FPDF, url: str, x: float, y: float, side: float) -> None:
    """The QR code drawn as vector squares: sharp at any zoom, no image decoder involved."""
    code = segno.make(url, error="m", micro=False)
    border = QR_BORDER
    matrix = code.matrix
    modules = len(matrix) + 2 * border
    unit = side / modules
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + (row_index + border) * unit
        start: int | None = None
        # Adjacent dark modules in a row become one rectangle: fewer objects, no hairline gaps.
        for col_index, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                left = x + (start + border) * unit
                pdf.rect(left, top, (col_index - start) * unit, unit, style="F")
                start = None
    pdf.link(x, y, side, side, url)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
