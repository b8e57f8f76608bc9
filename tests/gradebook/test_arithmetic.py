"""The gradebook's weighted arithmetic on a hand-computed class: dropped scores, the "points"
aggregate, missing scores before and after their item closes, an empty category's weight
shared out, the scoring policies and the letter scale's edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.gradebook.helpers import (
    category,
    category_of,
    create_assignment,
    create_submission,
    four_questions,
    gradebook,
    put_settings,
    recorded_queries,
    row_of,
    take,
)
from tests.quizzes.helpers import (
    API,
    Clock,
    course_with_staff,
    create_quiz,
    single,
    student_in,
    when,
)


async def test_a_hand_computed_class(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    _, staff, course = await course_with_staff(client)
    response = await put_settings(
        client,
        course,
        staff,
        [
            category("quizzes", 40, "mean", drop=1),
            category("assignments", 50, "points"),
            category("live", 10),
        ],
    )
    assert response.status == 200, await response.text()
    closes = clock.at + timedelta(hours=1)
    q1, q1s = await create_quiz(client, staff, course, four_questions(), type="graded")
    q2, q2s = await create_quiz(
        client, staff, course, four_questions(), type="graded", available_until=closes
    )
    q3, q3s = await create_quiz(client, staff, course, four_questions(), type="graded")
    # Neither a practice quiz nor an unpublished graded one is a column.
    await create_quiz(client, staff, course, four_questions(), type="practice")
    await create_quiz(client, staff, course, four_questions(), type="graded", publish=False)
    a1 = await create_assignment(course, max_points=20, due_at=closes)
    a2 = await create_assignment(course, max_points=80)
    await create_assignment(course, published=False)  # its lesson is a draft: no column

    ann, ann_headers, _ = await student_in(client, course, full_name="Ann")
    ben, ben_headers, _ = await student_in(client, course, full_name="Ben")
    await take(client, q1, q1s, ann_headers, right=3)  # 75 %
    await take(client, q2, q2s, ann_headers, right=2)  # 50 %
    await take(client, q3, q3s, ann_headers, right=4)  # 100 %
    await create_submission(a1, ann, clock.at, score=15)  # 15 / 20
    await create_submission(a2, ann, clock.at, score=72)  # 72 / 80
    await take(client, q1, q1s, ben_headers, right=4)  # 100 %
    await take(client, q3, q3s, ben_headers, right=1)  # 25 %
    await create_submission(a2, ben, clock.at, score=40)  # 40 / 80

    book = await gradebook(client, course, staff)
    keys = [c["key"] for c in book["columns"]]
    assert set(keys) == {
        f"quiz:{q1['id']}",
        f"quiz:{q2['id']}",
        f"quiz:{q3['id']}",
        f"assignment:{a1.id}",
        f"assignment:{a2.id}",
    }
    columns = {c["key"]: c for c in book["columns"]}
    assert when(columns[f"quiz:{q2['id']}"]["closes_at"]) == closes
    assert columns[f"quiz:{q1['id']}"]["max_points"] == 4
    assert columns[f"assignment:{a1.id}"]["max_points"] == 20
    assert [r["full_name"] for r in book["rows"]] == ["Ann", "Ben"]

    ann_row = row_of(book, ann)
    # Quizzes: 75, 50, 100; the lowest (50) dropped: (75 + 100) / 2 = 87.5
    quizzes = category_of(ann_row, "quizzes")
    assert quizzes["percentage"] == 87.5
    assert quizzes["dropped_items"] == [f"quiz:{q2['id']}"]
    assert ann_row["cells"][f"quiz:{q2['id']}"]["dropped"] is True
    assert ann_row["cells"][f"quiz:{q1['id']}"]["dropped"] is False
    # Assignments by points: (15 + 72) / (20 + 80) = 87 % (the mean would be 82.5)
    assert category_of(ann_row, "assignments")["percentage"] == 87.0
    cell = ann_row["cells"][f"assignment:{a1.id}"]
    assert (cell["score"], cell["max"], cell["percentage"], cell["status"]) == (
        15,
        20,
        75,
        "graded",
    )
    # No live session: its 10 % is shared by the others in proportion (40 : 50).
    # (40 * 87.5 + 50 * 87) / 90 = 7850 / 90 = 87.2222...
    live = category_of(ann_row, "live")
    assert (live["percentage"], live["effective_weight"]) == (None, 0)
    assert category_of(ann_row, "quizzes")["effective_weight"] == round(4000 / 90, 4)
    assert ann_row["weights_redistributed"] is True
    assert any("Live" in note for note in ann_row["notes"])
    assert (ann_row["final_percentage"], ann_row["letter"]) == (87.22, "B")

    ben_row = row_of(book, ben)
    # Q2 still open and not taken: left out. Quizzes [100, 25], 25 dropped: 100.
    q2_cell = ben_row["cells"][f"quiz:{q2['id']}"]
    assert (q2_cell["status"], q2_cell["percentage"], q2_cell["counted"]) == ("open", None, False)
    assert category_of(ben_row, "quizzes")["percentage"] == 100
    # A1 still open: left out. Assignments 40 / 80 = 50 %.
    assert ben_row["cells"][f"assignment:{a1.id}"]["status"] == "open"
    assert category_of(ben_row, "assignments")["percentage"] == 50
    # (40 * 100 + 50 * 50) / 90 = 6500 / 90 = 72.2222...
    assert (ben_row["final_percentage"], ben_row["letter"]) == (72.22, "C")

    clock.move(hours=2)  # Q2 and A1 have closed
    book = await gradebook(client, course, staff)
    ben_row = row_of(book, ben)
    q2_cell = ben_row["cells"][f"quiz:{q2['id']}"]
    assert (q2_cell["status"], q2_cell["percentage"], q2_cell["counted"]) == ("missing", 0, True)
    # Quizzes [100, 0, 25], the 0 dropped: (100 + 25) / 2 = 62.5
    assert category_of(ben_row, "quizzes")["percentage"] == 62.5
    assert category_of(ben_row, "quizzes")["dropped_items"] == [f"quiz:{q2['id']}"]
    # Assignments by points: (0 + 40) / (20 + 80) = 40 %
    assert ben_row["cells"][f"assignment:{a1.id}"]["status"] == "missing"
    assert category_of(ben_row, "assignments")["percentage"] == 40
    # (40 * 62.5 + 50 * 40) / 90 = 4500 / 90 = 50
    assert (ben_row["final_percentage"], ben_row["letter"]) == (50, "F")
    assert row_of(book, ann)["final_percentage"] == 87.22


async def test_drop_lowest_never_drops_the_last_item(client):
    _, staff, course = await course_with_staff(client)
    await put_settings(client, course, staff, [category("quizzes", 100, drop=3)])
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    student, headers, _ = await student_in(client, course)
    await take(client, quiz, questions, headers, right=1)
    row = row_of(await gradebook(client, course, staff), student)
    quizzes = category_of(row, "quizzes")
    assert (quizzes["percentage"], quizzes["dropped_items"], quizzes["counted_items"]) == (
        25,
        [],
        1,
    )
    # Only one category has items: it carries the whole final.
    assert (row["final_percentage"], row["letter"]) == (25, "F")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("highest", 100.0),  # max(50, 100, 25)
        ("latest", 25.0),  # the third attempt
        ("average", 58.33),  # (50 + 100 + 25) / 3 = 58.333...
    ],
)
async def test_scoring_policies(client, policy, expected):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(
        client, staff, course, four_questions(), type="graded", scoring_policy=policy
    )
    assert quiz["scoring_policy"] == policy and quiz["gradebook_category"] == "quizzes"
    student, headers, _ = await student_in(client, course)
    for right in (2, 4, 1):
        await take(client, quiz, questions, headers, right=right)
    row = row_of(await gradebook(client, course, staff), student)
    assert row["cells"][f"quiz:{quiz['id']}"]["percentage"] == expected
    assert category_of(row, "quizzes")["percentage"] == expected


async def test_changing_the_policy_and_category_of_a_quiz(client):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    assert quiz["scoring_policy"] == "highest"
    student, headers, _ = await student_in(client, course)
    for right in (2, 4, 1):
        await take(client, quiz, questions, headers, right=right)
    key = f"quiz:{quiz['id']}"
    response = await client.patch(
        f"{API}/quizzes/{quiz['id']}",
        json={"scoring_policy": "latest", "gradebook_category": "exams"},
        headers=staff,
    )
    assert response.status == 200, await response.text()
    changed = await response.json()
    assert (changed["scoring_policy"], changed["gradebook_category"]) == ("latest", "exams")
    book = await gradebook(client, course, staff)
    [column] = book["columns"]
    # "exams" is not a category of the settings: shown, flagged, not counted.
    assert (column["category"], column["counted"], column["flags"]) == (
        "exams",
        False,
        ["unknown_category"],
    )
    row = row_of(book, student)
    assert row["cells"][key]["percentage"] == 25 and row["cells"][key]["counted"] is False
    assert category_of(row, "quizzes")["percentage"] is None
    assert (row["final_percentage"], row["letter"]) == (None, None)
    assert any("exams" in note for note in row["notes"])
    for bad in ({"scoring_policy": "best"}, {"gradebook_category": "Has Spaces"}):
        response = await client.patch(f"{API}/quizzes/{quiz['id']}", json=bad, headers=staff)
        assert response.status == 422
    response = await client.patch(
        f"{API}/quizzes/{quiz['id']}", json={"scoring_policy": None}, headers=staff
    )
    assert response.status == 422


async def test_letter_scale_edges(client):
    _, staff, course = await course_with_staff(client)
    await put_settings(
        client,
        course,
        staff,
        [category("quizzes", 100)],
        scale=[
            {"letter": "A", "min": 90},
            {"letter": "B", "min": 80},
            {"letter": "F", "min": 0},
        ],
    )
    ten = [single(points=1, correct="a") for _ in range(10)]
    quiz, questions = await create_quiz(client, staff, course, ten, type="graded")
    exactly, exactly_headers, _ = await student_in(client, course, full_name="Exactly ninety")
    below, below_headers, _ = await student_in(client, course, full_name="Eighty nine")
    zero, zero_headers, _ = await student_in(client, course, full_name="Zero")
    await take(client, quiz, questions, exactly_headers, right=9)  # 9 / 10 = 90 %
    await take(client, quiz, questions, below_headers, right=8)  # 80 %: the edge of B
    await take(client, quiz, questions, zero_headers, right=0)
    book = await gradebook(client, course, staff)
    assert (row_of(book, exactly)["final_percentage"], row_of(book, exactly)["letter"]) == (
        90,
        "A",
    )
    assert row_of(book, below)["letter"] == "B"
    assert (row_of(book, zero)["final_percentage"], row_of(book, zero)["letter"]) == (0, "F")


async def test_the_gradebook_takes_the_same_queries_for_any_class_size(client):
    _, staff, course = await course_with_staff(client)
    quiz, questions = await create_quiz(client, staff, course, four_questions(), type="graded")
    assignment = await create_assignment(course, max_points=10)

    async def queries_for(students: int) -> int:
        for _ in range(students):
            student, headers, _ = await student_in(client, course)
            await take(client, quiz, questions, headers, right=2)
            await create_submission(assignment, student, quiz_time, score=5)
        with recorded_queries() as seen:
            book = await gradebook(client, course, staff)
        assert all(r["final_percentage"] == 50 for r in book["rows"])
        return len(seen)

    quiz_time = datetime.now(UTC)
    small = await queries_for(2)
    large = await queries_for(10)
    assert small == large, (small, large)
