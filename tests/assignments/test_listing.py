"""The staff's list of submissions: newest attempt per student, filters, pages and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from tests.assignments.helpers import (
    API,
    assignment_course,
    enrolled,
    graded,
    submitted,
)
from tests.quizzes.helpers import Clock

DUE = datetime(2030, 9, 1, 12, tzinfo=UTC)


async def _list(client, setup, query: str = "") -> dict:
    response = await client.get(
        f"{API}/assignments/{setup.assignment['id']}/submissions{query}",
        headers=setup.teacher_headers,
    )
    assert response.status == 200, await response.text()
    return await response.json()


async def test_newest_attempt_per_student_with_filters_and_pages(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(days=1))
    setup = await assignment_course(
        client, due_at=DUE, late_policy="accept", late_days=5, late_penalty_percent=10
    )
    ada, ada_headers = await enrolled(client, setup, full_name="Ada")
    ben, ben_headers = await enrolled(client, setup, full_name="Ben")
    cy, cy_headers = await enrolled(client, setup, full_name="Cy")
    await enrolled(client, setup, full_name="Dee")  # hands nothing in
    ada_first = await submitted(client, setup, ada_headers, body="one")
    clock.move(hours=1)
    ada_second = await submitted(client, setup, ada_headers, body="two")
    clock.move(hours=1)
    ben_only = await submitted(client, setup, ben_headers)
    await graded(client, ben_only["id"], setup.teacher_headers, raw_score=90)
    clock.set(DUE + timedelta(hours=2))
    cy_late = await submitted(client, setup, cy_headers)

    page = await _list(client, setup)
    assert page["total"] == 3
    assert [s["id"] for s in page["items"]] == [ada_second["id"], ben_only["id"], cy_late["id"]]
    assert page["items"][0]["student"]["full_name"] == "Ada"
    every = await _list(client, setup, "?all_attempts=true")
    assert every["total"] == 4 and every["items"][0]["id"] == ada_first["id"]

    waiting = await _list(client, setup, "?status=submitted")
    assert [s["student"]["id"] for s in waiting["items"]] == [str(ada.id), str(cy.id)]
    late = await _list(client, setup, "?late=true")
    assert [s["id"] for s in late["items"]] == [cy_late["id"]]
    on_time = await _list(client, setup, "?late=false")
    assert on_time["total"] == 2
    by_student = await _list(client, setup, f"?student_id={ben.id}")
    assert [s["score"] for s in by_student["items"]] == [90]
    second_page = await _list(client, setup, "?limit=2&offset=2")
    assert second_page["total"] == 3 and [s["id"] for s in second_page["items"]] == [cy_late["id"]]
    response = await client.get(
        f"{API}/assignments/{setup.assignment['id']}/submissions?status=lost",
        headers=setup.teacher_headers,
    )
    assert response.status == 422

    staff_view = await client.get(
        f"{API}/assignments/{setup.assignment['id']}", headers=setup.teacher_headers
    )
    figures = await staff_view.json()
    assert (figures["students_submitted"], figures["awaiting_grading"]) == (3, 2)


async def test_csv_neutralises_cells_a_spreadsheet_would_run(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup, full_name='=HYPERLINK("http://evil","x")')
    _, plain_headers = await enrolled(client, setup, full_name="Plain Name")
    mine = await submitted(client, setup, headers, body="", url="https://example.org/a")
    await submitted(client, setup, plain_headers)
    await graded(client, mine["id"], setup.teacher_headers, raw_score=50, feedback="+1 well done")

    response = await client.get(
        f"{API}/assignments/{setup.assignment['id']}/submissions?format=csv",
        headers=setup.teacher_headers,
    )
    assert response.status == 200
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    by_name = {row["student_name"]: row for row in rows}
    assert set(by_name) == {'\'=HYPERLINK("http://evil","x")', "Plain Name"}
    evil = by_name['\'=HYPERLINK("http://evil","x")']
    assert evil["feedback"] == "'+1 well done"
    assert (evil["raw_score"], evil["score"], evil["max_points"]) == ("50.0", "50.0", "100.0")
    assert evil["url"] == "https://example.org/a" and evil["status"] == "graded"
    assert by_name["Plain Name"]["score"] == ""
