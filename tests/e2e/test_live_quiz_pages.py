"""A host and three players, each in their own browser context, play a three-question live
quiz to the podium in Chromium; one player reloads mid-question, one has a skewed clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from lms_rt.live.models import LiveSession
from lms_rt.users.models import Role
from tests.e2e.test_course_dashboard import _sign_in
from tests.e2e.test_sign_in_flow import DESKTOP, PHONE, _check_page, _new_page
from tests.factories import create_course, create_user, enroll, signed_in
from tests.live.helpers import live_quiz
from tests.quizzes.helpers import single

pytestmark = [pytest.mark.services, pytest.mark.slow]

# The second player's browser clock runs 90 s fast; the countdown must not follow it.
SKEW_MS = 90_000
SKEWED_CLOCK = f"""(() => {{
  const skew = {SKEW_MS};
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + skew;
}})();"""


async def _player(browser: Any, server: Any, student: Any, code: str, *, skewed: bool = False):
    errors: list[str] = []
    page = await _new_page(browser, PHONE, errors)
    if skewed:
        await page.context.add_init_script(SKEWED_CLOCK)
    await _sign_in(page, server.url, student.email, "/live/play")
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Join").click()
    await page.wait_for_url(f"{server.url}/live/play/**")
    await page.locator("#status", has_text="Connected").wait_for()
    return page, errors


async def test_a_live_quiz_in_four_browsers(client, server, browser, output_dir):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR, full_name="Dr Hoda Kamal")
    course = await create_course(client, teacher, title="Geography")
    session, _ = await live_quiz(
        client,
        teacher_headers,
        course,
        [single(correct="a"), single(correct="b"), single(correct="c")],
        seconds_per_question=20,
    )
    players = []
    for name in ("Amal", "Badr", "Chadi"):
        student = await create_user(client, full_name=name)
        await enroll(client, student, course)
        players.append(student)

    host_errors: list[str] = []
    host = await _new_page(browser, DESKTOP, host_errors)
    await _sign_in(host, server.url, teacher.email, f"/live/host/{session['id']}")
    await host.locator("#status", has_text="Connected").wait_for()
    pages = []
    for index, student in enumerate(players):
        pages.append(
            await _player(browser, server, student, session["join_code"], skewed=index == 1)
        )
    await host.locator("#players", has_text="3").wait_for()
    await host.get_by_role("button", name="Start").click()

    # Amal is always right, Badr right on the first two, Chadi never.
    picks = [("two", "two", "four"), ("four", "four", "two"), ("five", "two", "two")]
    for number, row in enumerate(picks):
        await host.get_by_role("button", name="Next question").click()
        for page, _ in pages:
            await page.locator("#choices button").first.wait_for()
        if number == 1:
            # Chadi reloads mid-question: the snapshot brings the question back.
            chadi = pages[2][0]
            await chadi.reload()
            await chadi.locator("#choices button").first.wait_for()
            # The skewed browser counts down by the server's clock (within a second).
            live = await LiveSession.get(id=session["id"])
            expected = (live.closes_at - datetime.now(UTC)).total_seconds()
            shown = int(await pages[1][0].locator("#countdown").get_attribute("data-remaining"))
            assert abs(shown - expected) <= 1.0, (shown, expected)
        for (page, _), choice in zip(pages, row, strict=True):
            await page.get_by_role("button", name=choice, exact=True).click()
            await page.locator("#result", has_text="Answer received.").wait_for()
        await host.locator("#answered", has_text="3").wait_for()
        await host.get_by_role("button", name="Close question").click()
        await host.locator("#countdown", has_text="closed").wait_for()
        for page, _ in pages:
            await page.locator("#countdown", has_text="closed").wait_for()
    await pages[0][0].locator("#result", has_text="Correct!").wait_for()
    await pages[2][0].locator("#result", has_text="Not this time.").wait_for()
    await _check_page(host, output_dir, "live-host")

    await host.get_by_role("button", name="End").click()
    for page in [host, *(p for p, _ in pages)]:
        podium = page.locator("#podium li")
        await podium.nth(2).wait_for()
        names = [text.split(" — ")[0] for text in await podium.all_inner_texts()]
        assert names == ["Amal", "Badr", "Chadi"]
    for index, (page, errors) in enumerate(pages):
        await _check_page(page, output_dir, f"live-player-{index + 1}")
        assert errors == []
    assert host_errors == []
    assert (await pages[0][0].locator("#rank").inner_text()).startswith("1 of")
