"""Markdown that staff write reaches other users only through the sanitiser: every known
script-injection payload, through every field and rendering path, comes out inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms_rt.content.markdown import render_markdown
from lms_rt.http.headers import PAGE_CSP
from lms_rt.paths import STATIC_DIR, TEMPLATES_DIR
from lms_rt.users.models import Role
from tests.assignments.helpers import assignment_course, enrolled, graded, submitted
from tests.content.xss import PAYLOADS, unsafe_parts
from tests.factories import create_course, create_user, enroll, signed_in
from tests.pages.helpers import sign_in
from tests.quizzes.helpers import course_with_staff, create_quiz, single, socket, student_in

API = "/api/v1"
CORPUS = "\n\n".join(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_inert(payload):
    rendered = render_markdown(payload)
    assert unsafe_parts(rendered) == [], rendered


def test_markdown_and_the_safe_subset_still_render():
    rendered = render_markdown(
        '# Week 1\n\n**Read** [the notes](https://example.org/notes "Notes") and '
        "<mark>highlight</mark>.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <b>\n```"
    )
    assert "<h1>Week 1</h1>" in rendered
    assert "<strong>Read</strong>" in rendered
    assert (
        '<a href="https://example.org/notes" title="Notes" rel="noopener nofollow">the notes</a>'
        in rendered
    )
    assert "<mark>highlight</mark>" in rendered and "<td>2</td>" in rendered
    assert "code &lt;b&gt;" in rendered  # code is text, not markup
    assert unsafe_parts(rendered) == []


def test_the_checker_catches_what_it_looks_for():
    """The structural check would notice each kind of unsafe output."""
    assert unsafe_parts("<script>x</script>")
    assert unsafe_parts('<img src="x" onerror="y">')
    assert unsafe_parts('<a href="javascript:alert(1)" rel="noopener nofollow">x</a>')
    assert unsafe_parts('<a href="https://a.org">no rel</a>')
    assert unsafe_parts('<p style="color:red">x</p>')
    assert unsafe_parts('<img src="data:image/png;base64,AA">')


async def test_lesson_and_course_text_through_the_api(client):
    _, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    response = await client.post(
        f"{API}/courses",
        json={"title": "Safe course", "description": CORPUS},
        headers=teacher_headers,
    )
    assert response.status == 201, await response.text()
    course = await response.json()
    response = await client.post(
        f"{API}/courses/{course['id']}/lessons",
        json={
            "title": "Payloads",
            "description": CORPUS,
            "content": CORPUS,
            "is_published": True,
            "is_preview": True,
        },
        headers=teacher_headers,
    )
    assert response.status == 201, await response.text()
    lesson = await response.json()
    assert lesson["content"] == CORPUS  # stored as written
    await client.post(f"{API}/courses/{course['id']}/publish", headers=teacher_headers)

    _, student_headers = await signed_in(client)
    response = await client.get(f"{API}/courses/{course['slug']}", headers=student_headers)
    detail = await response.json()
    assert detail["description"] == CORPUS
    assert unsafe_parts(detail["description_html"]) == []
    shown = await (
        await client.get(
            f"{API}/courses/{course['id']}/lessons/{lesson['id']}", headers=student_headers
        )
    ).json()
    for field in ("content_html", "description_html"):
        assert shown[field] and unsafe_parts(shown[field]) == [], field


async def test_announcements_through_the_api_and_the_socket(client):
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    student, student_headers = await signed_in(client)
    await enroll(client, student, course)
    ws = await socket(client, student_headers, f"course:{course.id}")
    response = await client.post(
        f"{API}/courses/{course.id}/announcements",
        json={"title": "Read me", "body": CORPUS},
        headers=teacher_headers,
    )
    assert response.status == 201, await response.text()
    created = await response.json()
    assert created["body"] == CORPUS and unsafe_parts(created["body_html"]) == []
    event = await ws.expect("event")
    while event["type"] != "announcement.published":
        event = await ws.expect("event")
    assert unsafe_parts(event["data"]["body_html"]) == []
    [listed] = (
        await (
            await client.get(f"{API}/courses/{course.id}/announcements", headers=student_headers)
        ).json()
    )["items"]
    assert unsafe_parts(listed["body_html"]) == []
    await ws.close()


def _user_content(page: str) -> list[str]:
    """The blocks of staff-written HTML (the sanitiser keeps no ``div``, so none nest)."""
    blocks = re.findall(r'<div class="[^"]*user-content[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert len(blocks) == 2, page
    return blocks


async def test_the_lesson_page_shows_sanitised_content_under_a_strict_csp(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="<script>alert('title')</script>")
    from tests.factories import create_lesson

    lesson = await create_lesson(
        client, course, title="<img src=x onerror=alert(1)>", content=CORPUS, description=CORPUS
    )
    student = await create_user(client)
    await enroll(client, student, course)
    await sign_in(client, student.email)
    response = await client.get(f"/learn/{course.slug}/{lesson.slug}")
    assert response.status == 200
    page = await response.text()
    for block in _user_content(page):
        assert unsafe_parts(block) == []
    # Titles are plain text: escaped, never markup.
    assert "<script>alert(&#39;title&#39;)</script>" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page.lower()
    csp = response.headers["Content-Security-Policy"]
    assert csp == PAGE_CSP and "script-src 'self'" in csp and "unsafe-inline" not in csp


async def test_the_lesson_page_keeps_its_rules(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher)
    from tests.factories import course_lessons

    lesson = (await course_lessons(course))[0]
    outsider = await create_user(client)
    response = await client.get(f"/learn/{course.slug}/{lesson.slug}", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/sign-in?next=")
    await sign_in(client, outsider.email)
    response = await client.get(f"/learn/{course.slug}/{lesson.slug}")
    assert response.status == 403 and "Enroll" in await response.text()
    response = await client.get(f"/learn/{course.slug}/no-such-lesson")
    assert response.status == 404


def test_page_scripts_never_write_markup():
    """User-written text reaches the DOM as text: no script assigns HTML strings."""
    sinks = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write")
    offenders = [
        path.name for path in Path(STATIC_DIR).glob("*.js") if sinks.search(path.read_text())
    ]
    assert offenders == []


async def test_assignment_instructions_and_feedback(client):
    setup = await assignment_course(client, instructions=CORPUS)
    student, headers = await enrolled(client, setup)
    shown = await (
        await client.get(f"{API}/assignments/{setup.assignment['id']}", headers=headers)
    ).json()
    assert shown["instructions"] == CORPUS and unsafe_parts(shown["instructions_html"]) == []
    ws = await socket(client, headers, f"user:{student.id}")
    submission = await submitted(client, setup, headers)
    await graded(client, submission["id"], setup.teacher_headers, raw_score=50, feedback=CORPUS)
    [mine] = await (
        await client.get(
            f"{API}/assignments/{setup.assignment['id']}/submissions/mine", headers=headers
        )
    ).json()
    assert mine["feedback"] == CORPUS and unsafe_parts(mine["feedback_html"]) == []
    event = await ws.expect("event")
    while event["type"] != "submission.graded":
        event = await ws.expect("event")
    assert unsafe_parts(event["data"]["feedback_html"]) == []
    await ws.close()


async def test_quiz_descriptions(client):
    _, staff, course = await course_with_staff(client)
    quiz, _ = await create_quiz(client, staff, course, [single()], description=CORPUS)
    _, headers, _ = await student_in(client, course)
    shown = await (await client.get(f"{API}/quizzes/{quiz['id']}", headers=headers)).json()
    assert shown["description"] == CORPUS and unsafe_parts(shown["description_html"]) == []


def test_every_template_autoescapes(client):
    """No template switches escaping off, and the pages' environment escapes every template
    (pages wrap only the sanitiser's output in ``Markup``)."""
    import aiohttp_jinja2

    environment = aiohttp_jinja2.get_env(client.app)
    offenders = [
        path.name
        for path in Path(TEMPLATES_DIR).rglob("*.*")
        if re.search(r"\|\s*safe\b|autoescape\s+false", path.read_text())
    ]
    assert offenders == []
    for name in environment.list_templates():
        assert environment.autoescape is True or environment.autoescape(name), name
    rendered = environment.from_string("{{ x }}").render(x="<script>")
    assert rendered == "&lt;script&gt;"
