"""The gradebook's arithmetic for one student; pure, no I/O.

- A cell counts when it has a percentage (a score, an override, or 0 for ``missing``) and its
  column's category is in the settings; an override replaces the cell's own percentage.
- A category drops its ``drop_lowest`` lowest counted percentages (ties: the earlier column
  first), never its last counted item, then aggregates what is left: ``mean`` gives each item
  the same weight, ``points`` is the sum of scores over the sum of maxima (every cell's score is
  its percentage of its column's maximum; all maxima 0 falls back to the mean).
- The final percentage is the weighted mean of the categories that have a percentage; an empty
  category's weight is shared among the others in proportion to their weights.
- Everything is computed on unrounded values; percentages and scores are rounded to two
  decimals only for display. The letter is the first band of the scale (highest first) whose
  minimum the displayed final percentage reaches, so the two never disagree (89.996 shows as
  90.0 and is an A). A "final" override replaces the final percentage and so the letter; the
  computed value is still shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from lms_rt.gradebook.rules import Category, Rules, letter_for
from lms_rt.gradebook.schemas import CategoryOut, CellOut, CellStatus, ColumnOut, ItemKind

FINAL = "final"
UNKNOWN_CATEGORY = "unknown_category"


@dataclass(frozen=True)
class Column:
    key: str
    kind: ItemKind
    title: str
    category: str
    max_points: float
    closes_at: datetime | None
    scoring_policy: str | None = None

    def out(self, rules: Rules) -> ColumnOut:
        known = any(c.key == self.category for c in rules.categories)
        return ColumnOut(
            key=self.key,
            kind=self.kind,
            title=self.title,
            category=self.category,
            max_points=self.max_points,
            closes_at=self.closes_at,
            scoring_policy=self.scoring_policy,
            counted=known,
            flags=[] if known else [UNKNOWN_CATEGORY],
        )


@dataclass(frozen=True)
class Score:
    """What the sources found for one cell; ``percentage`` unrounded, None when left out."""

    status: CellStatus
    percentage: float | None = None


OPEN = Score("open")


@dataclass(frozen=True)
class Override:
    percentage: float
    reason: str


@dataclass
class Graded:
    cells: dict[str, CellOut]
    categories: list[CategoryOut]
    computed_percentage: float | None
    final_percentage: float | None
    letter: str | None
    final_overridden: bool
    final_override_reason: str | None
    weights_redistributed: bool
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Counted:
    key: str
    index: int
    percentage: float
    max_points: float


def _display(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def grade_row(
    columns: list[Column], scores: dict[str, Score], overrides: dict[str, Override], rules: Rules
) -> Graded:
    known = {c.key for c in rules.categories}
    counted: dict[str, list[_Counted]] = {key: [] for key in known}
    cells: dict[str, CellOut] = {}
    for index, column in enumerate(columns):
        score = scores.get(column.key, OPEN)
        override = overrides.get(column.key)
        percentage = override.percentage if override is not None else score.percentage
        counts = percentage is not None and column.category in known
        if counts and percentage is not None:
            counted[column.category].append(
                _Counted(column.key, index, percentage, column.max_points)
            )
        cells[column.key] = CellOut(
            item=column.key,
            status=score.status,
            score=None if percentage is None else _display(percentage * column.max_points / 100),
            max=column.max_points,
            percentage=_display(percentage),
            counted=counts,
            overridden=override is not None,
            override_reason=override.reason if override is not None else None,
        )

    results: list[tuple[Category, float | None, list[str], int]] = []
    for category in rules.categories:
        percentage, dropped, kept = _aggregate(category, counted[category.key])
        for key in dropped:
            cells[key].dropped = True
        results.append((category, percentage, dropped, kept))

    present = [(c, p) for c, p, _, _ in results if p is not None]
    total_weight = math.fsum(c.weight for c, _ in present)
    computed = (
        math.fsum(c.weight * p for c, p in present) / total_weight if total_weight > 0 else None
    )
    empty_weighted = [c for c, p, _, _ in results if p is None and c.weight > 0]
    redistributed = computed is not None and bool(empty_weighted)
    categories = [
        CategoryOut(
            key=c.key,
            name=c.name,
            weight=c.weight,
            effective_weight=round(100 * c.weight / total_weight, 4)
            if p is not None and total_weight > 0
            else 0.0,
            aggregate=c.aggregate,
            percentage=_display(p),
            counted_items=kept,
            dropped_items=dropped,
        )
        for c, p, dropped, kept in results
    ]
    notes = []
    if redistributed:
        names = ", ".join(f"{c.name} ({c.weight:g}%)" for c in empty_weighted)
        notes.append(
            f"No counted items yet in {names}: that weight is shared among the other categories "
            "in proportion to their weights"
        )
    unknown = sorted({col.category for col in columns if col.category not in known})
    if unknown:
        notes.append(
            f"Items in categories not in the settings are shown but not counted: "
            f"{', '.join(unknown)}"
        )

    final = overrides.get(FINAL)
    final_percentage = _display(final.percentage if final is not None else computed)
    if final is not None:
        notes.append("The final grade is overridden by staff")
    return Graded(
        cells=cells,
        categories=categories,
        computed_percentage=_display(computed),
        final_percentage=final_percentage,
        letter=letter_for(final_percentage, rules.letter_scale),
        final_overridden=final is not None,
        final_override_reason=final.reason if final is not None else None,
        weights_redistributed=redistributed,
        notes=notes,
    )


def _aggregate(category: Category, entries: list[_Counted]) -> tuple[float | None, list[str], int]:
    """The category's percentage, the keys it dropped and how many items it kept."""
    if not entries:
        return None, [], 0
    drop = min(category.drop_lowest, len(entries) - 1)
    lowest = sorted(entries, key=lambda e: (e.percentage, e.index))[:drop]
    dropped = {e.key for e in lowest}
    kept = [e for e in entries if e.key not in dropped]
    maximum = math.fsum(e.max_points for e in kept)
    if category.aggregate == "points" and maximum > 0:
        percentage = math.fsum(e.percentage * e.max_points for e in kept) / maximum
    else:
        percentage = math.fsum(e.percentage for e in kept) / len(kept)
    return percentage, [e.key for e in entries if e.key in dropped], len(kept)
