"""The arithmetic of deadlines, lateness and scores, on the server's clock.

- Up to and including ``due_at`` a submission is on time.
- ``refuse``: nothing after ``due_at``.
- ``accept``: up to ``late_days`` days after ``due_at``; ``days_late`` counts *started* days
  (one second late is one day), the penalty is ``days_late * late_penalty_percent``, at most
  100 %.
- A student whose latest attempt staff *returned* may hand in a new one at any time: staff
  asked for it, so the late window does not apply. It keeps the lateness of the attempt that
  was returned (the time staff took to review is not the student's), and is on time when it
  comes before ``due_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lms_rt.assignments.models import Assignment, LatePolicy, Submission, SubmissionStatus
from lms_rt.errors import Conflict

DAY = timedelta(days=1)
CENTS = Decimal("0.01")


class SubmissionRefused(Conflict):
    code = "submission_refused"
    default_message = "This submission is not accepted"


@dataclass(frozen=True)
class Timing:
    is_late: bool
    days_late: int
    penalty_percent: float


ON_TIME = Timing(is_late=False, days_late=0, penalty_percent=0.0)


def closes_at(assignment: Assignment) -> datetime | None:
    """The last moment a first submission is accepted (``None``: no due date)."""
    if assignment.due_at is None:
        return None
    if assignment.late_policy == LatePolicy.ACCEPT:
        return assignment.due_at + assignment.late_days * DAY
    return assignment.due_at


def started_days(late_by: timedelta) -> int:
    """Whole days, rounded up: 1 s late is 1 day, 2.5 days late is 3."""
    return -(-late_by // DAY)


def timing(assignment: Assignment, at: datetime) -> Timing:
    """How late a submission at ``at`` is; refused (409 with the reason) outside the window."""
    due = assignment.due_at
    if due is None or at <= due:
        return ON_TIME
    if assignment.late_policy == LatePolicy.REFUSE:
        raise SubmissionRefused(
            f"The due date passed at {due.isoformat()} and this assignment takes no late "
            "submissions",
            details=[{"reason": "past_due", "due_at": due.isoformat()}],
        )
    closed = due + assignment.late_days * DAY
    if at > closed:
        raise SubmissionRefused(
            f"The late window closed at {closed.isoformat()} ({assignment.late_days} day(s) "
            f"after the due date, {due.isoformat()})",
            details=[
                {
                    "reason": "late_window_closed",
                    "due_at": due.isoformat(),
                    "closed_at": closed.isoformat(),
                }
            ],
        )
    days = started_days(at - due)
    return Timing(
        is_late=True,
        days_late=days,
        penalty_percent=min(100.0, days * assignment.late_penalty_percent),
    )


def next_attempt_timing(assignment: Assignment, latest: Submission | None, at: datetime) -> Timing:
    """The timing of a new attempt after ``latest`` (the student's newest), or the refusal."""
    if latest is None:
        return timing(assignment, at)
    if latest.status == SubmissionStatus.RETURNED:
        if assignment.due_at is None or at <= assignment.due_at:
            return ON_TIME
        return Timing(latest.is_late, latest.days_late, latest.penalty_percent)
    if not assignment.allow_resubmission:
        raise SubmissionRefused(
            "You have already submitted this assignment and it takes no resubmissions",
            details=[{"reason": "resubmission_not_allowed", "attempt": latest.attempt}],
        )
    return timing(assignment, at)


def penalised(raw_score: float, penalty_percent: float) -> float:
    """The score after the late penalty, to two decimals, half up as people round the numbers
    they typed: 80 at 30 % → 56.0, 1.005 → 1.01 (float ``round`` would give 1.0)."""
    raw = Decimal(str(raw_score))
    kept = raw * (100 - Decimal(str(penalty_percent))) / 100
    return float(kept.quantize(CENTS, rounding=ROUND_HALF_UP))
