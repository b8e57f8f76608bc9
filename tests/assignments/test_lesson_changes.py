"""An assignment lesson keeps handed-in work: deleting it while its assignment has submissions
is 409 (nothing deleted, files kept), and it stays an assignment lesson while it has an
assignment."""

from __future__ import annotations

from lms_rt.assignments.models import Assignment, Submission
from lms_rt.courses.models import Lesson
from lms_rt.files.models import StoredFile
from tests.assignments.helpers import API, assignment_course, enrolled, submitted, upload_for
from tests.files.helpers import pdf


def _lesson_url(setup) -> str:
    return f"{API}/courses/{setup.course.id}/lessons/{setup.lesson.id}"


async def test_a_lesson_whose_assignment_has_submissions_is_not_deleted(client):
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    essay = await upload_for(client, setup, headers, pdf(), "essay.pdf")
    work = await submitted(client, setup, headers, file_ids=[essay["id"]])

    response = await client.delete(_lesson_url(setup), headers=setup.teacher_headers)
    assert response.status == 409, await response.text()
    error = (await response.json())["error"]
    assert "submission" in error["message"]
    assert error["details"] == [{"reason": "assignment_has_submissions", "submissions": 1}]
    assert await Lesson.filter(id=setup.lesson.id).exists()
    assert await Assignment.filter(id=setup.assignment["id"]).exists()
    assert await Submission.filter(id=work["id"]).exists()
    assert await StoredFile.filter(id=essay["id"]).exists()

    # A student may not try either: staff routes refuse them before any rule.
    response = await client.delete(_lesson_url(setup), headers=headers)
    assert response.status in (403, 404)
    assert await Lesson.filter(id=setup.lesson.id).exists()


async def test_a_lesson_whose_assignment_has_no_submissions_may_go(client):
    setup = await assignment_course(client)
    response = await client.delete(_lesson_url(setup), headers=setup.teacher_headers)
    assert response.status == 204, await response.text()
    assert not await Assignment.filter(id=setup.assignment["id"]).exists()


async def test_a_lesson_with_an_assignment_keeps_its_type(client):
    setup = await assignment_course(client)
    response = await client.patch(
        _lesson_url(setup), json={"type": "text"}, headers=setup.teacher_headers
    )
    assert response.status == 409, await response.text()
    assert (await response.json())["error"]["details"][0]["reason"] == "lesson_has_assignment"
    assert (await Lesson.get(id=setup.lesson.id)).type == "assignment"
    # Other changes, and naming the type it has, are fine.
    response = await client.patch(
        _lesson_url(setup),
        json={"type": "assignment", "title": "Essay, revised"},
        headers=setup.teacher_headers,
    )
    assert response.status == 200, await response.text()
    # Once the assignment is gone, the lesson may become something else.
    response = await client.delete(
        f"{API}/assignments/{setup.assignment['id']}", headers=setup.teacher_headers
    )
    assert response.status == 204
    response = await client.patch(
        _lesson_url(setup), json={"type": "text"}, headers=setup.teacher_headers
    )
    assert response.status == 200, await response.text()
