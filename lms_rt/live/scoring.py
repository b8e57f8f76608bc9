"""Live quiz scoring and ranking; pure functions, no I/O."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms_rt.quizzes.models import QuestionType

LIVE_TYPES = frozenset(
    {
        QuestionType.SINGLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.NUMERIC,
    }
)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def points_for(
    correct: bool, elapsed_ms: int, limit_seconds: int, points: int, speed_bonus: bool
) -> int:
    """``points * (1 - elapsed / (2 * limit))`` for a correct answer with the speed bonus on.

    Elapsed is clamped to the limit: an answer in the grace period earns half, never less.
    """
    if not correct:
        return 0
    if not speed_bonus:
        return points
    limit_ms = limit_seconds * 1000
    elapsed = min(max(elapsed_ms, 0), limit_ms)
    # In integers: points * (2L - e) / 2L, rounded half up exactly (floats make some halves
    # come out as .4999...).
    numerator, denominator = points * (2 * limit_ms - elapsed), 2 * limit_ms
    return (2 * numerator + denominator) // (2 * denominator)


def elapsed_ms(opens_at: datetime, received_at: datetime) -> int:
    return max(0, round((received_at - opens_at).total_seconds() * 1000))


@dataclass(frozen=True)
class Standing:
    participant_id: str
    user_id: str
    display_name: str
    score: int
    streak: int
    correct_count: int
    answer_ms: int
    joined_at: datetime


def ranked(standings: Iterable[Standing]) -> list[tuple[int, Standing]]:
    """Highest score first; ties go to less total answer time, then to the earlier joiner."""
    order = sorted(standings, key=lambda s: (-s.score, s.answer_ms, s.joined_at, s.participant_id))
    return [(rank, standing) for rank, standing in enumerate(order, start=1)]


def standing_out(rank: int, standing: Standing) -> dict[str, Any]:
    return {
        "rank": rank,
        "participant_id": standing.participant_id,
        "user_id": standing.user_id,
        "display_name": standing.display_name,
        "score": standing.score,
        "streak": standing.streak,
        "correct_count": standing.correct_count,
    }


def distribution(
    kind: QuestionType | None, options: Sequence[dict[str, Any]], choices: Iterable[Any]
) -> dict[str, int]:
    """How many chose what: per option id, ``true``/``false``, or per number given."""
    counts: Counter[str] = Counter()
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        counts.update({str(option["id"]): 0 for option in options})
    elif kind == QuestionType.TRUE_FALSE:
        counts.update({"true": 0, "false": 0})
    for choice in choices:
        if isinstance(choice, list):
            counts.update(str(item) for item in choice)
        elif isinstance(choice, bool):
            counts["true" if choice else "false"] += 1
        else:
            counts[str(choice)] += 1
    return dict(counts)
