"""Public verification: the JSON endpoint and the page the QR code leads to."""

from __future__ import annotations

import re
import uuid

from lms_rt.users.models import Role
from tests.certificates.helpers import API, complete_course, error_of, issue
from tests.factories import signed_in

VERIFY_KEYS = {
    "valid",
    "revoked",
    "number",
    "course_title",
    "student_name",
    "completion_date",
    "issued_at",
    "revoked_at",
}


async def test_json_shows_valid_then_revoked_and_nothing_private(client):
    done = await complete_course(client, student_name="محمد أحمد", course_title="Rust 101")
    certificate = await issue(client, done.enrollment)
    url = f"{API}/certificates/verify/{certificate.number}"

    response = await client.get(url)
    assert response.status == 200
    body = await response.json()
    assert set(body) == VERIFY_KEYS
    assert body == {
        "valid": True,
        "revoked": False,
        "number": certificate.number,
        "course_title": "Rust 101",
        "student_name": "محمد أحمد",
        "completion_date": certificate.completion_date.isoformat(),
        "issued_at": body["issued_at"],
        "revoked_at": None,
    }
    raw = await response.text()
    assert done.student.email not in raw and "@" not in raw
    ids = (certificate.id, done.student.id, done.course.id, done.enrollment.id)
    assert not any(str(i) in raw for i in ids)
    # Typed in lower case, it still matches (base32 is case-insensitive).
    lower = await client.get(f"{API}/certificates/verify/{certificate.number.lower()}")
    assert (await lower.json())["number"] == certificate.number

    _, admin = await signed_in(client, Role.ADMIN)
    revoke = await client.post(
        f"{API}/certificates/{certificate.id}/revoke", json={"reason": "fraud"}, headers=admin
    )
    assert revoke.status == 200
    body = await (await client.get(url)).json()
    assert (body["valid"], body["revoked"]) == (False, True)
    assert body["revoked_at"] is not None
    assert "fraud" not in await (await client.get(url)).text()


async def test_unknown_and_malformed_numbers_are_not_found(client):
    for number in ("LMS-2026-AAAA", "nope", "%2E%2E%2Fetc", "A" * 300, str(uuid.uuid4())):
        response = await client.get(f"{API}/certificates/verify/{number}")
        assert await error_of(response) == (404, "not_found"), number
        page = await client.get(f"/verify/{number}")
        assert page.status == 404 and page.content_type == "text/html", number
        assert "Not found" in await page.text()


async def test_page_shows_valid_then_revoked_with_the_date_escaped(client):
    done = await complete_course(
        client, student_name="Zoë <b>Ångström</b>", course_title="Rust & <i>Go</i>"
    )
    certificate = await issue(client, done.enrollment)
    page = await client.get(f"/verify/{certificate.number}")
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert 'data-state="valid"' in html
    assert "Zoë &lt;b&gt;Ångström&lt;/b&gt;" in html and "<b>Ångström" not in html
    assert "Rust &amp; &lt;i&gt;Go&lt;/i&gt;" in html
    assert certificate.completion_date.isoformat() in html
    assert certificate.number in html
    assert done.student.email not in html

    _, admin = await signed_in(client, Role.ADMIN)
    await client.post(
        f"{API}/certificates/{certificate.id}/revoke", json={"reason": "x"}, headers=admin
    )
    html = await (await client.get(f"/verify/{certificate.number}")).text()
    assert 'data-state="revoked"' in html and 'data-state="valid"' not in html
    revoked_on = re.search(r'revoked on <time datetime="([^"]+)">(\d{4}-\d{2}-\d{2})<', html)
    assert revoked_on is not None, html


async def test_verification_is_rate_limited_per_client_across_json_and_page(make_client):
    client = await make_client(certificate_verifications="3/minute")
    for _ in range(2):
        assert (await client.get(f"{API}/certificates/verify/LMS-2026-NONE")).status == 404
    assert (await client.get("/verify/LMS-2026-NONE")).status == 404
    response = await client.get(f"{API}/certificates/verify/LMS-2026-NONE")
    assert await error_of(response) == (429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    page = await client.get("/verify/LMS-2026-NONE")
    assert page.status == 429 and page.content_type == "text/html"
    assert int(page.headers["Retry-After"]) >= 1
    # Other endpoints are not affected by this budget.
    assert (await client.get("/health")).status == 200
