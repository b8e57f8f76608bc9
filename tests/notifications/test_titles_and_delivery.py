"""What ``notify()`` does for every caller: titles cut to the column instead of failing the
action they announce, mail for every type whose user asked for it, preferences saved safely
by racing requests, and list offsets bounded."""

from __future__ import annotations

import asyncio

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.schemas import CourseCreate
from lms_rt.notifications.models import Notification, NotificationPreference
from lms_rt.notifications.service import TITLE_MAX, fit_title
from lms_rt.users.models import Role
from tests.factories import create_lesson, signed_in
from tests.quizzes.helpers import course_with_staff, create_quiz, save, single, start, submit
from tests.teaching.helpers import API, Recorder, delivered, drain, embedded, outbox

LONG = "Ω" * 200  # a title at the column's full length, in a two-byte character


def test_titles_are_cut_to_the_column_with_an_ellipsis():
    assert fit_title("Short") == "Short"
    assert fit_title("x" * TITLE_MAX) == "x" * TITLE_MAX
    cut = fit_title(f"Graded: {LONG}")
    assert len(cut) == TITLE_MAX and cut == f"Graded: {LONG}"[: TITLE_MAX - 1] + "…"
    # A base letter is never parted from its combining accent: both go.
    accented = "a" * (TITLE_MAX - 2) + "e\u0301" + "tail"
    assert fit_title(accented) == "a" * (TITLE_MAX - 2) + "…"
    # No space is left before the ellipsis.
    assert fit_title("word " * 60).endswith("word…")


async def _long_titled_course(client):
    """A published course whose title fills its column."""
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    deps = client.app[keys.DEPS]
    course = await courses.create_course(deps, teacher, CourseCreate(title=LONG))
    await create_lesson(client, course, title="The only lesson")
    return await courses.publish_course(deps, course), headers


async def _titles(user_id, kind) -> list[str]:
    return [n.title for n in await Notification.filter(user_id=user_id, type=kind)]


async def test_enrolling_in_a_course_with_a_long_title_succeeds(client):
    course, _ = await _long_titled_course(client)
    student, headers = await signed_in(client)
    response = await client.post(
        f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers
    )
    assert response.status == 201, await response.text()
    [title] = await _titles(student.id, "enrollment_confirmed")
    assert len(title) == TITLE_MAX and title.startswith("You are enrolled in ΩΩ")
    assert title.endswith("…")


async def test_a_quiz_with_a_long_title_can_be_submitted_and_graded(client):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff, course, [single()], title=LONG)
    student, headers = await signed_in(client)
    response = await client.post(
        f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers
    )
    assert response.status == 201, await response.text()
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (questions[0]["id"], "a"))
    submitted = await submit(client, attempt["id"], headers)
    assert submitted["status"] == "graded"
    [title] = await _titles(student.id, "grade_released")
    assert len(title) == TITLE_MAX and title == f"Graded: {LONG}"[: TITLE_MAX - 1] + "…"


async def test_an_announcement_with_long_titles_reaches_the_inbox(client):
    course, teacher_headers = await _long_titled_course(client)
    student, headers = await signed_in(client)
    await client.post(f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers)
    response = await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "Ψ" * 200, "body": "Read this."},
        headers=teacher_headers,
    )
    assert response.status == 201, await response.text()
    await delivered(client, (await response.json())["id"])
    [title] = await _titles(student.id, "announcement")
    assert len(title) == TITLE_MAX and title == f"{LONG}: {'Ψ' * 200}"[: TITLE_MAX - 1] + "…"


async def test_an_email_preference_mails_a_grade_and_leaves_the_inbox_alone(client, monkeypatch):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff, course, [single()], title="Fractions")
    student, headers = await signed_in(client)
    await client.post(f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers)
    response = await client.put(
        f"{API}/users/me/notification-preferences",
        json={"preferences": {"grade_released": "email"}},
        headers=headers,
    )
    assert response.status == 200
    recorded = Recorder(client, monkeypatch)
    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (questions[0]["id"], "a"))
    await submit(client, attempt["id"], headers)

    assert recorded.mails_to() == [student.email]
    assert await _titles(student.id, "grade_released") == []
    if embedded(client):
        await drain(client)
        [mail] = [m for m in outbox(client) if "Graded: Fractions" in m["Subject"]]
        assert mail["To"] == student.email


async def test_racing_preference_updates_all_succeed_and_keep_one_row_per_type(client):
    user, headers = await signed_in(client)
    choices = ["inbox", "email", "both", "none"] * 3
    responses = await asyncio.gather(
        *(
            client.put(
                f"{API}/users/me/notification-preferences",
                json={"preferences": {"announcement": choice, "grade_released": choice}},
                headers=headers,
            )
            for choice in choices
        )
    )
    assert [r.status for r in responses] == [200] * len(choices)
    rows = await NotificationPreference.filter(user_id=user.id).values_list("type", "delivery")
    assert sorted(t for t, _ in rows) == ["announcement", "grade_released"]
    # Each request wrote both types at once: whichever committed last left them equal.
    assert len({d for _, d in rows}) == 1
    shown = await client.get(f"{API}/users/me/notification-preferences", headers=headers)
    assert (await shown.json())["preferences"]["announcement"] == rows[0][1]


async def test_an_offset_past_any_database_is_refused_not_a_crash(client):
    _, headers = await signed_in(client)
    response = await client.get(f"{API}/notifications?offset={10**20}", headers=headers)
    assert response.status == 422, await response.text()
    [detail] = (await response.json())["error"]["details"]
    assert "offset" in str(detail)
    response = await client.get(f"{API}/notifications?offset=1000000000", headers=headers)
    assert response.status == 200
    assert (await response.json())["items"] == []
