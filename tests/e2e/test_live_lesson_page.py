"""A live lesson in Chromium: the host moves the class through steps, a late joiner lands on
the current one, chat and questions with upvotes flow both ways, hands reach the host."""

from __future__ import annotations

from typing import Any

import pytest

from lms_rt.users.models import Role
from tests.e2e.test_course_dashboard import _sign_in
from tests.e2e.test_sign_in_flow import DESKTOP, PHONE, _check_page, _new_page
from tests.factories import create_course, create_user, enroll, signed_in
from tests.live.helpers import live_lesson

pytestmark = [pytest.mark.services, pytest.mark.slow]


async def _join(browser: Any, server: Any, student: Any, code: str) -> Any:
    page = await _new_page(browser, PHONE, [])
    await _sign_in(page, server.url, student.email, "/live/play")
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Join").click()
    await page.wait_for_url(f"{server.url}/live/lesson/**")
    await page.locator("#status", has_text="Connected").wait_for()
    return page


async def test_a_live_lesson_in_three_browsers(client, server, browser, output_dir):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR, full_name="Dr Hoda Kamal")
    course = await create_course(client, teacher, title="Poetry")
    session = await live_lesson(client, headers, course)
    early = await create_user(client, full_name="Dalia")
    late = await create_user(client, full_name="Emad")
    for student in (early, late):
        await enroll(client, student, course)

    host = await _new_page(browser, DESKTOP, [])
    await _sign_in(host, server.url, teacher.email, f"/live/lesson/{session['id']}")
    await host.locator("#status", has_text="Connected").wait_for()
    dalia = await _join(browser, server, early, session["join_code"])
    await host.get_by_role("button", name="Start").click()
    for _ in range(2):
        await host.get_by_role("button", name="Next step").click()
    await dalia.locator("#step-index", has_text="2").wait_for()

    # A late joiner lands on the current step.
    emad = await _join(browser, server, late, session["join_code"])
    await emad.locator("#step-index", has_text="2").wait_for()
    await host.locator("#room li", has_text="Emad").wait_for()

    await dalia.get_by_label("Message").fill("<b>hello</b> everyone")
    await dalia.get_by_role("button", name="Send").click()
    await host.locator("#chat li", has_text="Dalia: <b>hello</b> everyone").wait_for()
    assert await host.locator("#chat b").count() == 0  # shown as text, never as markup

    await emad.get_by_label("Your question").fill("Why does it rhyme?")
    await emad.get_by_role("button", name="Ask").click()
    question = dalia.locator("#questions li", has_text="Why does it rhyme?")
    await question.wait_for()
    await question.get_by_role("button", name="Upvote (0)").click()
    await host.locator("#questions li", has_text="▲ 1").wait_for()
    await host.get_by_role("button", name="Mark answered").click()
    await emad.locator("#questions li", has_text="answered").wait_for()

    await emad.get_by_role("button", name="Raise hand").click()
    await host.locator("#hands li", has_text="Emad").wait_for()
    await emad.get_by_role("button", name="Lower hand").click()
    await host.locator("#hands li", has_text="Emad").wait_for(state="detached")

    for name, page in (("live-lesson-host", host), ("live-lesson-player", emad)):
        await _check_page(page, output_dir, name)
