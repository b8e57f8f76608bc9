"""Grading, one pure function per question type; no I/O.

Answer keys by type::

    single_choice    {"correct": "<option id>"}
    multiple_choice  {"correct": ["<option id>", ...]}   partial credit, floor 0
    true_false       {"correct": true}
    short_answer     {"accepted": ["Paris", ...]}         case, space and Unicode-normalised
    numeric          {"value": 3.14, "tolerance": 0.01}
    essay            {}                                     graded by staff
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from lms_rt.quizzes.models import QuestionType

AUTO_GRADED = frozenset(QuestionType) - {QuestionType.ESSAY}
MAX_TEXT_ANSWER = 1000
MAX_ESSAY = 20_000


@dataclass(frozen=True)
class Mark:
    points: float | None  # None: waits for a person
    correct: bool | None


def normalise(text: str) -> str:
    """NFKC (full-width, ligatures), case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def option_ids(options: list[dict[str, Any]]) -> list[str]:
    return [str(option["id"]) for option in options]


def _is_id(value: Any) -> bool:
    return isinstance(value, str)


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _finite(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def key_problems(
    kind: QuestionType, options: list[dict[str, Any]], key: dict[str, Any]
) -> list[str]:
    """Why this answer key cannot grade (empty when it can)."""
    ids = set(option_ids(options))
    choice = kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
    if choice and (len(ids) < 2 or len(ids) != len(options)):
        return ["choice questions need at least two options with distinct ids"]
    if kind == QuestionType.SINGLE_CHOICE:
        correct = key.get("correct")
        return [] if _is_id(correct) and correct in ids else ["correct must be one option id"]
    if kind == QuestionType.MULTIPLE_CHOICE:
        correct = key.get("correct")
        if not _id_list(correct) or not correct or not set(correct) <= ids:
            return ["correct must be a non-empty list of option ids"]
        return [] if len(set(correct)) == len(correct) else ["correct lists an option twice"]
    if kind == QuestionType.TRUE_FALSE:
        return [] if isinstance(key.get("correct"), bool) else ["correct must be true or false"]
    if kind == QuestionType.SHORT_ANSWER:
        accepted = key.get("accepted")
        good = (
            isinstance(accepted, list)
            and accepted
            and all(isinstance(a, str) and normalise(a) for a in accepted)
        )
        return [] if good else ["accepted must list at least one non-empty answer"]
    if kind == QuestionType.NUMERIC:
        value, tolerance = key.get("value"), key.get("tolerance", 0)
        numbers = _finite(value) and _finite(tolerance)
        return [] if numbers and tolerance >= 0 else ["value and tolerance (>= 0) are numbers"]
    return []


def response_problem(
    kind: QuestionType, options: list[dict[str, Any]], response: Any
) -> str | None:
    """Why a saved response has the wrong shape for its question (None when it is fine)."""
    if response is None:
        return None
    ids = set(option_ids(options))
    if kind == QuestionType.SINGLE_CHOICE:
        return None if _is_id(response) and response in ids else "choose one of the options"
    if kind == QuestionType.MULTIPLE_CHOICE:
        ok = _id_list(response) and set(response) <= ids and len(set(response)) == len(response)
        return None if ok else "choose a list of distinct options"
    if kind == QuestionType.TRUE_FALSE:
        return None if isinstance(response, bool) else "answer true or false"
    if kind == QuestionType.SHORT_ANSWER:
        ok = isinstance(response, str) and len(response) <= MAX_TEXT_ANSWER
        return None if ok else f"a text of at most {MAX_TEXT_ANSWER} characters"
    if kind == QuestionType.NUMERIC:
        return None if _finite(response) else "a finite number"
    ok = isinstance(response, str) and len(response) <= MAX_ESSAY
    return None if ok else f"a text of at most {MAX_ESSAY} characters"


def grade(kind: QuestionType, points: float, key: dict[str, Any], response: Any) -> Mark:
    if kind == QuestionType.ESSAY:
        return Mark(points=None, correct=None)
    if response is None:
        return Mark(points=0.0, correct=False)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
        right = response == key.get("correct")
        return Mark(points=points if right else 0.0, correct=right)
    if kind == QuestionType.MULTIPLE_CHOICE:
        correct = set(key.get("correct", []))
        chosen = set(response)
        share = points / len(correct) if correct else 0.0
        earned = share * len(chosen & correct) - share * len(chosen - correct)
        return Mark(points=round(max(0.0, earned), 4), correct=chosen == correct)
    if kind == QuestionType.SHORT_ANSWER:
        accepted = {normalise(a) for a in key.get("accepted", [])}
        right = normalise(response) in accepted
        return Mark(points=points if right else 0.0, correct=right)
    value, tolerance = float(key["value"]), float(key.get("tolerance", 0))
    right = abs(float(response) - value) <= tolerance + 1e-9
    return Mark(points=points if right else 0.0, correct=right)
