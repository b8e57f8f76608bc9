"""The whole platform for admins: people, learning, money and the job queues."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from tortoise.functions import Count

from lms_rt.analytics.sql import counts_by
from lms_rt.courses.models import Course
from lms_rt.deps import Deps
from lms_rt.enrollments.models import EnrollmentStatus
from lms_rt.payments.models import Payment, PaymentStatus
from lms_rt.users.models import User

MONTHS = 12
TOP_COURSES = 10
PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


async def overview(deps: Deps, now: datetime) -> dict[str, Any]:
    since = now - timedelta(days=31 * MONTHS)
    by_role = (
        await User.filter(is_active=True)
        .group_by("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    figures = await deps.jobs.stats.figures()
    return {
        "generated_at": now.isoformat(),
        "freshness": "live: computed when asked",
        "users": {
            "by_role": {str(role): int(n) for role, n in by_role},
            "active_last_7_days": await User.filter(
                is_active=True, last_login_at__gte=now - timedelta(days=7)
            ).count(),
            "active_last_30_days": await User.filter(
                is_active=True, last_login_at__gte=now - timedelta(days=30)
            ).count(),
        },
        "enrollments_by_month": [
            {"month": m, "enrollments": n}
            for m, n in await counts_by("enrollments", "enrolled_at", "month", since)
        ],
        "completions_by_month": [
            {"month": m, "completions": n}
            for m, n in await counts_by(
                "enrollments",
                "completed_at",
                "month",
                since,
                {"status": EnrollmentStatus.COMPLETED.value},
            )
        ],
        "revenue": await revenue(since),
        "top_courses": [
            {"course_id": str(c.id), "title": c.title, "enrollments": c.enrollment_count}
            for c in await Course.all().order_by("-enrollment_count", "title").limit(TOP_COURSES)
        ],
        "jobs": {
            "waiting": await deps.jobs.depth(),
            "failed": {f.job: f.count for f in figures if f.outcome == "failed"},
        },
    }


async def revenue(since: datetime) -> list[dict[str, Any]]:
    """Per currency and month: collected less refunded, in minor units (never mixed)."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"gross": 0, "refunded": 0})
    for currency in (
        await Payment.filter(status__in=PAID).distinct().values_list("currency", flat=True)
    ):
        for month, gross in await counts_by(
            "payments", "processed_at", "month", since, {"currency": currency}, total="amount"
        ):
            out[(str(currency), month)]["gross"] += gross
        for month, refunded in await counts_by(
            "payments",
            "processed_at",
            "month",
            since,
            {"currency": currency},
            total="amount_refunded",
        ):
            out[(str(currency), month)]["refunded"] += refunded
    return [
        {"currency": currency, "month": month, **v, "net": v["gross"] - v["refunded"]}
        for (currency, month), v in sorted(out.items())
    ]
