"""The gradebook as CSV: one line per student, a column per item, category and the final.

Cells are percentages (two decimals; empty when left out). Every text cell, headers included
(item titles are typed by staff), goes through :func:`safe_cell`, so nothing runs as a formula.
"""

from __future__ import annotations

from aiohttp import web

from lms_rt.gradebook.book import Book
from lms_rt.http.csv_export import csv_response, safe_cell


def gradebook_csv(book: Book) -> web.Response:
    columns = book.columns
    header = [
        "student_name",
        "email",
        *(f"{c.title} [{c.key}]" for c in columns),
        *(f"{c.name} (category %)" for c in book.rules.categories),
        "final_percentage",
        "letter",
    ]
    rows = (
        [
            row.full_name,
            row.email,
            *(_number(row.cells[c.key].percentage) for c in columns),
            *(_number(c.percentage) for c in row.categories),
            _number(row.final_percentage),
            row.letter or "",
        ]
        for row in book.rows
    )
    return csv_response(
        f"gradebook-{book.course_id}.csv", [str(safe_cell(h)) for h in header], rows
    )


def _number(value: float | None) -> object:
    return "" if value is None else value
