"""Figures the fuzz tests count, printed in pytest's terminal summary (see conftest.py)."""

from __future__ import annotations

from collections import Counter

# Test name -> its figures, in the order they were recorded.
FIGURES: dict[str, dict[str, object]] = {}


def record(test: str, **figures: object) -> None:
    FIGURES.setdefault(test, {}).update(figures)


def tally(counter: Counter[str]) -> str:
    return ", ".join(f"{name}={count}" for name, count in sorted(counter.items())) or "none"
