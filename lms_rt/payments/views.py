"""``/api/v1/payments``: paying for courses, subscriptions, refunds and provider webhooks."""

from __future__ import annotations

from aiohttp import web
from tortoise.queryset import QuerySet

from lms_rt import keys
from lms_rt.auth.permissions import ADMIN, ANYONE_SIGNED_IN
from lms_rt.courses.models import Course
from lms_rt.db import atomic
from lms_rt.errors import BadRequest, Conflict, NotFound, Unavailable
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page, PageQuery
from lms_rt.http.parsing import path_uuid
from lms_rt.payments import checkout, myfatoorah_flow, refunds, subscriptions, webhooks
from lms_rt.payments.models import Coupon, Payment, Plan, Provider, Subscription
from lms_rt.payments.myfatoorah_gateway import GatewayError as MyFatoorahDown
from lms_rt.payments.myfatoorah_gateway import InvalidWebhook as MyFatoorahForged
from lms_rt.payments.myfatoorah_gateway import PaymentRejected
from lms_rt.payments.presenters import (
    coupon_out,
    payment_out,
    plan_out,
    refund_out,
    subscription_out,
)
from lms_rt.payments.pricing import normalise_code
from lms_rt.payments.providers import GATEWAYS
from lms_rt.payments.schemas import (
    CallbackOut,
    CallbackQuery,
    CouponIn,
    CouponOut,
    MyFatoorahIn,
    MyFatoorahOut,
    PaymentIntentIn,
    PaymentIntentOut,
    PaymentOut,
    PaymentsQuery,
    PlanIn,
    PlanOut,
    PlanUpdate,
    RefundIn,
    RefundOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionStarted,
    WebhookAck,
)
from lms_rt.payments.stripe_gateway import GatewayError as StripeDown
from lms_rt.payments.stripe_gateway import InvalidWebhook as StripeForged
from lms_rt.payments.stripe_gateway import PaymentDeclined
from lms_rt.users.models import User

api = ApiRoutes(tag="payments")
# Webhook bodies are read whole, raw, for their signatures: far below the general limit.
MAX_WEBHOOK_BYTES = 512 * 1024


def _provider_failure(exc: Exception) -> Exception:
    if isinstance(exc, StripeDown | MyFatoorahDown):
        return Unavailable("The payment provider cannot be reached; try again shortly")
    return BadRequest(f"The payment provider refused: {exc}")


# --- paying for a course --------------------------------------------------------------------


@api.post(
    "/payments/create-payment-intent",
    summary="Start paying for a course with Stripe",
    body=PaymentIntentIn,
    response=PaymentIntentOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409, 503],
)
async def create_payment_intent(
    request: web.Request, body: PaymentIntentIn, user: User
) -> PaymentIntentOut:
    """The amount is the course's price less a valid coupon, decided here. Free, unpublished
    and already owned courses are refused. Access follows the verified payment (webhook)."""
    deps = request.app[keys.DEPS]
    course, price = await checkout.payable_course(deps, user, body.course_id, body.coupon)
    try:
        payment, intent = await checkout.stripe_intent(
            deps, request.app[GATEWAYS].stripe, user, course, price
        )
    except (StripeDown, PaymentDeclined) as exc:
        raise _provider_failure(exc) from exc
    return PaymentIntentOut(
        payment_id=payment.id,
        client_secret=intent.client_secret,
        amount=payment.amount,
        currency=payment.currency,
        status=payment.status,
    )


@api.post(
    "/payments/myfatoorah/initiate",
    summary="Start paying for a course with MyFatoorah",
    body=MyFatoorahIn,
    response=MyFatoorahOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409, 503],
)
async def myfatoorah_initiate(
    request: web.Request, body: MyFatoorahIn, user: User
) -> MyFatoorahOut:
    deps = request.app[keys.DEPS]
    course, price = await checkout.payable_course(deps, user, body.course_id, body.coupon)
    try:
        payment, url = await myfatoorah_flow.initiate(
            deps, request.app[GATEWAYS].myfatoorah, user, course, price
        )
    except (MyFatoorahDown, PaymentRejected) as exc:
        raise _provider_failure(exc) from exc
    return MyFatoorahOut(
        payment_id=payment.id, payment_url=url, amount=payment.amount, currency=payment.currency
    )


@api.get(
    "/payments/myfatoorah/callback",
    summary="Where MyFatoorah sends the payer back",
    query=CallbackQuery,
    response=CallbackOut,
    errors=[400, 404, 503],
)
async def myfatoorah_callback(request: web.Request, query: CallbackQuery) -> CallbackOut:
    """Nothing in the URL is believed: the payment is confirmed with GetPaymentStatus. The
    answer says only how it went (the payer may not be signed in on this device)."""
    deps = request.app[keys.DEPS]
    try:
        status = await request.app[GATEWAYS].myfatoorah.get_payment_status(
            query.paymentId, "PaymentId"
        )
    except (MyFatoorahDown, PaymentRejected) as exc:
        raise _provider_failure(exc) from exc
    async with atomic(deps) as effects:
        payment = await myfatoorah_flow.apply_status(deps, effects, status)
    if payment is None:
        raise NotFound("No such payment")
    return CallbackOut(status=payment.status, course_id=payment.course_id)


# --- webhooks -------------------------------------------------------------------------------


async def _raw(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_WEBHOOK_BYTES:
        raise BadRequest("Webhook body too large")
    body = await request.read()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise BadRequest("Webhook body too large")
    return body


@api.post(
    "/payments/webhooks/stripe",
    summary="Stripe webhook (signed)",
    response=WebhookAck,
    errors=[400],
)
async def stripe_webhook(request: web.Request) -> WebhookAck:
    """Verified over the raw body (``Stripe-Signature``, 300 s tolerance); stored once per
    event id and processed by a job. Anything unverified: 400, nothing stored."""
    body = await _raw(request)
    try:
        event = request.app[GATEWAYS].stripe.verify_webhook(
            body, request.headers.get("Stripe-Signature")
        )
    except StripeForged as exc:
        raise BadRequest(f"Webhook refused: {exc}") from exc
    stored = await webhooks.store(
        request.app[keys.DEPS], Provider.STRIPE, str(event["id"]), str(event["type"]), event
    )
    return WebhookAck(duplicate=not stored)


@api.post(
    "/payments/webhooks/myfatoorah",
    summary="MyFatoorah webhook (signed)",
    response=WebhookAck,
    errors=[400],
)
async def myfatoorah_webhook(request: web.Request) -> WebhookAck:
    """Verified with the ``MyFatoorah-Signature`` HMAC; deduplicated by its reference and
    confirmed with GetPaymentStatus when processed."""
    body = await _raw(request)
    try:
        event = request.app[GATEWAYS].myfatoorah.verify_webhook(
            body, request.headers.get("MyFatoorah-Signature")
        )
    except MyFatoorahForged as exc:
        raise BadRequest(f"Webhook refused: {exc}") from exc
    reference = myfatoorah_flow.event_reference(event)
    header = event.get("Event")
    kind = str(header.get("Name", "")) if isinstance(header, dict) else str(header or "")
    stored = await webhooks.store(
        request.app[keys.DEPS], Provider.MYFATOORAH, reference, kind, event
    )
    return WebhookAck(duplicate=not stored)


# --- subscriptions --------------------------------------------------------------------------


@api.get("/payments/plans", summary="Subscription plans on offer", response=list[PlanOut])
async def list_plans(request: web.Request) -> list[PlanOut]:
    return [plan_out(p) for p in await Plan.filter(is_active=True).order_by("price_amount")]


@api.post(
    "/payments/plans",
    summary="Create a subscription plan (admin)",
    body=PlanIn,
    response=PlanOut,
    status=201,
    roles=ADMIN,
)
async def create_plan(request: web.Request, body: PlanIn, user: User) -> PlanOut:
    return plan_out(await Plan.create(**body.model_dump()))


@api.patch(
    "/payments/plans/{plan_id}",
    summary="Rename, reprice or withdraw a plan (admin)",
    body=PlanUpdate,
    response=PlanOut,
    roles=ADMIN,
    errors=[404],
)
async def update_plan(request: web.Request, body: PlanUpdate, user: User) -> PlanOut:
    """Existing subscriptions keep their Stripe price; a withdrawn plan takes no new ones."""
    plan = await Plan.filter(id=path_uuid(request, "plan_id")).first()
    if plan is None:
        raise NotFound("No such plan")
    changes = body.model_dump(exclude_none=True)
    if changes:
        await Plan.filter(id=plan.id).update(**changes)
    return plan_out(await Plan.get(id=plan.id))


@api.post(
    "/payments/create-subscription",
    summary="Subscribe to a plan with Stripe",
    body=SubscriptionIn,
    response=SubscriptionStarted,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409, 503],
)
async def create_subscription(
    request: web.Request, body: SubscriptionIn, user: User
) -> SubscriptionStarted:
    """Active once Stripe says its first invoice is paid (webhook)."""
    try:
        row, secret = await subscriptions.start(
            request.app[keys.DEPS], request.app[GATEWAYS].stripe, user, body.plan_id
        )
    except (StripeDown, PaymentDeclined) as exc:
        raise _provider_failure(exc) from exc
    return SubscriptionStarted(subscription=subscription_out(row), client_secret=secret)


@api.post(
    "/payments/subscriptions/{subscription_id}/cancel",
    summary="Cancel a subscription at the end of its period",
    response=SubscriptionOut,
    roles=ANYONE_SIGNED_IN,
    errors=[400, 404, 409, 503],
)
async def cancel_subscription(request: web.Request, user: User) -> SubscriptionOut:
    try:
        row = await subscriptions.cancel_at_period_end(
            request.app[keys.DEPS],
            request.app[GATEWAYS].stripe,
            user,
            path_uuid(request, "subscription_id"),
        )
    except (StripeDown, PaymentDeclined) as exc:
        raise _provider_failure(exc) from exc
    return subscription_out(row)


@api.get(
    "/payments/my-subscriptions",
    summary="My subscriptions",
    response=list[SubscriptionOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_subscriptions(request: web.Request, user: User) -> list[SubscriptionOut]:
    rows = await Subscription.filter(user_id=user.id).order_by("-created_at")
    return [subscription_out(r) for r in rows]


# --- records --------------------------------------------------------------------------------


@api.get(
    "/payments/my-payments",
    summary="My payments",
    query=PageQuery,
    response=Page[PaymentOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_payments(request: web.Request, query: PageQuery, user: User) -> Page[PaymentOut]:
    return await _page(Payment.filter(user_id=user.id), query)


@api.get(
    "/payments",
    summary="All payments (admin)",
    query=PaymentsQuery,
    response=Page[PaymentOut],
    roles=ADMIN,
)
async def all_payments(request: web.Request, query: PaymentsQuery, user: User) -> Page[PaymentOut]:
    rows = Payment.all()
    for name in ("status", "provider", "user_id", "course_id"):
        value = getattr(query, name)
        if value is not None:
            rows = rows.filter(**{name: value})
    return await _page(rows, query)


async def _page(rows: QuerySet[Payment], query: PageQuery) -> Page[PaymentOut]:
    """Newest first, one page of them, with the total."""
    total = await rows.count()
    page = await rows.order_by("-created_at", "id").offset(query.offset).limit(query.limit)
    return Page[PaymentOut](
        items=[payment_out(p) for p in page], total=total, limit=query.limit, offset=query.offset
    )


@api.post(
    "/payments/{payment_id}/refund",
    summary="Refund a payment, fully or in part (admin)",
    body=RefundIn,
    response=RefundOut,
    status=201,
    roles=ADMIN,
    errors=[404, 409, 503],
)
async def refund_payment(request: web.Request, body: RefundIn, user: User) -> RefundOut:
    payment = await Payment.filter(id=path_uuid(request, "payment_id")).first()
    if payment is None:
        raise NotFound("No such payment")
    try:
        row = await refunds.refund(
            request.app[keys.DEPS],
            request.app[GATEWAYS].stripe,
            user,
            payment,
            body.amount,
            body.reason,
            body.request_id,
        )
    except (StripeDown, PaymentDeclined) as exc:
        raise _provider_failure(exc) from exc
    return refund_out(row)


@api.post(
    "/payments/coupons",
    summary="Create a coupon (admin)",
    body=CouponIn,
    response=CouponOut,
    status=201,
    roles=ADMIN,
    errors=[404, 409],
)
async def create_coupon(request: web.Request, body: CouponIn, user: User) -> CouponOut:
    code = normalise_code(body.code)
    if await Coupon.filter(code=code).exists():
        raise Conflict("A coupon with this code exists")
    courses = await Course.filter(id__in=body.course_ids)
    if len(courses) != len(set(body.course_ids)):
        raise NotFound("No such course")
    async with atomic(request.app[keys.DEPS]):
        coupon = await Coupon.create(code=code, **body.model_dump(exclude={"code", "course_ids"}))
        if courses:
            await coupon.courses.add(*courses)
    return coupon_out(coupon)
