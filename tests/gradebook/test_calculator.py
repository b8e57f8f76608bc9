"""The arithmetic alone (no database): drop ties, the "points" aggregate against the mean,
zero-weight categories, unknown categories, float noise at a letter's edge, overrides."""

from __future__ import annotations

from lms_rt.gradebook.calculator import Column, Override, Score, grade_row
from lms_rt.gradebook.rules import Category, LetterBand, Rules, check, default_rules, letter_for


def column(key: str, category: str, max_points: float) -> Column:
    return Column(
        key=key, kind="quiz", title=key, category=category, max_points=max_points, closes_at=None
    )


def rules(*categories: Category) -> Rules:
    return Rules(categories=list(categories), letter_scale=default_rules().letter_scale)


def test_points_against_mean_and_drop_ties():
    columns = [
        column("q1", "quizzes", 10),
        column("q2", "quizzes", 10),
        column("q3", "quizzes", 10),
        column("a1", "assignments", 10),
        column("a2", "assignments", 30),
    ]
    scores = {
        "q1": Score("graded", 60.0),
        "q2": Score("graded", 60.0),
        "q3": Score("graded", 90.0),
        "a1": Score("graded", 100.0),
        "a2": Score("graded", 50.0),
    }
    graded = grade_row(
        columns,
        scores,
        {},
        rules(
            Category(key="quizzes", name="Quizzes", weight=30, drop_lowest=1),
            Category(key="assignments", name="Assignments", weight=70, aggregate="points"),
        ),
    )
    quizzes, assignments = graded.categories
    # q1 and q2 tie at 60: the earlier column goes. (60 + 90) / 2 = 75
    assert quizzes.dropped_items == ["q1"] and quizzes.percentage == 75
    assert graded.cells["q1"].dropped and not graded.cells["q2"].dropped
    # Points: (10 + 15) / (10 + 30) = 62.5 % (the mean of 100 and 50 would be 75)
    assert assignments.percentage == 62.5
    assert graded.cells["a2"].score == 15
    # 0.3 * 75 + 0.7 * 62.5 = 22.5 + 43.75 = 66.25
    assert (graded.final_percentage, graded.letter) == (66.25, "D")
    assert graded.weights_redistributed is False


def test_a_zero_weight_category_is_shown_but_weighs_nothing():
    columns = [column("q1", "quizzes", 4), column("x1", "extra", 4), column("o1", "other", 4)]
    scores = {k: Score("graded", p) for k, p in (("q1", 80.0), ("x1", 10.0), ("o1", 0.0))}
    graded = grade_row(
        columns,
        scores,
        {},
        rules(
            Category(key="quizzes", name="Quizzes", weight=100),
            Category(key="extra", name="Extra", weight=0),
        ),
    )
    assert [c.percentage for c in graded.categories] == [80, 10]
    assert [c.effective_weight for c in graded.categories] == [100, 0]
    assert graded.final_percentage == 80 and graded.weights_redistributed is False
    # "other" is not a category: shown, not counted.
    assert graded.cells["o1"].counted is False and graded.cells["o1"].percentage == 0
    assert any("other" in note for note in graded.notes)


def test_float_noise_does_not_cost_a_letter():
    # 90 % in both categories weighted 17.65 / 82.35 computes as 89.99999999999999.
    columns = [column(k, k, 1) for k in ("a", "b")]
    graded = grade_row(
        columns,
        {k: Score("graded", 90.0) for k in ("a", "b")},
        {},
        rules(
            Category(key="a", name="A", weight=17.65),
            Category(key="b", name="B", weight=82.35),
        ),
    )
    assert (graded.final_percentage, graded.letter) == (90, "A")
    scale = default_rules().letter_scale
    assert [letter_for(p, scale) for p in (100, 90, 89.99, 80, 79.999, 60, 59.99, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "F",
        "F",
    ]
    assert letter_for(None, scale) is None


def test_the_letter_is_that_of_the_percentage_shown():
    # 89.996 is shown as 90.0: the letter is the A that 90.0 earns, not the B of 89.996.
    only = [column("q", "quizzes", 1)]
    one_category = rules(Category(key="quizzes", name="Quizzes", weight=100))
    graded = grade_row(only, {"q": Score("graded", 89.996)}, {}, one_category)
    assert (graded.final_percentage, graded.letter) == (90.0, "A")
    graded = grade_row(only, {"q": Score("graded", 89.994)}, {}, one_category)
    assert (graded.final_percentage, graded.letter) == (89.99, "B")
    # An overridden final is shown and lettered the same way.
    graded = grade_row(
        only, {"q": Score("graded", 50.0)}, {"final": Override(79.996, "Curve")}, one_category
    )
    assert (graded.final_percentage, graded.letter) == (80.0, "B")


def test_overrides_replace_a_cell_and_the_final():
    columns = [column("q1", "quizzes", 10), column("q2", "quizzes", 10)]
    scores = {"q1": Score("missing", 0.0), "q2": Score("graded", 50.0)}
    graded = grade_row(
        columns,
        scores,
        {"q1": Override(100.0, "Excused"), "final": Override(59.5, "Policy")},
        rules(Category(key="quizzes", name="Quizzes", weight=100)),
    )
    assert graded.cells["q1"].overridden and graded.cells["q1"].status == "missing"
    assert graded.cells["q1"].percentage == 100
    assert graded.computed_percentage == 75  # (100 + 50) / 2
    assert (graded.final_percentage, graded.letter, graded.final_overridden) == (59.5, "F", True)


def test_rules_accept_weights_that_add_up_to_100_as_typed():
    check(
        rules(
            Category(key="a", name="A", weight=33.33),
            Category(key="b", name="B", weight=33.33),
            Category(key="c", name="C", weight=33.34),
        )
    )
    check(
        Rules(
            categories=[Category(key="a", name="A", weight=100)],
            letter_scale=[LetterBand(letter="P", min=0)],
        )
    )
