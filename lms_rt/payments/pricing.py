"""What a course costs this buyer: the course's price less a valid coupon, decided on the
server (a client never names an amount)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from lms_rt.courses.models import Course
from lms_rt.errors import Conflict, Invalid
from lms_rt.payments.models import Coupon


@dataclass(frozen=True)
class Quote:
    amount: int  # minor units
    currency: str
    coupon: Coupon | None


def normalise_code(code: str) -> str:
    return code.strip().upper()


async def quote(course: Course, coupon_code: str | None, now: datetime) -> Quote:
    if course.price_amount <= 0:
        raise Conflict("This course is free: enroll without paying")
    if not coupon_code:
        return Quote(course.price_amount, course.currency, None)
    coupon = await Coupon.filter(code=normalise_code(coupon_code)).first()
    if coupon is None:
        raise Invalid("No such coupon", details=[{"field": "coupon", "message": "unknown code"}])
    await _check(coupon, course, now)
    amount = discounted(course.price_amount, course.currency, coupon)
    if amount <= 0:
        raise Conflict("This coupon covers the whole price; ask for a free enrollment instead")
    return Quote(amount, course.currency, coupon)


async def _check(coupon: Coupon, course: Course, now: datetime) -> None:
    if coupon.valid_until is not None and now >= coupon.valid_until:
        raise Conflict("This coupon has expired", details=[{"field": "coupon"}])
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise Conflict("This coupon has been used up", details=[{"field": "coupon"}])
    limited_to = await coupon.courses.all().values_list("id", flat=True)
    if limited_to and course.id not in limited_to:
        raise Conflict("This coupon does not apply to this course", details=[{"field": "coupon"}])
    if coupon.amount_off is not None and coupon.currency != course.currency:
        raise Conflict("This coupon is in another currency", details=[{"field": "coupon"}])


def discounted(price: int, currency: str, coupon: Coupon) -> int:
    if coupon.percent_off is not None:
        off = (Decimal(price) * coupon.percent_off / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return price - int(off)
    if coupon.amount_off is not None and coupon.currency == currency:
        return price - coupon.amount_off
    return price
