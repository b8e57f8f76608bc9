"""A person signs in through the real page and lands on "My learning", in Chromium.

Checks what only a browser shows: the redirect chain, that every field has a label, that the
CSP lets the pages' own scripts run (no console errors), that the cookie opens the websocket
(a lesson completed elsewhere moves the progress bar live), that scripts reach the API with
the cookie and the CSRF token from the page, and that a phone-sized screen needs no sideways
scrolling. Screenshots of each page go to the test's ``test-output`` folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from lms_rt.users.models import Role
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import (
    DEFAULT_PASSWORD,
    bearer,
    course_lessons,
    create_course,
    create_user,
    enroll,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}

UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden")
    .filter((el) => !(el.labels && el.labels.length)
        && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
    .map((el) => el.name || el.id || el.outerHTML)"""

SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth > window.innerWidth"


async def _new_page(browser: Any, viewport: dict[str, int], errors: list[str]) -> Any:
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    # CSP refusals and script errors; statuses the test expects (401, 403) are checked where
    # they happen, and the page's own files must all load.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status != 200
            else None
        ),
    )
    return page


async def _check_page(page: Any, output: Path, name: str) -> None:
    assert await page.evaluate(UNLABELLED_FIELDS) == [], f"{name}: fields without labels"
    assert not await page.evaluate(SIDEWAYS_SCROLL), f"{name}: scrolls sideways"
    await page.screenshot(path=str(output / f"{name}.png"), full_page=True)


async def test_sign_in_lands_on_my_learning_with_live_progress(client, server, browser, output_dir):
    instructor = await create_user(client, role=Role.INSTRUCTOR, full_name="Dr Hoda Kamal")
    student = await create_user(client, full_name="Mona Salem")
    course = await create_course(client, instructor, title="Arabic calligraphy", lessons=3)
    other = await create_course(client, instructor, title="Not enrolled here")
    enrollment = await enroll(client, student, course)
    lessons = await course_lessons(course)
    errors: list[str] = []
    page = await _new_page(browser, DESKTOP, errors)

    # Signed out, "My learning" leads to the form.
    await page.goto(server.url + "/my-learning")
    assert page.url == server.url + "/sign-in?next=%2Fmy-learning"
    await _check_page(page, output_dir, "sign-in")

    # A wrong password: the form again, with the error announced.
    await page.get_by_label("Email address").fill(student.email)
    await page.get_by_label("Password").fill("not the password")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Sign in").click()
    assert (await posted.value).status == 401
    alert = page.get_by_role("alert")
    assert await alert.inner_text() == "Incorrect email or password."
    assert await page.get_by_label("Email address").input_value() == student.email
    await _check_page(page, output_dir, "sign-in-error")

    # The right one: on to where we were going.
    await page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(server.url + "/my-learning")
    await page.get_by_role("heading", name="My learning").wait_for()
    card = page.locator("li.course-card", has_text="Arabic calligraphy")
    await card.wait_for()
    assert await page.locator("li.course-card").count() == 1
    assert await page.get_by_text(other.title).count() == 0
    bar = card.get_by_role("progressbar", name="Arabic calligraphy")
    assert await bar.get_attribute("value") == "0"
    assert "Next: " + lessons[0].title in await card.inner_text()
    cookie = next(c for c in await page.context.cookies() if c["name"] == "lms_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert await page.evaluate("() => document.cookie") == "", "the session is not scriptable"

    # The websocket opened with the cookie: progress made elsewhere shows up live.
    await page.locator("#live-status").filter(has_text="Live updates on.").wait_for()
    async with aiohttp.ClientSession() as api:
        async with api.post(
            server.url + "/api/v1/auth/login",
            json={"email": student.email, "password": DEFAULT_PASSWORD},
        ) as response:
            token = (await response.json())["access_token"]
        url = f"{server.url}/api/v1/enrollments/{enrollment.id}/lessons/{lessons[0].id}/complete"
        async with api.post(url, headers=bearer(token)) as response:
            assert response.status == 200, await response.text()
    await page.wait_for_function(
        "() => document.querySelector('li.course-card progress').value === 33"
    )
    await card.get_by_text("Next: " + lessons[1].title).wait_for()
    await _check_page(page, output_dir, "my-learning")

    # Scripts reach the API with the cookie, and writes need the page's CSRF token.
    statuses = await page.evaluate(
        """async () => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const patch = (headers) => fetch("/api/v1/users/me", {
                method: "PATCH", credentials: "same-origin",
                headers: {"Content-Type": "application/json", ...headers},
                body: JSON.stringify({full_name: "Mona S."}),
            }).then((r) => r.status);
            return [await patch({}), await patch({"X-CSRF-Token": token})];
        }"""
    )
    assert statuses == [403, 200]

    # On a phone.
    phone = await _new_page(browser, PHONE, errors)
    await phone.context.add_cookies([cookie])
    await phone.goto(server.url + "/my-learning")
    await phone.get_by_role("heading", name="My learning").wait_for()
    await _check_page(phone, output_dir, "my-learning-phone")
    await phone.context.close()

    # Signing out in another tab ends the session and this tab's socket (4401): it says so.
    other_tab = await page.context.new_page()
    other_tab.set_default_timeout(TIMEOUT_MS)
    await other_tab.goto(server.url + "/my-learning")
    await other_tab.get_by_role("button", name="Sign out").click()
    await other_tab.wait_for_url(server.url + "/sign-in")
    await page.locator("#live-status").filter(has_text="You have been signed out.").wait_for()
    await page.goto(server.url + "/my-learning")
    assert page.url == server.url + "/sign-in?next=%2Fmy-learning"
    assert errors == []


async def test_the_sign_in_form_on_a_phone(client, server, browser, output_dir):
    errors: list[str] = []
    page = await _new_page(browser, PHONE, errors)
    await page.goto(server.url + "/sign-in")
    box = await page.get_by_label("Email address").bounding_box()
    assert box is not None and box["width"] > PHONE["width"] * 0.7
    button = await page.get_by_role("button", name="Sign in").bounding_box()
    assert button is not None and button["height"] >= 44
    await _check_page(page, output_dir, "sign-in-phone")
    assert errors == []
