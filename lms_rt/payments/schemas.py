"""Request and response models of ``/api/v1/payments``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lms_rt.http.pagination import PageQuery
from lms_rt.money import Currency
from lms_rt.payments.models import (
    PaymentKind,
    PaymentStatus,
    PlanInterval,
    Provider,
    SubscriptionStatus,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PaymentIntentIn(Strict):
    """Only what to buy: the amount is the server's to decide."""

    course_id: uuid.UUID
    coupon: str | None = Field(None, min_length=1, max_length=40)


class PaymentIntentOut(BaseModel):
    payment_id: uuid.UUID
    client_secret: str | None
    amount: int
    currency: str
    status: PaymentStatus


class MyFatoorahIn(Strict):
    course_id: uuid.UUID
    coupon: str | None = Field(None, min_length=1, max_length=40)


class MyFatoorahOut(BaseModel):
    payment_id: uuid.UUID
    payment_url: str
    amount: int
    currency: str


class CallbackQuery(BaseModel):
    # MyFatoorah appends these to the callback URL.
    paymentId: str = Field(min_length=1, max_length=100)
    Id: str | None = None


class CallbackOut(BaseModel):
    status: PaymentStatus
    course_id: uuid.UUID | None


class PaymentOut(BaseModel):
    id: uuid.UUID
    provider: Provider
    provider_reference: str | None
    user_id: uuid.UUID
    course_id: uuid.UUID | None
    enrollment_id: uuid.UUID | None
    subscription_id: uuid.UUID | None
    kind: PaymentKind
    amount: int
    currency: str
    amount_refunded: int
    status: PaymentStatus
    failure_reason: str | None
    created_at: datetime
    processed_at: datetime | None


class PaymentsQuery(PageQuery):
    status: PaymentStatus | None = None
    provider: Provider | None = None
    user_id: uuid.UUID | None = None
    course_id: uuid.UUID | None = None


class RefundIn(Strict):
    amount: int | None = Field(
        None, gt=0, description="Minor units; the whole remainder if left out"
    )
    reason: str = Field("", max_length=500)
    request_id: str | None = Field(
        None, min_length=1, max_length=100, description="The same request id is the same refund"
    )


class RefundOut(BaseModel):
    id: uuid.UUID
    payment_id: uuid.UUID
    amount: int
    reason: str
    provider_refund_id: str | None
    created_at: datetime


class SubscriptionIn(Strict):
    plan_id: uuid.UUID


class SubscriptionOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    status: SubscriptionStatus
    current_period_end: datetime | None
    cancel_at_period_end: bool
    created_at: datetime


class SubscriptionStarted(BaseModel):
    subscription: SubscriptionOut
    client_secret: str | None


class PlanIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    price_amount: int = Field(gt=0)
    currency: Currency = "EGP"
    interval: PlanInterval
    stripe_price_id: str = Field(min_length=1, max_length=255)


class PlanUpdate(Strict):
    name: str | None = Field(None, min_length=1, max_length=120)
    price_amount: int | None = Field(None, gt=0)
    stripe_price_id: str | None = Field(None, min_length=1, max_length=255)
    is_active: bool | None = None


class PlanOut(BaseModel):
    id: uuid.UUID
    name: str
    price_amount: int
    currency: str
    interval: PlanInterval
    is_active: bool


class CouponIn(Strict):
    code: str = Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    percent_off: int | None = Field(None, ge=1, le=100)
    amount_off: int | None = Field(None, gt=0)
    currency: Currency | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = Field(None, gt=0)
    course_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _one_discount(self) -> CouponIn:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("give either percent_off or amount_off")
        if self.amount_off is not None and self.currency is None:
            raise ValueError("amount_off needs its currency")
        return self


class CouponOut(BaseModel):
    id: uuid.UUID
    code: str
    percent_off: int | None
    amount_off: int | None
    currency: str | None
    valid_until: datetime | None
    max_redemptions: int | None
    times_redeemed: int


class WebhookAck(BaseModel):
    received: Literal[True] = True
    duplicate: bool = False
