"""Gradebook settings: the defaults, what a PUT must satisfy (refused whole otherwise), and the
``gradebook.changed`` event that tells staff clients to refetch."""

from __future__ import annotations

from tests.gradebook.helpers import DEFAULT_SCALE, category, put_settings
from tests.quizzes.helpers import (
    API,
    course_with_staff,
    events_until_marker,
    of_type,
    socket,
)


async def test_defaults_until_settings_are_stored(client):
    _, staff, course = await course_with_staff(client)
    response = await client.get(f"{API}/courses/{course.id}/gradebook/settings", headers=staff)
    assert response.status == 200
    body = await response.json()
    assert body["is_default"] is True
    assert [
        (c["key"], c["weight"], c["aggregate"], c["drop_lowest"]) for c in body["categories"]
    ] == [
        ("quizzes", 40, "mean", 0),
        ("assignments", 50, "mean", 0),
        ("live", 10, "mean", 0),
    ]
    assert [(b["letter"], b["min"]) for b in body["letter_scale"]] == [
        ("A", 90),
        ("B", 80),
        ("C", 70),
        ("D", 60),
        ("F", 0),
    ]


async def test_a_valid_put_replaces_the_settings_and_tells_staff(client):
    _, staff, course = await course_with_staff(client)
    channel = f"course:{course.id}:staff"
    ws = await socket(client, staff, channel)
    categories = [
        category("quizzes", 33.33, drop=2),
        category("assignments", 33.33, "points"),
        category("projects", 33.34),
    ]
    scale = [{"letter": "Pass", "min": 50}, {"letter": "Fail", "min": 0}]
    response = await put_settings(client, course, staff, categories, scale)
    assert response.status == 200, await response.text()
    saved = await response.json()
    assert saved["is_default"] is False
    response = await client.get(f"{API}/courses/{course.id}/gradebook/settings", headers=staff)
    body = await response.json()
    assert body == saved
    assert body["categories"] == categories and body["letter_scale"] == scale

    events = await events_until_marker(client, ws, channel)
    [changed] = of_type(events, "gradebook.changed")
    assert changed["data"] == {"course_id": str(course.id), "reason": "settings"}


async def _refused(client, course, staff, categories, scale=None) -> dict:
    response = await put_settings(client, course, staff, categories, scale)
    assert response.status == 422, await response.text()
    return (await response.json())["error"]


async def test_settings_that_cannot_grade_are_refused(client):
    _, staff, course = await course_with_staff(client)
    error = await _refused(
        client, course, staff, [category("quizzes", 49), category("assignments", 50)]
    )
    assert "sum to exactly 100" in error["message"] and "99" in error["message"]
    error = await _refused(
        client, course, staff, [category("quizzes", 50), category("quizzes", 50)]
    )
    assert "unique" in error["message"]
    error = await _refused(client, course, staff, [category("quizzes", 100, drop=-1)])
    assert error["details"][0]["field"] == "categories.0.drop_lowest"
    error = await _refused(client, course, staff, [category("quizzes", 100, "median")])
    assert error["details"][0]["field"] == "categories.0.aggregate"
    await _refused(client, course, staff, [category("Bad Key", 100)])
    await _refused(client, course, staff, [])
    await _refused(client, course, staff, [{**category("quizzes", 100), "colour": "red"}])

    valid = [category("quizzes", 100)]
    error = await _refused(
        client, course, staff, valid, [{"letter": "A", "min": 90}, {"letter": "B", "min": 10}]
    )
    assert "last letter's minimum must be 0" in error["message"]
    error = await _refused(
        client,
        course,
        staff,
        valid,
        [{"letter": "A", "min": 80}, {"letter": "B", "min": 90}, {"letter": "F", "min": 0}],
    )
    assert "strictly descending" in error["message"]
    error = await _refused(
        client,
        course,
        staff,
        valid,
        [{"letter": "A", "min": 90}, {"letter": "A", "min": 0}],
    )
    assert "letters must be unique" in error["message"]
    await _refused(
        client,
        course,
        staff,
        valid,
        [{"letter": "A", "min": 90}, {"letter": "B", "min": 90}, {"letter": "F", "min": 0}],
    )
    await _refused(client, course, staff, valid, [{"letter": "A", "min": 101}])

    # Nothing was stored by any of them.
    response = await client.get(f"{API}/courses/{course.id}/gradebook/settings", headers=staff)
    assert (await response.json())["is_default"] is True
    assert (await put_settings(client, course, staff, valid, DEFAULT_SCALE)).status == 200
