"""A course's grading rules: categories with weights, and the letter scale.

Stored as JSON on ``GradebookSettings``; a course without a row (or with an empty list) uses
the defaults below. Each rule is checked here, so a PUT that breaks one is refused whole (422)
with a message that says which.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from lms_rt.errors import Invalid
from lms_rt.users.schemas import Strict

# Items name their category by this key (``Quiz.gradebook_category``, ...).
CategoryKey = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
Aggregate = Literal["mean", "points"]
# Weights are percentages typed by people (33.33 + 33.33 + 33.34): equal to 100 within this.
WEIGHT_TOLERANCE = 1e-6
# Sums of floats land a hair below a boundary (89.99999999999999 for 90): letters forgive it.
LETTER_TOLERANCE = 1e-9


class Category(Strict):
    key: CategoryKey
    name: str = Field(min_length=1, max_length=100)
    weight: float = Field(ge=0, le=100)
    aggregate: Aggregate = "mean"
    drop_lowest: int = Field(default=0, ge=0, le=100)


class LetterBand(Strict):
    letter: str = Field(min_length=1, max_length=10)
    min: float = Field(ge=0, le=100)


class Rules(Strict):
    categories: list[Category] = Field(min_length=1, max_length=20)
    letter_scale: list[LetterBand] = Field(min_length=1, max_length=20)


DEFAULT_CATEGORIES = (
    Category(key="quizzes", name="Quizzes", weight=40),
    Category(key="assignments", name="Assignments", weight=50),
    Category(key="live", name="Live sessions", weight=10),
)
DEFAULT_SCALE = (
    LetterBand(letter="A", min=90),
    LetterBand(letter="B", min=80),
    LetterBand(letter="C", min=70),
    LetterBand(letter="D", min=60),
    LetterBand(letter="F", min=0),
)


def default_rules() -> Rules:
    return Rules(categories=list(DEFAULT_CATEGORIES), letter_scale=list(DEFAULT_SCALE))


def stored_rules(categories: list[dict[str, Any]], scale: list[dict[str, Any]]) -> Rules:
    """The rules as stored; an empty list means that part is still the default."""
    return Rules(
        categories=[Category(**c) for c in categories] or list(DEFAULT_CATEGORIES),
        letter_scale=[LetterBand(**b) for b in scale] or list(DEFAULT_SCALE),
    )


def check(rules: Rules) -> None:
    """Refuse rules that cannot grade: 422 naming the broken rule."""
    problems: list[dict[str, Any]] = []
    keys = [c.key for c in rules.categories]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        problems.append(
            {
                "field": "categories",
                "message": f"category keys must be unique; repeated: {', '.join(duplicates)}",
            }
        )
    total = math.fsum(c.weight for c in rules.categories)
    if not math.isclose(total, 100.0, abs_tol=WEIGHT_TOLERANCE):
        problems.append(
            {
                "field": "categories",
                "message": f"category weights must sum to exactly 100; they sum to {total:g}",
            }
        )
    letters = [b.letter for b in rules.letter_scale]
    repeated = sorted({x for x in letters if letters.count(x) > 1})
    if repeated:
        problems.append(
            {
                "field": "letter_scale",
                "message": f"letters must be unique; repeated: {', '.join(repeated)}",
            }
        )
    mins = [b.min for b in rules.letter_scale]
    if any(lower >= higher for higher, lower in itertools.pairwise(mins)):
        problems.append(
            {
                "field": "letter_scale",
                "message": "letter minimums must be strictly descending, highest letter first",
            }
        )
    if mins[-1] != 0:
        problems.append({"field": "letter_scale", "message": "the last letter's minimum must be 0"})
    if problems:
        raise Invalid("; ".join(p["message"] for p in problems), details=problems)


def letter_for(percentage: float | None, scale: list[LetterBand]) -> str | None:
    """The first band (highest first) whose minimum the percentage reaches."""
    if percentage is None:
        return None
    for band in scale:
        if percentage + LETTER_TOLERANCE >= band.min:
            return band.letter
    return scale[-1].letter


class RulesOut(BaseModel):
    categories: list[Category]
    letter_scale: list[LetterBand]
    is_default: bool = Field(description="no settings stored yet: the defaults apply")
