"""The instructor's course dashboard in Chromium: it follows the class live."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from lms_rt.users.models import Role
from tests.e2e.test_sign_in_flow import DESKTOP, PHONE, _check_page, _new_page
from tests.factories import (
    DEFAULT_PASSWORD,
    bearer,
    course_lessons,
    create_course,
    create_user,
    enroll,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]


async def _sign_in(page: Any, base: str, email: str, next_path: str) -> None:
    await page.goto(f"{base}{next_path}")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}{next_path}")


async def test_the_dashboard_updates_within_two_seconds(client, server, browser, output_dir):
    instructor = await create_user(client, role=Role.INSTRUCTOR, full_name="Dr Hoda Kamal")
    student = await create_user(client, full_name="Mona Salem")
    course = await create_course(client, instructor, title="Astronomy", lessons=3)
    enrollment = await enroll(client, student, course)
    lessons = await course_lessons(course)
    errors: list[str] = []
    page = await _new_page(browser, DESKTOP, errors)
    await _sign_in(page, server.url, instructor.email, f"/dashboard/courses/{course.id}")
    await page.get_by_role("heading", name="Astronomy").wait_for()
    await page.locator("#connection[data-state=live]").wait_for()
    # The progress chart starts with the one enrolled student at 0 %.
    first_bucket = page.locator("#progress-chart rect").first
    assert await first_bucket.get_attribute("data-value") == "1"

    async with aiohttp.ClientSession() as api:
        async with api.post(
            server.url + "/api/v1/auth/login",
            json={"email": student.email, "password": DEFAULT_PASSWORD},
        ) as response:
            token = (await response.json())["access_token"]
        # The student opens the course: they show as online on the dashboard.
        ws = await api.ws_connect(server.url.replace("http", "ws") + "/ws")
        await ws.send_json({"op": "auth", "token": token})
        await ws.send_json({"op": "sub", "id": 1, "channel": f"course:{course.id}"})
        await page.locator("#online li", has_text="Mona Salem").wait_for()

        url = f"{server.url}/api/v1/enrollments/{enrollment.id}/lessons/{lessons[0].id}/complete"
        began = time.monotonic()
        async with api.post(url, headers=bearer(token)) as response:
            assert response.status == 200, await response.text()
        await page.locator("#feed li", has_text="Mona Salem completed").wait_for(timeout=2000)
        await page.wait_for_function(
            "() => document.querySelector('#funnel-chart rect').dataset.value === '1'",
            timeout=2000,
        )
        assert time.monotonic() - began < 2.0
        await ws.close()
    await page.locator("#online li", has_text="Mona Salem").wait_for(state="detached")
    await _check_page(page, output_dir, "course-dashboard")
    assert errors == []

    phone = await _new_page(browser, PHONE, errors)
    await _sign_in(phone, server.url, instructor.email, f"/dashboard/courses/{course.id}")
    await _check_page(phone, output_dir, "course-dashboard-phone")

    # A student who is not staff of the course gets no dashboard.
    other = await _new_page(browser, DESKTOP, [])
    await _sign_in(other, server.url, student.email, "/my-learning")
    response = await other.goto(f"{server.url}/dashboard/courses/{course.id}")
    assert response is not None and response.status == 404
