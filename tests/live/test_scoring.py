"""Live scoring, ranking, distributions and attendance minutes: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_rt.live.attendance import minutes_present
from lms_rt.live.scoring import Standing, distribution, points_for, ranked, round_half_up
from lms_rt.quizzes.models import QuestionType

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_points_follow_the_speed_bonus_rule():
    assert points_for(True, 0, 20, 1000, True) == 1000
    assert points_for(True, 5_000, 20, 1000, True) == 875
    assert points_for(True, 20_000, 20, 1000, True) == 500
    assert points_for(True, 20_249, 20, 1000, True) == 500  # grace time counts as the limit
    assert points_for(True, 7_000, 20, 1000, False) == 1000
    assert points_for(False, 0, 20, 1000, True) == 0
    # 3 * (1 - 1/20) = 2.85 rounds to 3; halves round up.
    assert points_for(True, 1_000, 10, 3, True) == 3
    # 1000 * (1 - 5140/40000) is exactly 871.5: it rounds up, whatever floats would say.
    assert points_for(True, 5_140, 20, 1000, True) == 872
    assert round_half_up(0.5) == 1 and round_half_up(2.5) == 3 and round_half_up(2.49) == 2


def _standing(pid: str, score: int, answer_ms: int, joined: int) -> Standing:
    return Standing(pid, pid, pid, score, 0, 0, answer_ms, T0 + timedelta(seconds=joined))


def test_ranking_breaks_ties_by_answer_time_then_join_time():
    table = ranked(
        [
            _standing("slow", 900, 9_000, 0),
            _standing("fast", 900, 3_000, 5),
            _standing("late-joiner", 900, 3_000, 9),
            _standing("top", 1500, 20_000, 3),
        ]
    )
    assert [(rank, s.participant_id) for rank, s in table] == [
        (1, "top"),
        (2, "fast"),
        (3, "late-joiner"),
        (4, "slow"),
    ]


def test_distribution_counts_every_option_even_unchosen():
    options = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    assert distribution(QuestionType.SINGLE_CHOICE, options, ["a", "a", "c"]) == {
        "a": 2,
        "b": 0,
        "c": 1,
    }
    assert distribution(QuestionType.MULTIPLE_CHOICE, options, [["a", "b"], ["b"]]) == {
        "a": 1,
        "b": 2,
        "c": 0,
    }
    assert distribution(QuestionType.TRUE_FALSE, [], [True, True, False]) == {"true": 2, "false": 1}
    assert distribution(QuestionType.NUMERIC, [], [3.5, 3.5, 4]) == {"3.5": 2, "4": 1}


def test_minutes_present_count_overlapping_stretches_once():
    minute = timedelta(minutes=1)
    stretches = [
        (T0, T0 + 10 * minute),
        (T0 + 5 * minute, T0 + 12 * minute),  # the same user on a second process
        (T0 + 20 * minute, None),  # still there
    ]
    assert minutes_present(stretches, until=T0 + 30 * minute) == 22.0
    assert minutes_present([], until=T0) == 0.0
