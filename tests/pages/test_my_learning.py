"""/my-learning: the signed-in student's courses with progress; signed out, the sign-in form."""

from __future__ import annotations

import re
from datetime import date

from lms_rt.certificates.models import Certificate
from lms_rt.users.models import Role
from tests.factories import complete_lesson, course_lessons, create_course, create_user, enroll
from tests.pages.helpers import (
    same_site,
    session_cookie_value,
    set_cookies,
    sign_in,
    status_with_cookie,
)


async def test_signed_out_it_redirects_to_the_sign_in_form(client):
    response = await client.get("/my-learning", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/sign-in?next=%2Fmy-learning"
    # Following it: the form, which then leads back here.
    form = await client.get("/my-learning")
    assert form.url.path == "/sign-in"
    assert 'name="next" value="/my-learning"' in await form.text()


async def test_it_lists_the_students_courses_with_progress(client):
    instructor = await create_user(client, role=Role.INSTRUCTOR, full_name="Dr Hoda")
    student = await create_user(client)
    started = await create_course(client, instructor, title="Arabic calligraphy", lessons=4)
    fresh = await create_course(client, instructor, title="Tea <script>alert(1)</script>")
    not_mine = await create_course(client, instructor, title="Someone else's course")
    enrollment = await enroll(client, student, started)
    await enroll(client, student, fresh)
    await enroll(client, await create_user(client), not_mine)
    lessons = await course_lessons(started)
    await complete_lesson(client, student, enrollment, lessons[0])

    await sign_in(client, student.email)
    response = await client.get("/my-learning")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert "Arabic calligraphy" in html
    assert "Someone else&#39;s course" not in html and "Someone else's course" not in html
    # Autoescaped: the title is text, never markup.
    assert "Tea &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    card = _card(html, enrollment.id)
    assert 'max="100" value="25"' in card
    assert '<span data-field="completed">1</span>' in card
    assert '<span data-field="total">4</span>' in card
    lesson_link = f"/learn/{started.slug}/{lessons[1].slug}"
    assert f'Next: <a dir="auto" href="{lesson_link}">{lessons[1].title}</a>' in card
    assert 'by <span dir="auto">Dr Hoda</span>' in card
    assert f'aria-labelledby="course-{enrollment.id}"' in card
    assert f'data-user-id="{student.id}"' in html
    # The sign-out form, the token for scripts, and no inline script (CSP).
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert '<form method="post" action="/sign-out"' in html
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="module" src="/static/my-learning.js">'
    ]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_a_finished_course_links_its_certificate(client):
    instructor = await create_user(client, role=Role.INSTRUCTOR)
    student = await create_user(client)
    course = await create_course(client, instructor, title="Finished", lessons=1)
    enrollment = await enroll(client, student, course)
    [lesson] = await course_lessons(course)
    await complete_lesson(client, student, enrollment, lesson)
    certificate = await Certificate.create(
        enrollment_id=enrollment.id,
        student_id=student.id,
        course_id=course.id,
        number="LMS-TEST-0001",
        student_name=student.full_name,
        course_title=course.title,
        instructor_name=instructor.full_name,
        completion_date=date.today(),
        file_key="certificates/test.pdf",
    )
    await sign_in(client, student.email)
    html = await (await client.get("/my-learning")).text()
    card = _card(html, enrollment.id)
    assert 'value="100"' in card and "All lessons done" in card
    assert '<span class="badge" data-field="status">Completed</span>' in card
    assert f'href="/api/v1/certificates/{certificate.id}/download"' in card
    assert 'href="/verify/LMS-TEST-0001"' in card


async def test_no_enrollments_says_so(client):
    student = await create_user(client)
    await sign_in(client, student.email)
    html = await (await client.get("/my-learning")).text()
    assert "You are not enrolled in any course yet." in html


async def test_a_stale_cookie_is_cleared_on_the_way_to_the_form(client):
    student = await create_user(client)
    csrf = await sign_in(client, student.email)
    value = session_cookie_value(client)
    await client.post("/sign-out", data={"csrf_token": csrf}, headers=same_site(client))
    assert await status_with_cookie(client, "/my-learning", value) == 303
    client.session.cookie_jar.update_cookies(
        {"lms_session": value}, response_url=client.make_url("/")
    )
    response = await client.get("/my-learning", allow_redirects=False)
    assert response.status == 303
    assert set_cookies(response)["lms_session"]["lms_session"]["max-age"] == "0"


def _card(html: str, enrollment_id) -> str:
    start = html.index(f'data-enrollment-id="{enrollment_id}"')
    return html[start : html.index("</li>", start)]
