"""Who sees which grades (staff of the course: all; a student: their own row only; anyone
else: nothing), and the CSV export with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.schemas import CourseCreate
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.gradebook.helpers import (
    category,
    four_questions,
    gradebook,
    override,
    put_settings,
    take,
)
from tests.quizzes.helpers import API, course_with_staff, create_quiz, student_in

STAFF_ROUTES = (
    ("GET", "/gradebook"),
    ("GET", "/gradebook?format=csv"),
    ("GET", "/gradebook/settings"),
    ("PUT", "/gradebook/settings"),
    ("PUT", "/gradebook/overrides"),
    ("GET", "/gradebook/overrides"),
)


async def _call(client, method, course, path, headers, student_id=None):
    url = f"{API}/courses/{course.id}{path}"
    if method == "GET":
        return await client.get(url, headers=headers)
    if path.endswith("settings"):
        body = {
            "categories": [category("quizzes", 100)],
            "letter_scale": [{"letter": "P", "min": 0}],
        }
    else:
        body = {"student_id": str(student_id), "item": "final", "percentage": 1, "reason": "x"}
    return await client.put(url, json=body, headers=headers)


async def test_staff_routes_refuse_students_and_other_courses_staff(client):
    _, staff, course = await course_with_staff(client)
    student, student_headers, _ = await student_in(client, course)
    _, other_teacher = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    for method, path in STAFF_ROUTES:
        response = await _call(client, method, course, path, student_headers, student.id)
        assert response.status == 403, (method, path)
        response = await _call(client, method, course, path, other_teacher, student.id)
        assert response.status == 403, (method, path)
        for allowed in (staff, admin_headers):
            response = await _call(client, method, course, path, allowed, student.id)
            assert response.status == 200, (method, path, await response.text())
    # Another instructor's draft course does not exist for them.
    teacher, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    draft = await courses.create_course(client.app[keys.DEPS], teacher, CourseCreate(title="Draft"))
    response = await client.get(f"{API}/courses/{draft.id}/gradebook", headers=other_teacher)
    assert response.status == 404
    response = await client.get(f"{API}/courses/{draft.id}/gradebook", headers=teacher_headers)
    assert response.status == 200 and (await response.json())["rows"] == []
    response = await client.get(f"{API}/courses/{course.id}/gradebook")
    assert response.status == 401


async def test_a_student_sees_only_their_own_row(client):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    me, my_headers, _ = await student_in(client, course, full_name="Me")
    other, other_headers, _ = await student_in(client, course, full_name="Other")
    await take(client, quiz, questions, my_headers, right=3)
    await take(client, quiz, questions, other_headers, right=1)
    await override(
        client, course, staff, student_id=me.id, item="final", percentage=91, reason="Bonus"
    )

    response = await client.get(f"{API}/courses/{course.id}/grades/mine", headers=my_headers)
    assert response.status == 200, await response.text()
    mine = await response.json()
    assert set(mine) == {"course_id", "settings", "columns", "row"}
    assert mine["row"]["student_id"] == str(me.id)
    assert mine["row"]["cells"][f"quiz:{quiz['id']}"]["percentage"] == 75
    assert (mine["row"]["final_percentage"], mine["row"]["letter"]) == (91, "A")
    assert mine["row"]["final_override_reason"] == "Bonus"
    assert str(other.id) not in await response.text()
    assert [c["key"] for c in mine["columns"]] == [f"quiz:{quiz['id']}"]

    # Not enrolled: nothing to show; another course's student: the same.
    _, stranger = await signed_in(client)
    response = await client.get(f"{API}/courses/{course.id}/grades/mine", headers=stranger)
    assert response.status == 404
    response = await client.get(f"{API}/courses/{course.id}/grades/mine", headers=staff)
    assert response.status == 404


async def test_unpublished_items_stay_out_of_the_students_view(client):
    _, staff, course = await course_with_staff(client)
    shown, _ = await create_quiz(client, staff, course, four_questions(), type="graded")
    await create_quiz(client, staff, course, four_questions(), type="graded", publish=False)
    _, headers, _ = await student_in(client, course)
    mine = await (
        await client.get(f"{API}/courses/{course.id}/grades/mine", headers=headers)
    ).json()
    assert [c["key"] for c in mine["columns"]] == [f"quiz:{shown['id']}"]
    assert list(mine["row"]["cells"]) == [f"quiz:{shown['id']}"]


async def test_csv_export_neutralises_formulas(client):
    _, staff, course = await course_with_staff(client)
    await put_settings(client, course, staff, [category("quizzes", 100)])
    quiz, questions = await create_quiz(
        client, staff, course, four_questions(), type="graded", title="=SUM(A1:A9)"
    )
    names = ['=HYPERLINK("http://evil.example","click")', "+1", "-1", "@x"]
    for right, name in enumerate(names):
        _, headers, _ = await student_in(client, course, full_name=name)
        await take(client, quiz, questions, headers, right=right)

    response = await client.get(f"{API}/courses/{course.id}/gradebook?format=csv", headers=staff)
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(await response.text())))
    header = rows[0]
    assert header[:2] == ["student_name", "email"]
    assert header[2] == f"'=SUM(A1:A9) [quiz:{quiz['id']}]"
    assert header[3:] == ["Quizzes (category %)", "final_percentage", "letter"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"'" + name for name in names}
    for cell in (c for row in rows for c in row):
        assert not cell.startswith(("=", "+", "-", "@")), cell
    # The numbers stay numbers: 1 of 4 right is 25 %.
    assert by_name["'+1"][2:] == ["25.0", "25.0", "25.0", "F"]

    book = await gradebook(client, course, staff)
    assert {r["full_name"] for r in book["rows"]} == set(names)  # JSON is left as it is
