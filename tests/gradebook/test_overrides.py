"""Overrides of one cell and of the final grade: in force until lifted, history kept with its
reasons, refused for unknown items and students who are not enrolled."""

from __future__ import annotations

from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.gradebook.models import GradeOverride
from tests.factories import signed_in
from tests.gradebook.helpers import (
    category,
    category_of,
    four_questions,
    gradebook,
    override,
    put_settings,
    row_of,
    take,
)
from tests.quizzes.helpers import (
    API,
    course_with_staff,
    create_quiz,
    events_until_marker,
    of_type,
    socket,
    student_in,
)


async def test_overriding_a_cell_and_the_final_then_lifting_them(client):
    teacher, staff, course = await course_with_staff(client)
    await put_settings(client, course, staff, [category("quizzes", 100)])
    q1, q1s = await create_quiz(client, staff, course, four_questions(), type="graded")
    q2, q2s = await create_quiz(client, staff, course, four_questions(), type="graded")
    student, headers, _ = await student_in(client, course)
    await take(client, q1, q1s, headers, right=2)  # 50 %
    await take(client, q2, q2s, headers, right=4)  # 100 %
    cell = f"quiz:{q1['id']}"
    row = row_of(await gradebook(client, course, staff), student)
    assert (row["final_percentage"], row["letter"]) == (75, "C")  # (50 + 100) / 2
    channel = f"course:{course.id}:staff"
    ws = await socket(client, staff, channel)

    response = await override(
        client, course, staff, student_id=student.id, item=cell, percentage=80, reason="Regraded"
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["override"]["percentage"] == 80 and body["override"]["author_id"] == str(teacher.id)
    overridden = body["row"]["cells"][cell]
    assert (overridden["percentage"], overridden["score"], overridden["overridden"]) == (
        80,
        3.2,
        True,
    )
    assert overridden["override_reason"] == "Regraded" and overridden["status"] == "graded"
    # (80 + 100) / 2 = 90: exactly the edge of A
    assert (body["row"]["final_percentage"], body["row"]["letter"]) == (90, "A")
    [updated] = of_type(await events_until_marker(client, ws, channel), "gradebook.updated")
    [pushed] = updated["data"]["rows"]
    assert pushed["student_id"] == str(student.id) and pushed["final_percentage"] == 90
    assert {c["key"] for c in updated["data"]["columns"]} == {cell, f"quiz:{q2['id']}"}

    # The final grade overridden: percentage and letter replaced, the computed one kept.
    response = await override(
        client,
        course,
        staff,
        student_id=student.id,
        item="final",
        percentage=65.5,
        reason="Academic integrity",
    )
    row = (await response.json())["row"]
    assert (row["final_percentage"], row["letter"], row["computed_percentage"]) == (65.5, "D", 90)
    assert row["final_overridden"] is True and row["final_override_reason"] == "Academic integrity"

    # Lifting both: back to the computed grade; every row is kept.
    for item in ("final", cell):
        response = await override(
            client, course, staff, student_id=student.id, item=item, percentage=None, reason="Undo"
        )
        assert response.status == 200, await response.text()
    row = row_of(await gradebook(client, course, staff), student)
    assert (row["final_percentage"], row["letter"], row["final_overridden"]) == (75, "C", False)
    assert row["cells"][cell]["overridden"] is False
    assert row["cells"][cell]["override_reason"] is None
    assert await GradeOverride.filter(course_id=course.id).count() == 4

    response = await client.get(
        f"{API}/courses/{course.id}/gradebook/overrides?student_id={student.id}", headers=staff
    )
    history = await response.json()
    assert history["total"] == 4
    assert [(h["item"], h["percentage"], h["reason"]) for h in history["items"]] == [
        (cell, None, "Undo"),
        ("final", None, "Undo"),
        ("final", 65.5, "Academic integrity"),
        (cell, 80, "Regraded"),
    ]
    response = await client.get(
        f"{API}/courses/{course.id}/gradebook/overrides?item=final&limit=1", headers=staff
    )
    page = await response.json()
    assert page["total"] == 2 and [h["reason"] for h in page["items"]] == ["Undo"]

    # Nothing left to lift.
    response = await override(
        client, course, staff, student_id=student.id, item=cell, percentage=None, reason="Again"
    )
    assert response.status == 409


async def test_an_override_counts_where_the_score_is_missing(client):
    _, staff, course = await course_with_staff(client)
    await put_settings(client, course, staff, [category("quizzes", 100)])
    quiz, _ = await create_quiz(client, staff, course, four_questions(), type="graded")
    student, _, _ = await student_in(client, course)
    key = f"quiz:{quiz['id']}"
    row = row_of(await gradebook(client, course, staff), student)
    assert row["cells"][key]["status"] == "open" and row["final_percentage"] is None
    response = await override(
        client, course, staff, student_id=student.id, item=key, percentage=100, reason="Excused"
    )
    row = (await response.json())["row"]
    assert row["cells"][key]["counted"] is True
    assert category_of(row, "quizzes")["percentage"] == 100
    assert (row["final_percentage"], row["letter"]) == (100, "A")


async def test_overrides_are_refused_for_unknown_items_and_strangers(client):
    _, staff, course = await course_with_staff(client)
    quiz, _ = await create_quiz(client, staff, course, four_questions(), type="graded")
    practice, _ = await create_quiz(client, staff, course, four_questions(), type="practice")
    student, _, _ = await student_in(client, course)
    outsider, _ = await signed_in(client)
    good = {"student_id": student.id, "item": f"quiz:{quiz['id']}", "percentage": 50}

    for item in ("quiz:nope", f"quiz:{practice['id']}", "exam", f"assignment:{quiz['id']}"):
        response = await override(client, course, staff, **{**good, "item": item, "reason": "x"})
        assert response.status == 422, item
    response = await override(
        client, course, staff, **{**good, "student_id": outsider.id, "reason": "x"}
    )
    assert response.status == 404
    for bad in ({"reason": "   "}, {"reason": ""}, {}):
        response = await override(client, course, staff, **good, **bad)
        assert response.status == 422, bad
    for percentage in (-1, 100.5):
        response = await override(
            client, course, staff, **{**good, "percentage": percentage, "reason": "x"}
        )
        assert response.status == 422
    response = await override(client, course, staff, **good, reason="ok", colour="red")
    assert response.status == 422
    # percentage must be given: a number, or null to lift.
    response = await override(
        client, course, staff, student_id=student.id, item=good["item"], reason="x"
    )
    assert response.status == 422
    # A student who dropped the course has no row to override.
    await Enrollment.filter(student_id=student.id, course_id=course.id).update(
        status=EnrollmentStatus.DROPPED
    )
    response = await override(client, course, staff, **good, reason="x")
    assert response.status == 404
    assert await GradeOverride.filter(course_id=course.id).count() == 0
