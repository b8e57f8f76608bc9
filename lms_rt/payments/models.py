"""Payments, subscriptions, plans, coupons, refunds and the webhook events that move them.

Amounts are integers in the currency's minor unit. Provider references are unique per
provider, and so are webhook event ids: a second delivery of anything finds its row.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course
from lms_rt.enrollments.models import Enrollment
from lms_rt.users.models import User


class Provider(StrEnum):
    STRIPE = "stripe"
    MYFATOORAH = "myfatoorah"


class PaymentKind(StrEnum):
    ONE_TIME = "one_time"
    RECURRING = "recurring"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    # 3-D Secure and similar: the customer still has a step to take; not a failure.
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class SubscriptionStatus(StrEnum):
    INCOMPLETE = "incomplete"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class PlanInterval(StrEnum):
    MONTH = "month"
    YEAR = "year"


class Plan(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    name = fields.CharField(max_length=120)
    price_amount = fields.IntField()
    currency = fields.CharField(max_length=3, default="EGP")
    interval = fields.CharEnumField(PlanInterval, max_length=8)
    stripe_price_id = fields.CharField(max_length=255, null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "plans"


class Coupon(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    code = fields.CharField(max_length=40, unique=True)  # stored upper-case
    percent_off = fields.SmallIntField(null=True)  # 1..100
    amount_off = fields.IntField(null=True)  # minor units of ``currency``
    currency = fields.CharField(max_length=3, null=True)
    valid_until = fields.DatetimeField(null=True)
    max_redemptions = fields.IntField(null=True)
    # Redemptions are counted when a payment using the coupon succeeds.
    times_redeemed = fields.IntField(default=0)
    courses: fields.ManyToManyRelation[Course] = fields.ManyToManyField(
        "models.Course", related_name="coupons", through="coupon_courses"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupons"


class Subscription(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    provider = fields.CharEnumField(Provider, max_length=16, default=Provider.STRIPE)
    provider_subscription_id = fields.CharField(max_length=255, null=True)
    provider_customer_id = fields.CharField(max_length=255, null=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="subscriptions", on_delete=fields.RESTRICT
    )
    user_id: uuid.UUID
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="subscriptions", on_delete=fields.RESTRICT
    )
    plan_id: uuid.UUID
    status = fields.CharEnumField(
        SubscriptionStatus, max_length=16, default=SubscriptionStatus.INCOMPLETE
    )
    current_period_end = fields.DatetimeField(null=True)
    # The end of the last period actually paid: Stripe moves ``current_period_end`` on even
    # when a renewal fails, and access must not follow it.
    paid_through = fields.DatetimeField(null=True)
    cancel_at_period_end = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "subscriptions"
        unique_together = (("provider", "provider_subscription_id"),)


class Payment(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    provider = fields.CharEnumField(Provider, max_length=16)
    # The provider's id for it (PaymentIntent, invoice); unique per provider once known.
    provider_reference = fields.CharField(max_length=255, null=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="payments", on_delete=fields.RESTRICT
    )
    user_id: uuid.UUID
    course: fields.ForeignKeyNullableRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="payments", null=True, on_delete=fields.RESTRICT
    )
    course_id: uuid.UUID | None
    enrollment: fields.ForeignKeyNullableRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    enrollment_id: uuid.UUID | None
    subscription: fields.ForeignKeyNullableRelation[Subscription] = fields.ForeignKeyField(
        "models.Subscription", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    subscription_id: uuid.UUID | None
    coupon: fields.ForeignKeyNullableRelation[Coupon] = fields.ForeignKeyField(
        "models.Coupon", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    coupon_id: uuid.UUID | None
    kind = fields.CharEnumField(PaymentKind, max_length=16, default=PaymentKind.ONE_TIME)
    amount = fields.IntField()  # minor units
    currency = fields.CharField(max_length=3, default="EGP")
    amount_refunded = fields.IntField(default=0)
    status = fields.CharEnumField(PaymentStatus, max_length=24, default=PaymentStatus.PENDING)
    failure_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payments"
        unique_together = (("provider", "provider_reference"),)
        indexes = (("user", "created_at"),)


class Refund(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    payment: fields.ForeignKeyRelation[Payment] = fields.ForeignKeyField(
        "models.Payment", related_name="refunds", on_delete=fields.RESTRICT
    )
    payment_id: uuid.UUID
    provider_refund_id = fields.CharField(max_length=255, null=True, unique=True)
    # The admin's request key: the same request twice is one refund.
    idempotency_key = fields.CharField(max_length=255, unique=True)
    amount = fields.IntField()
    reason = fields.TextField(default="")
    requested_by_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refunds"


class WebhookEvent(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    provider = fields.CharEnumField(Provider, max_length=16)
    event_id = fields.CharField(max_length=255)
    type = fields.CharField(max_length=100)
    payload: fields.Field[dict[str, Any]] = fields.JSONField()
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "webhook_events"
        unique_together = (("provider", "event_id"),)


class StripeCustomer(Model):
    """Each user is one Stripe customer, created once."""

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="stripe_customer", on_delete=fields.RESTRICT, primary_key=True
    )
    user_id: uuid.UUID
    customer_id = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stripe_customers"
