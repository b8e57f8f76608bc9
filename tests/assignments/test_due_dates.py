"""Due dates, late windows and the late penalty, on the server's clock (hand-computed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt.assignments.rules import penalised, started_days
from tests.assignments.helpers import (
    assignment_course,
    enrolled,
    error_of,
    graded,
    mine,
    submit,
    submitted,
)
from tests.quizzes.helpers import Clock, when

DUE = datetime(2030, 3, 10, 17, 0, tzinfo=UTC)


def test_late_days_are_started_days_and_the_penalty_is_rounded_to_cents():
    assert started_days(timedelta(seconds=1)) == 1
    assert started_days(timedelta(days=1)) == 1
    assert started_days(timedelta(days=1, microseconds=1)) == 2
    assert started_days(timedelta(days=2, hours=12)) == 3
    assert penalised(80, 30) == 56.0
    assert penalised(7, 15) == 5.95
    assert penalised(33.33, 10) == 30.0  # 29.997 → 30.0
    assert penalised(50, 100) == 0.0


def test_scores_round_half_up_on_the_decimals_as_typed():
    # Float round() is half-even on binary values: 1.005 gave 1.0 and 0.125 gave 0.12.
    assert penalised(1.005, 0) == 1.01
    assert penalised(0.125, 0) == 0.13
    assert penalised(2.675, 0) == 2.68
    assert penalised(2.01, 50) == 1.01  # 1.005 exactly, after the penalty
    assert penalised(10, 33.3) == 6.67
    assert penalised(0.004, 0) == 0.0


async def test_on_time_up_to_and_including_the_due_date(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(hours=1))
    setup = await assignment_course(client, due_at=DUE, late_policy="refuse")
    _, early_headers = await enrolled(client, setup)
    _, exact_headers = await enrolled(client, setup)
    early = await submitted(client, setup, early_headers)
    assert (early["is_late"], early["days_late"], early["penalty_percent"]) == (False, 0, 0)
    assert when(early["submitted_at"]) == DUE - timedelta(hours=1)
    clock.set(DUE)
    exact = await submitted(client, setup, exact_headers)
    assert exact["is_late"] is False


async def test_two_and_a_half_days_late_at_ten_percent_costs_thirty_percent(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE - timedelta(days=1))
    setup = await assignment_course(
        client,
        due_at=DUE,
        late_policy="accept",
        late_days=3,
        late_penalty_percent=10,
        max_points=100,
    )
    _, headers = await enrolled(client, setup)
    clock.set(DUE + timedelta(days=2, hours=12))
    late = await submitted(client, setup, headers)
    # 2.5 days late → 3 started days → 3 x 10 % = 30 %.
    assert (late["is_late"], late["days_late"], late["penalty_percent"]) == (True, 3, 30.0)
    result = await graded(client, late["id"], setup.teacher_headers, raw_score=80)
    # 80 x (1 - 0.30) = 56.0; both are shown.
    assert (result["raw_score"], result["penalty_percent"], result["score"]) == (80, 30, 56.0)
    assert result["status"] == "graded" and result["max_points"] == 100


async def test_the_penalty_stops_at_one_hundred_percent(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE)
    setup = await assignment_course(
        client, due_at=DUE, late_policy="accept", late_days=10, late_penalty_percent=30
    )
    _, headers = await enrolled(client, setup)
    clock.set(DUE + timedelta(days=4, minutes=1))  # 5 started days x 30 % = 150 % → 100 %
    late = await submitted(client, setup, headers)
    assert (late["days_late"], late["penalty_percent"]) == (5, 100.0)
    result = await graded(client, late["id"], setup.teacher_headers, raw_score=90)
    assert result["score"] == 0.0


async def test_refuse_policy_says_the_due_date_passed(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE + timedelta(seconds=1))
    setup = await assignment_course(client, due_at=DUE, late_policy="refuse")
    _student, headers = await enrolled(client, setup)
    status, error = await error_of(await submit(client, setup, headers))
    assert status == 409 and error["code"] == "submission_refused"
    assert error["details"][0]["reason"] == "past_due"
    assert when(error["details"][0]["due_at"]) == DUE
    assert "due date passed" in error["message"]
    assert await _count(client, setup, headers) == 0
    clock.move(days=30)
    status, _ = await error_of(await submit(client, setup, headers))
    assert status == 409


async def test_after_the_late_window_the_refusal_says_when_it_closed(client, monkeypatch):
    clock = Clock(client, monkeypatch, at=DUE)
    setup = await assignment_course(
        client, due_at=DUE, late_policy="accept", late_days=2, late_penalty_percent=5
    )
    _, last_headers = await enrolled(client, setup)
    _, too_late_headers = await enrolled(client, setup)
    closes = DUE + timedelta(days=2)
    assert when(setup.assignment["closes_at"]) == closes
    clock.set(closes)  # the last accepted moment
    last = await submitted(client, setup, last_headers)
    assert (last["days_late"], last["penalty_percent"]) == (2, 10.0)
    clock.set(closes + timedelta(seconds=1))
    status, error = await error_of(await submit(client, setup, too_late_headers))
    assert status == 409
    [detail] = error["details"]
    assert detail["reason"] == "late_window_closed"
    assert when(detail["closed_at"]) == closes
    assert closes.isoformat() in error["message"]
    assert await _count(client, setup, too_late_headers) == 0


async def test_without_a_due_date_nothing_is_late(client, monkeypatch):
    clock = Clock(client, monkeypatch)
    setup = await assignment_course(client)
    _, headers = await enrolled(client, setup)
    clock.move(days=3650)
    result = await submitted(client, setup, headers)
    assert result["is_late"] is False and setup.assignment["closes_at"] is None


async def _count(client, setup, headers) -> int:
    return len(await mine(client, setup, headers))
