"""``grading.py`` directly: every question type, partial credit, Unicode short answers, and
what makes a key or a response unusable."""

from __future__ import annotations

import math

import pytest

from lms_rt.quizzes.grading import Mark, grade, key_problems, normalise, response_problem
from lms_rt.quizzes.models import QuestionType as T

OPTS = [{"id": i, "text": i.upper()} for i in ("a", "b", "c", "d")]


# --- single choice and true/false ----------------------------------------------------------


def test_single_choice_all_or_nothing():
    key = {"correct": "b"}
    assert grade(T.SINGLE_CHOICE, 3, key, "b") == Mark(points=3, correct=True)
    assert grade(T.SINGLE_CHOICE, 3, key, "a") == Mark(points=0.0, correct=False)
    assert grade(T.SINGLE_CHOICE, 3, key, None) == Mark(points=0.0, correct=False)


def test_true_false_both_ways():
    assert grade(T.TRUE_FALSE, 1, {"correct": True}, True) == Mark(points=1, correct=True)
    assert grade(T.TRUE_FALSE, 1, {"correct": True}, False) == Mark(points=0.0, correct=False)
    assert grade(T.TRUE_FALSE, 2, {"correct": False}, False) == Mark(points=2, correct=True)
    assert grade(T.TRUE_FALSE, 2, {"correct": False}, True).points == 0.0
    assert grade(T.TRUE_FALSE, 2, {"correct": False}, None) == Mark(points=0.0, correct=False)


# --- multiple choice: +p/n per correct chosen, -p/n per wrong, floor 0 -----------------------


@pytest.mark.parametrize(
    ("chosen", "points", "correct"),
    [
        (["a", "c"], 2.0, True),  # all correct, nothing wrong: full
        (["c", "a"], 2.0, True),  # order does not matter
        (["a"], 1.0, False),  # half the correct ones
        (["a", "b"], 0.0, False),  # +1 -1
        (["a", "c", "b"], 1.0, False),  # +2 -1
        (["a", "c", "b", "d"], 0.0, False),  # +2 -2
        (["b"], 0.0, False),  # -1, floored at 0
        (["b", "d"], 0.0, False),  # all wrong: floored at 0, never negative
        ([], 0.0, False),
        (None, 0.0, False),
    ],
)
def test_multiple_choice_partial_credit(chosen, points, correct):
    mark = grade(T.MULTIPLE_CHOICE, 2, {"correct": ["a", "c"]}, chosen)
    assert mark == Mark(points=points, correct=correct)
    assert mark.points is not None and mark.points >= 0


def test_multiple_choice_thirds_add_up_to_full_points():
    key = {"correct": ["a", "b", "c"]}
    assert grade(T.MULTIPLE_CHOICE, 1, key, ["a", "b", "c"]).points == 1.0
    assert grade(T.MULTIPLE_CHOICE, 1, key, ["a"]).points == pytest.approx(1 / 3, abs=1e-4)
    assert grade(T.MULTIPLE_CHOICE, 1, key, ["a", "b"]).points == pytest.approx(2 / 3, abs=1e-4)
    # +2/3 - 1/3 for the one wrong option.
    assert grade(T.MULTIPLE_CHOICE, 1, key, ["a", "b", "d"]).points == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert grade(T.MULTIPLE_CHOICE, 6, key, ["a", "d"]).points == 0.0


# --- short answer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        "Paris",
        "paris",
        "PARIS",
        "  Paris  ",
        "\tParis\n",
        "ＰＡＲＩＳ",  # full-width Latin letters
        "Ｐａｒｉｓ",
    ],
)
def test_short_answer_case_space_and_width(response):
    assert grade(T.SHORT_ANSWER, 2, {"accepted": ["Paris"]}, response) == Mark(
        points=2, correct=True
    )


@pytest.mark.parametrize(
    ("accepted", "response"),
    [
        ("caf\u00e9", "cafe\u0301"),  # composed key, decomposed answer (NFC vs NFD)
        ("cafe\u0301", "caf\u00e9"),  # and the other way round
        ("CAF\u00c9", "cafe\u0301"),  # case folding after composition
        ("New York", "new   york"),  # inner runs of whitespace collapse
        ("New York", "new\u00a0york"),  # a no-break space is a space
        ("New York", "new\u3000york"),  # so is an ideographic space
        ("Straße", "STRASSE"),  # full case folding, not just lower()
        ("القاهرة", "  القاهرة "),  # Arabic, padded
        ("لا", "\ufefb"),  # Arabic presentation form (lam-alef ligature) → letters
        ("ﬁnal", "final"),  # a Latin ligature in the key
    ],
)
def test_short_answer_unicode_normalisation(accepted, response):
    assert grade(T.SHORT_ANSWER, 1, {"accepted": [accepted]}, response).correct is True


def test_short_answer_any_of_several_and_wrong_ones():
    key = {"accepted": ["Cairo", "القاهرة", "Al-Qahira"]}
    assert grade(T.SHORT_ANSWER, 1, key, "al-qahira").points == 1
    assert grade(T.SHORT_ANSWER, 1, key, "القاهرة").points == 1
    assert grade(T.SHORT_ANSWER, 1, key, "Alexandria") == Mark(points=0.0, correct=False)
    assert grade(T.SHORT_ANSWER, 1, key, "Cai ro").points == 0.0  # spaces inside a word count
    assert grade(T.SHORT_ANSWER, 1, key, "") == Mark(points=0.0, correct=False)
    assert grade(T.SHORT_ANSWER, 1, key, None) == Mark(points=0.0, correct=False)


def test_normalise():
    assert normalise("  Ｈｅｌｌｏ \t  Ｗｏｒｌｄ ") == "hello world"
    assert normalise("cafe\u0301") == normalise("caf\u00e9") == "caf\u00e9"


# --- numeric ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "right"),
    [
        (3.14, True),
        (3.15, True),  # value + tolerance: inclusive
        (3.13, True),  # value - tolerance: inclusive
        (3.1501, False),
        (3.1299, False),
        (3, False),
        (-3.14, False),
    ],
)
def test_numeric_tolerance_is_inclusive(response, right):
    mark = grade(T.NUMERIC, 2, {"value": 3.14, "tolerance": 0.01}, response)
    assert mark == Mark(points=2 if right else 0.0, correct=right)


def test_numeric_exact_and_negative_and_integers():
    assert grade(T.NUMERIC, 1, {"value": 4}, 4).correct is True
    assert grade(T.NUMERIC, 1, {"value": 4}, 4.0).correct is True
    assert grade(T.NUMERIC, 1, {"value": 4, "tolerance": 0}, 4.001).correct is False
    assert grade(T.NUMERIC, 1, {"value": -10, "tolerance": 2}, -12).correct is True
    assert grade(T.NUMERIC, 1, {"value": -10, "tolerance": 2}, -12.01).correct is False
    assert grade(T.NUMERIC, 1, {"value": 100, "tolerance": 5}, 95).correct is True
    assert grade(T.NUMERIC, 1, {"value": 100, "tolerance": 5}, None).points == 0.0


# --- essay ------------------------------------------------------------------------------------


def test_essay_waits_for_a_person():
    assert grade(T.ESSAY, 5, {}, "A long answer") == Mark(points=None, correct=None)
    assert grade(T.ESSAY, 5, {}, None) == Mark(points=None, correct=None)


# --- key_problems -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "key"),
    [
        (T.SINGLE_CHOICE, OPTS, {"correct": "a"}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": ["a", "d"]}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": ["b"]}),
        (T.TRUE_FALSE, [], {"correct": False}),
        (T.SHORT_ANSWER, [], {"accepted": ["x", "القاهرة"]}),
        (T.NUMERIC, [], {"value": 1.5, "tolerance": 0.1}),
        (T.NUMERIC, [], {"value": -2}),
        (T.ESSAY, [], {}),
    ],
)
def test_good_keys_have_no_problems(kind, options, key):
    assert key_problems(kind, options, key) == []


@pytest.mark.parametrize(
    ("kind", "options", "key"),
    [
        (T.SINGLE_CHOICE, OPTS, {}),
        (T.SINGLE_CHOICE, OPTS, {"correct": "z"}),
        (T.SINGLE_CHOICE, OPTS[:1], {"correct": "a"}),  # one option is no choice
        (T.SINGLE_CHOICE, [OPTS[0], OPTS[0]], {"correct": "a"}),  # duplicate ids
        (T.SINGLE_CHOICE, [], {"correct": "a"}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": []}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": "a"}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": ["a", "z"]}),
        (T.MULTIPLE_CHOICE, OPTS, {"correct": ["a", "a"]}),
        (T.TRUE_FALSE, [], {}),
        (T.TRUE_FALSE, [], {"correct": "true"}),
        (T.TRUE_FALSE, [], {"correct": 1}),
        (T.SHORT_ANSWER, [], {}),
        (T.SHORT_ANSWER, [], {"accepted": []}),
        (T.SHORT_ANSWER, [], {"accepted": "Paris"}),
        (T.SHORT_ANSWER, [], {"accepted": ["  "]}),  # blank after normalising
        (T.SHORT_ANSWER, [], {"accepted": [3]}),
        (T.NUMERIC, [], {}),
        (T.NUMERIC, [], {"value": "3"}),
        (T.NUMERIC, [], {"value": True}),
        (T.NUMERIC, [], {"value": math.nan}),
        (T.NUMERIC, [], {"value": math.inf}),
        (T.NUMERIC, [], {"value": 1, "tolerance": -0.1}),
        (T.NUMERIC, [], {"value": 1, "tolerance": "0.1"}),
    ],
)
def test_bad_keys_are_explained(kind, options, key):
    problems = key_problems(kind, options, key)
    assert problems and all(isinstance(p, str) and p for p in problems)


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (T.SINGLE_CHOICE, {"correct": ["a"]}),  # a list where one id belongs
        (T.SINGLE_CHOICE, {"correct": {"id": "a"}}),
        (T.MULTIPLE_CHOICE, {"correct": [["a"], "b"]}),
        (T.NUMERIC, {"value": 10**400}),  # valid JSON, too large for a float
    ],
    ids=["single-list", "single-object", "multiple-nested-list", "numeric-huge-int"],
)
def test_odd_json_in_a_key_is_a_problem_not_a_crash(kind, key):
    """A key is JSON from staff; any shape must come back as a problem (→ 422), never raise.
    BUG: ``set(...)``/``in set`` on unhashable values raise TypeError, ``math.isfinite`` on a huge
    int raises OverflowError (grading.py key_problems) → a 500 on POST .../questions."""
    options = OPTS if kind in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE) else []
    assert key_problems(kind, options, key)


# --- response_problem -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "response"),
    [
        (T.SINGLE_CHOICE, "a"),
        (T.SINGLE_CHOICE, None),
        (T.MULTIPLE_CHOICE, []),
        (T.MULTIPLE_CHOICE, ["a", "d"]),
        (T.TRUE_FALSE, False),
        (T.SHORT_ANSWER, "text"),
        (T.SHORT_ANSWER, "x" * 1000),
        (T.NUMERIC, 3),
        (T.NUMERIC, -2.5),
        (T.ESSAY, "long " * 1000),
        (T.ESSAY, None),
    ],
)
def test_fitting_responses(kind, response):
    assert response_problem(kind, OPTS, response) is None


@pytest.mark.parametrize(
    ("kind", "response"),
    [
        (T.SINGLE_CHOICE, "z"),
        (T.SINGLE_CHOICE, 1),
        (T.MULTIPLE_CHOICE, "a"),
        (T.MULTIPLE_CHOICE, ["a", "z"]),
        (T.MULTIPLE_CHOICE, ["a", "a"]),
        (T.TRUE_FALSE, "true"),
        (T.TRUE_FALSE, 0),
        (T.SHORT_ANSWER, 42),
        (T.SHORT_ANSWER, "x" * 1001),
        (T.NUMERIC, "3"),
        (T.NUMERIC, True),
        (T.NUMERIC, math.inf),
        (T.NUMERIC, math.nan),
        (T.ESSAY, 12),
        (T.ESSAY, "x" * 20_001),
    ],
)
def test_misshapen_responses(kind, response):
    problem = response_problem(kind, OPTS, response)
    assert isinstance(problem, str) and problem


@pytest.mark.parametrize(
    ("kind", "response"),
    [
        (T.SINGLE_CHOICE, ["a"]),
        (T.SINGLE_CHOICE, {"id": "a"}),
        (T.MULTIPLE_CHOICE, [["a"]]),
        (T.MULTIPLE_CHOICE, [{"id": "a"}]),
        (T.NUMERIC, 10**400),
    ],
    ids=["single-list", "single-object", "multiple-nested-list", "multiple-objects", "huge-int"],
)
def test_odd_json_in_a_response_is_a_problem_not_a_crash(kind, response):
    """BUG: grading.py response_problem raises TypeError (unhashable list/dict in ``in ids`` /
    ``set(response)``) and OverflowError (``math.isfinite`` of a huge int) instead of returning
    a message, so ``PUT /attempts/{id}/answers`` answers 500 instead of 422."""
    problem = response_problem(kind, OPTS, response)
    assert isinstance(problem, str) and problem
