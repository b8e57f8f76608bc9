"""The Stripe gateway against the local Stripe stand-in (no database, no network).

The stand-in speaks Stripe's wire format, so these tests run the real SDK end to end: form
encoding, idempotency keys, error bodies and statuses, and webhook signatures computed by the
harness's own HMAC code and checked by the gateway.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from lms_rt.config import Settings
from lms_rt.payments.stripe_gateway import (
    MAX_EVENT_PAGES,
    GatewayError,
    InvalidWebhook,
    PaymentDeclined,
    StripeGateway,
    StripeIntent,
    StripeRefund,
    StripeSubscription,
    invoice_subscription_id,
    parse_intent,
    parse_subscription,
)
from tests.harness.services import free_port
from tests.harness.stripe_standin import StripeStandIn, decode_form, sign

API_KEY = "sk_test_x"
SECRET = "whsec_test"
DAY = 86_400


def make_settings(base: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "stripe_api_key": API_KEY,
        "stripe_api_base": base,
        "stripe_webhook_secret": SECRET,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def standin() -> AsyncIterator[StripeStandIn]:
    async with StripeStandIn(api_key=API_KEY) as server:
        yield server


@pytest.fixture
async def gateway(standin: StripeStandIn) -> AsyncIterator[StripeGateway]:
    client = StripeGateway(make_settings(standin.url))
    try:
        yield client
    finally:
        await client.close()


async def customer(gateway: StripeGateway, key: str = "customer:u1") -> str:
    return await gateway.create_customer(
        email="student@example.com", name="Student One", user_id="u1", idempotency_key=key
    )


async def intent(gateway: StripeGateway, cus: str, key: str = "pay:1", **kw: Any) -> StripeIntent:
    values: dict[str, Any] = {
        "amount": 1000,
        "currency": "USD",
        "customer": cus,
        "metadata": {"payment_id": "p1"},
        "idempotency_key": key,
    }
    values.update(kw)
    return await gateway.create_payment_intent(**values)


def assert_plain(value: Any) -> None:
    """Only JSON's own types, all the way down (no SDK objects)."""
    if isinstance(value, dict):
        assert type(value) is dict
        for key, item in value.items():
            assert type(key) is str
            assert_plain(item)
    elif isinstance(value, list):
        assert type(value) is list
        for item in value:
            assert_plain(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)


# ---------------------------------------------------------------------------------------------
# Customers and idempotency


async def test_create_customer_sends_identity_and_key(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)

    assert cus.startswith("cus_")
    stored = standin.object(cus)
    assert stored["email"] == "student@example.com"
    assert stored["name"] == "Student One"
    assert stored["metadata"] == {"user_id": "u1"}
    (call,) = standin.calls("POST", "/v1/customers")
    assert call.idempotency_key == "customer:u1"
    assert call.headers["Authorization"] == f"Bearer {API_KEY}"
    assert call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")


async def test_same_idempotency_key_twice_creates_one_customer(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    first = await customer(gateway)
    second = await customer(gateway)

    assert first == second
    assert len(standin.objects("customer")) == 1
    assert [c.status for c in standin.calls("POST", "/v1/customers")] == [200, 200]


async def test_key_reused_with_other_parameters_is_refused(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    await customer(gateway)
    with pytest.raises(PaymentDeclined) as caught:
        await gateway.create_customer(
            email="other@example.com", name="Other", user_id="u2", idempotency_key="customer:u1"
        )

    assert caught.value.code == "idempotency_error"
    assert caught.value.status == 400
    assert len(standin.objects("customer")) == 1


# ---------------------------------------------------------------------------------------------
# Payment intents


async def test_create_payment_intent(gateway: StripeGateway, standin: StripeStandIn) -> None:
    cus = await customer(gateway)
    before = int(time.time())
    created = await intent(gateway, cus, currency="EGP", amount=25_000)

    assert isinstance(created, StripeIntent)
    assert created.id.startswith("pi_")
    assert created.status == "requires_payment_method"
    assert created.amount == 25_000
    assert created.currency == "EGP"
    assert created.client_secret is not None
    assert created.client_secret.startswith(f"{created.id}_secret_")
    assert created.customer == cus
    assert created.metadata == {"payment_id": "p1"}
    assert type(created.metadata) is dict
    assert created.failure_message is None
    assert created.amount_refunded == 0
    assert created.created >= before - 1
    (call,) = standin.calls("POST", "/v1/payment_intents")
    assert call.idempotency_key == "pay:1"
    assert call.params == {
        "amount": "25000",
        "currency": "egp",
        "customer": cus,
        "metadata": {"payment_id": "p1"},
        "automatic_payment_methods": {"enabled": "true"},
    }


async def test_same_key_creates_one_payment_intent(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)
    first = await intent(gateway, cus)
    second = await intent(gateway, cus)

    assert first == second
    assert len(standin.objects("payment_intent")) == 1


async def test_retrieve_follows_the_intent_through_3ds_failure_and_success(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)
    created = await intent(gateway, cus)

    event = standin.require_action(created.id)
    assert event["type"] == "payment_intent.requires_action"
    needs_action = await gateway.retrieve_payment_intent(created.id)
    assert needs_action.status == "requires_action"
    assert needs_action.failure_message is None

    event = standin.fail_intent(created.id, "Your card has insufficient funds.")
    assert event["type"] == "payment_intent.payment_failed"
    failed = await gateway.retrieve_payment_intent(created.id)
    assert failed.status == "requires_payment_method"
    assert failed.failure_message == "Your card has insufficient funds."

    event = standin.succeed_intent(created.id)
    assert event["type"] == "payment_intent.succeeded"
    assert event["data"]["object"]["id"] == created.id
    paid = await gateway.retrieve_payment_intent(created.id)
    assert paid.status == "succeeded"
    assert paid.failure_message is None
    assert paid.amount_refunded == 0
    (get, *_) = standin.calls("GET", f"/v1/payment_intents/{created.id}")
    assert get.params == {"expand": ["latest_charge"]}
    assert get.idempotency_key is None


async def test_unknown_payment_intent_is_declined_404(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentDeclined) as caught:
        await gateway.retrieve_payment_intent("pi_missing")

    assert caught.value.code == "resource_missing"
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("overrides", "code", "param"),
    [
        ({"customer": "cus_missing"}, "resource_missing", "customer"),
        ({"amount": 0}, "parameter_invalid_integer", "amount"),
        ({"amount": 10}, "amount_too_small", "amount"),
    ],
)
async def test_a_400_is_payment_declined(
    gateway: StripeGateway,
    standin: StripeStandIn,
    overrides: dict[str, Any],
    code: str,
    param: str,
) -> None:
    cus = await customer(gateway)
    with pytest.raises(PaymentDeclined) as caught:
        await intent(gateway, cus, **overrides)

    assert caught.value.code == code
    assert caught.value.param == param
    assert caught.value.status == 400
    assert caught.value.message
    assert standin.objects("payment_intent") == []


# ---------------------------------------------------------------------------------------------
# Refunds


async def test_partial_refunds_add_up_and_overdraw_is_declined(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)
    created = await intent(gateway, cus)
    standin.succeed_intent(created.id)

    first = await gateway.create_refund(
        payment_intent=created.id, amount=300, idempotency_key="refund:1"
    )
    assert isinstance(first, StripeRefund)
    assert first.id.startswith("re_")
    assert first.status == "succeeded"
    assert first.amount == 300
    assert first.payment_intent == created.id
    again = await gateway.create_refund(
        payment_intent=created.id, amount=300, idempotency_key="refund:1"
    )
    assert again == first
    assert len(standin.objects("refund")) == 1
    assert (await gateway.retrieve_payment_intent(created.id)).amount_refunded == 300

    with pytest.raises(PaymentDeclined) as caught:
        await gateway.create_refund(
            payment_intent=created.id, amount=701, idempotency_key="refund:2"
        )
    assert caught.value.code == "amount_too_large"
    assert caught.value.param == "amount"
    assert caught.value.status == 400

    await gateway.create_refund(payment_intent=created.id, amount=700, idempotency_key="refund:3")
    refunded = await gateway.retrieve_payment_intent(created.id)
    assert refunded.status == "succeeded"
    assert refunded.amount_refunded == 1000

    refund_events = [e for e in standin.events if e["type"] == "charge.refunded"]
    assert [e["data"]["object"]["amount_refunded"] for e in refund_events] == [300, 1000]
    assert all(e["data"]["object"]["payment_intent"] == created.id for e in refund_events)
    assert refund_events[0]["request"]["idempotency_key"] == "refund:1"


async def test_refund_of_an_unpaid_intent_is_declined(gateway: StripeGateway) -> None:
    cus = await customer(gateway)
    created = await intent(gateway, cus)
    with pytest.raises(PaymentDeclined) as caught:
        await gateway.create_refund(payment_intent=created.id, amount=100, idempotency_key="r")
    assert caught.value.status == 400


# ---------------------------------------------------------------------------------------------
# Subscriptions


async def test_create_subscription_is_incomplete_with_the_first_invoice_secret(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    standin.add_price("price_monthly", 9_900, "egp", "month")
    cus = await customer(gateway)
    before = int(time.time())
    sub = await gateway.create_subscription(
        customer=cus, price_id="price_monthly", metadata={"plan": "pro"}, idempotency_key="sub:1"
    )

    assert isinstance(sub, StripeSubscription)
    assert sub.id.startswith("sub_")
    assert sub.status == "incomplete"
    assert sub.customer == cus
    assert sub.price_id == "price_monthly"
    assert sub.metadata == {"plan": "pro"}
    assert sub.cancel_at_period_end is False
    assert before + 30 * DAY - 1 <= sub.current_period_end <= int(time.time()) + 30 * DAY
    stored = standin.object(sub.id)
    invoice = standin.object(stored["latest_invoice"])
    assert sub.latest_invoice_client_secret == invoice["confirmation_secret"]["client_secret"]
    assert sub.latest_invoice_client_secret.startswith("pi_")
    (call,) = standin.calls("POST", "/v1/subscriptions")
    assert call.idempotency_key == "sub:1"
    assert call.params["items"] == [{"price": "price_monthly"}]
    assert call.params["payment_behavior"] == "default_incomplete"
    assert call.params["expand"] == ["latest_invoice.confirmation_secret"]

    again = await gateway.create_subscription(
        customer=cus, price_id="price_monthly", metadata={"plan": "pro"}, idempotency_key="sub:1"
    )
    assert again == sub
    assert len(standin.objects("subscription")) == 1


async def test_subscription_lifecycle(gateway: StripeGateway, standin: StripeStandIn) -> None:
    standin.add_price("price_monthly", 9_900, "egp", "month")
    cus = await customer(gateway)
    sub = await gateway.create_subscription(
        customer=cus, price_id="price_monthly", metadata={}, idempotency_key="sub:1"
    )
    period_end = int(time.time()) + 31 * DAY

    paid, updated = standin.activate_subscription(sub.id, period_end)
    assert paid["type"] == "invoice.paid"
    assert paid["data"]["object"]["amount_paid"] == 9_900
    assert invoice_subscription_id(paid["data"]["object"]) == sub.id
    assert updated["type"] == "customer.subscription.updated"
    assert updated["data"]["previous_attributes"]["status"] == "incomplete"
    active = await gateway.retrieve_subscription(sub.id)
    assert active.status == "active"
    assert active.current_period_end == period_end

    canceling = await gateway.cancel_at_period_end(sub.id, idempotency_key="cancel:1")
    assert canceling.status == "active"
    assert canceling.cancel_at_period_end is True
    assert canceling.current_period_end == period_end
    (update,) = standin.calls("POST", f"/v1/subscriptions/{sub.id}")
    assert update.idempotency_key == "cancel:1"
    assert update.params["cancel_at_period_end"] == "true"

    failed = standin.past_due(sub.id)
    assert [e["type"] for e in failed] == [
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]
    assert invoice_subscription_id(failed[0]["data"]["object"]) == sub.id
    past_due = await gateway.retrieve_subscription(sub.id)
    assert past_due.status == "past_due"
    assert past_due.current_period_end == period_end + 30 * DAY

    (deleted,) = standin.cancel(sub.id)
    assert deleted["type"] == "customer.subscription.deleted"
    assert (await gateway.retrieve_subscription(sub.id)).status == "canceled"


async def test_unknown_price_is_declined(gateway: StripeGateway) -> None:
    cus = await customer(gateway)
    with pytest.raises(PaymentDeclined) as caught:
        await gateway.create_subscription(
            customer=cus, price_id="price_missing", metadata={}, idempotency_key="sub:x"
        )
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "items[0][price]"


async def test_unknown_subscription_is_declined(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentDeclined) as caught:
        await gateway.retrieve_subscription("sub_missing")
    assert caught.value.status == 404


# ---------------------------------------------------------------------------------------------
# Events


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_list_events_newest_first_across_pages() -> None:
    clock = Clock(time.time() - 3_600)
    async with StripeStandIn(api_key=API_KEY, clock=clock) as standin:
        client = StripeGateway(make_settings(standin.url))
        try:
            cus = await customer(client)
            intents = [await intent(client, cus, key=f"pay:{n}") for n in range(5)]
            old = standin.succeed_intent(intents[0].id)
            clock.now += 600
            since = int(clock.now)
            recent = [standin.succeed_intent(i.id) for i in intents[1:]]

            events = await client.list_events(created_gte=since, limit=2)

            assert [e["id"] for e in events] == [e["id"] for e in reversed(recent)]
            assert old["id"] not in {e["id"] for e in events}
            assert events[0] == recent[-1]
            assert_plain(events)
            json.dumps(events)
            pages = standin.calls("GET", "/v1/events")
            assert len(pages) == 2
            assert pages[0].params == {"created": {"gte": str(since)}, "limit": "2"}
            assert pages[1].params["starting_after"] == events[1]["id"]

            everything = await client.list_events(created_gte=0)
            assert [e["type"] for e in everything] == ["payment_intent.succeeded"] * 5
        finally:
            await client.close()


async def test_list_events_stops_after_a_few_pages(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)
    for n in range(MAX_EVENT_PAGES + 3):
        standin.succeed_intent((await intent(gateway, cus, key=f"pay:{n}")).id)

    events = await gateway.list_events(created_gte=0, limit=1)

    assert len(events) == MAX_EVENT_PAGES
    assert len(standin.calls("GET", "/v1/events")) == MAX_EVENT_PAGES


async def test_list_events_empty(gateway: StripeGateway) -> None:
    assert await gateway.list_events(created_gte=int(time.time())) == []


# ---------------------------------------------------------------------------------------------
# Transient failures


async def test_stripe_down_is_a_gateway_error(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    standin.add_price("price_monthly", 9_900, "egp", "month")
    cus = await customer(gateway)
    created = await intent(gateway, cus)
    standin.make_down()

    calls: list[Callable[[], Any]] = [
        lambda: customer(gateway, key="customer:u9"),
        lambda: intent(gateway, cus, key="pay:9"),
        lambda: gateway.retrieve_payment_intent(created.id),
        lambda: gateway.create_subscription(
            customer=cus, price_id="price_monthly", metadata={}, idempotency_key="sub:9"
        ),
        lambda: gateway.retrieve_subscription("sub_x"),
        lambda: gateway.cancel_at_period_end("sub_x", idempotency_key="c"),
        lambda: gateway.create_refund(payment_intent=created.id, amount=1, idempotency_key="r"),
        lambda: gateway.list_events(created_gte=0),
    ]
    for call in calls:
        with pytest.raises(GatewayError) as caught:
            await call()
        assert caught.value.status == 503

    standin.make_down(False)
    assert (await gateway.retrieve_payment_intent(created.id)).id == created.id


async def test_unreachable_stripe_is_a_gateway_error() -> None:
    client = StripeGateway(make_settings(f"http://127.0.0.1:{free_port()}"))
    try:
        with pytest.raises(GatewayError) as caught:
            await customer(client)
        assert caught.value.status is None
    finally:
        await client.close()


async def test_timeout_is_a_gateway_error_and_the_retry_gets_the_stored_result(
    standin: StripeStandIn,
) -> None:
    client = StripeGateway(make_settings(standin.url), timeout_seconds=0.2)
    try:
        standin.delay = 0.6
        with pytest.raises(GatewayError):
            await customer(client)
        standin.delay = 0
        await standin.wait_idle()
        # Stripe finished the request the client gave up on; the retry with the same key
        # returns that customer instead of creating a second one.
        assert len(standin.objects("customer")) == 1
        assert await customer(client) == standin.objects("customer")[0]["id"]
        assert len(standin.objects("customer")) == 1
    finally:
        await client.close()


async def test_concurrent_request_with_a_key_in_use_is_a_gateway_error(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    standin.delay = 0.5
    first = asyncio.create_task(customer(gateway))
    while not standin.calls("POST", "/v1/customers"):
        await asyncio.sleep(0.01)
    with pytest.raises(GatewayError) as caught:
        await customer(gateway)
    assert caught.value.status == 409
    assert (await first).startswith("cus_")
    assert len(standin.objects("customer")) == 1


async def test_a_rejected_api_key_is_a_gateway_error(standin: StripeStandIn) -> None:
    client = StripeGateway(make_settings(standin.url, stripe_api_key="sk_test_wrong"))
    try:
        with pytest.raises(GatewayError) as caught:
            await customer(client)
        assert caught.value.status == 401
    finally:
        await client.close()


async def test_no_api_key_makes_no_request(standin: StripeStandIn) -> None:
    client = StripeGateway(make_settings(standin.url, stripe_api_key=""))
    try:
        with pytest.raises(GatewayError, match="LMS_STRIPE_API_KEY"):
            await customer(client)
        assert standin.requests == []
    finally:
        await client.close()


def test_errors_survive_pickling() -> None:
    """Job results are pickled: the attributes must come back."""
    declined = pickle.loads(
        pickle.dumps(
            PaymentDeclined(
                "card_declined", "Declined", param="x", decline_code="generic", status=402
            )
        )
    )
    assert (declined.code, declined.message, declined.param) == ("card_declined", "Declined", "x")
    assert (declined.decline_code, declined.status, str(declined)) == ("generic", 402, "Declined")
    down = pickle.loads(pickle.dumps(GatewayError("down", 503)))
    assert (down.message, down.status, str(down)) == ("down", 503, "down")


# ---------------------------------------------------------------------------------------------
# Webhooks


def sample_event(standin: StripeStandIn) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "object": "event",
        "api_version": standin.api_version,
        "created": int(time.time()),
        "data": {"object": {"id": "pi_1", "object": "payment_intent", "status": "succeeded"}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "payment_intent.succeeded",
    }


async def test_verify_webhook_accepts_a_good_signature(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    cus = await customer(gateway)
    event = standin.succeed_intent((await intent(gateway, cus)).id)
    payload, headers = standin.webhook(event, SECRET)

    verified = gateway.verify_webhook(payload, headers["Stripe-Signature"])

    assert verified == event
    assert_plain(verified)
    assert parse_intent(verified["data"]["object"]).status == "succeeded"


@pytest.mark.parametrize("order", ["old_first", "new_first"])
async def test_verify_webhook_accepts_rotated_secrets(
    gateway: StripeGateway, standin: StripeStandIn, order: str
) -> None:
    payload = json.dumps(sample_event(standin)).encode()
    if order == "old_first":
        header = sign(payload, "whsec_old", extra_secrets=[SECRET])
    else:
        header = sign(payload, SECRET, extra_secrets=["whsec_next"])
    assert header.count("v1=") == 2

    assert gateway.verify_webhook(payload, header)["id"] == "evt_1"


async def test_verify_webhook_accepts_the_edge_of_the_tolerance(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    payload = json.dumps(sample_event(standin)).encode()
    header = sign(payload, SECRET, timestamp=int(time.time()) - 290)
    assert gateway.verify_webhook(payload, header)["id"] == "evt_1"


def _bad_headers(payload: bytes) -> dict[str, tuple[bytes, str | None]]:
    now = int(time.time())
    good = sign(payload, SECRET, timestamp=now)
    v1 = good.split("v1=", 1)[1]
    return {
        "missing": (payload, None),
        "empty": (payload, ""),
        "forged": (payload, sign(payload, "whsec_wrong", timestamp=now)),
        "tampered": (payload.replace(b"succeeded", b"failed"), good),
        "stale": (payload, sign(payload, SECRET, timestamp=now - 301)),
        "future": (payload, sign(payload, SECRET, timestamp=now + 301)),
        "garbage": (payload, "not a signature"),
        "no_timestamp": (payload, f"v1={v1}"),
        "bad_timestamp": (payload, f"t=yesterday,v1={v1}"),
        "empty_timestamp": (payload, f"t=,v1={v1}"),
        "no_v1": (payload, f"t={now}"),
        "other_scheme": (payload, f"t={now},v0={v1}"),
        "other_timestamp": (payload, f"t={now - 1},v1={v1}"),
        "truncated_v1": (payload, f"t={now},v1={v1[:-2]}"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "forged",
        "tampered",
        "stale",
        "future",
        "garbage",
        "no_timestamp",
        "bad_timestamp",
        "empty_timestamp",
        "no_v1",
        "other_scheme",
        "other_timestamp",
        "truncated_v1",
    ],
)
async def test_verify_webhook_refuses(
    gateway: StripeGateway, standin: StripeStandIn, case: str
) -> None:
    payload, header = _bad_headers(json.dumps(sample_event(standin)).encode())[case]
    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload, header)


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"[1, 2]", b'{"object": "list", "data": []}', b"\xff\xfe{}"],
    ids=["not_json", "array", "not_an_event", "not_utf8"],
)
async def test_verify_webhook_refuses_signed_bodies_that_are_not_events(
    gateway: StripeGateway, payload: bytes
) -> None:
    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload, sign(payload, SECRET))


async def test_verify_webhook_uses_the_configured_tolerance(standin: StripeStandIn) -> None:
    client = StripeGateway(make_settings(standin.url, webhook_tolerance_seconds=10))
    try:
        payload = json.dumps(sample_event(standin)).encode()
        client.verify_webhook(payload, sign(payload, SECRET, timestamp=int(time.time()) - 5))
        with pytest.raises(InvalidWebhook):
            client.verify_webhook(payload, sign(payload, SECRET, timestamp=int(time.time()) - 11))
    finally:
        await client.close()


async def test_verify_webhook_without_a_secret_refuses_everything(
    standin: StripeStandIn,
) -> None:
    client = StripeGateway(make_settings(standin.url, stripe_webhook_secret=""))
    try:
        payload = json.dumps(sample_event(standin)).encode()
        with pytest.raises(InvalidWebhook):
            client.verify_webhook(payload, sign(payload, ""))
    finally:
        await client.close()


# ---------------------------------------------------------------------------------------------
# Plain objects from webhooks, in current and older API shapes


async def test_webhook_objects_parse_like_api_responses(
    gateway: StripeGateway, standin: StripeStandIn
) -> None:
    standin.add_price("price_monthly", 9_900, "egp", "month")
    cus = await customer(gateway)
    created = await intent(gateway, cus)
    failed = standin.fail_intent(created.id, "Declined.")
    parsed = parse_intent(failed["data"]["object"])
    assert (parsed.id, parsed.status, parsed.failure_message) == (
        created.id,
        "requires_payment_method",
        "Declined.",
    )

    sub = await gateway.create_subscription(
        customer=cus, price_id="price_monthly", metadata={"plan": "pro"}, idempotency_key="s"
    )
    _paid, updated = standin.activate_subscription(sub.id)
    from_event = parse_subscription(updated["data"]["object"])
    assert from_event.id == sub.id
    assert from_event.status == "active"
    assert from_event.price_id == "price_monthly"
    assert from_event.latest_invoice_client_secret is None


def test_older_api_shapes_still_parse() -> None:
    legacy_subscription = {
        "id": "sub_1",
        "object": "subscription",
        "status": "active",
        "customer": "cus_1",
        "current_period_end": 1_700_000_000,
        "cancel_at_period_end": False,
        "metadata": {},
        "items": {"object": "list", "data": [{"price": {"id": "price_1"}}]},
        "latest_invoice": {"id": "in_1", "payment_intent": {"client_secret": "pi_1_secret_x"}},
    }
    parsed = parse_subscription(legacy_subscription)
    assert parsed.current_period_end == 1_700_000_000
    assert parsed.latest_invoice_client_secret == "pi_1_secret_x"

    legacy_intent = {
        "id": "pi_1",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 1000,
        "currency": "usd",
        "charges": {"data": [{"amount_refunded": 200}, {"amount_refunded": 0}]},
    }
    assert parse_intent(legacy_intent).amount_refunded == 200
    assert invoice_subscription_id({"id": "in_1", "subscription": "sub_1"}) == "sub_1"
    assert invoice_subscription_id({"id": "in_2", "parent": None}) is None


# ---------------------------------------------------------------------------------------------
# The stand-in's own wire behaviour


async def test_standin_speaks_stripe_errors(standin: StripeStandIn) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{standin.url}/v1/customers", data={"email": "a@b.c"}) as resp:
            assert resp.status == 401
            body = await resp.json()
            assert set(body["error"]) >= {"type", "code", "message", "param"}
            assert body["error"]["type"] == "invalid_request_error"

        auth = {"Authorization": f"Bearer {API_KEY}"}
        async with http.post(
            f"{standin.url}/v1/customers", data={"colour": "red"}, headers=auth
        ) as resp:
            assert resp.status == 400
            error = (await resp.json())["error"]
            assert (error["code"], error["param"]) == ("parameter_unknown", "colour")

        async with http.get(f"{standin.url}/v1/charges", headers=auth) as resp:
            assert resp.status == 404

        headers = {**auth, "Idempotency-Key": "k1"}
        async with http.post(
            f"{standin.url}/v1/customers", data={"email": "a@b.c"}, headers=headers
        ) as resp:
            assert resp.status == 200
            assert "Idempotent-Replayed" not in resp.headers
            first = await resp.json()
        async with http.post(
            f"{standin.url}/v1/customers", data={"email": "a@b.c"}, headers=headers
        ) as resp:
            assert resp.headers["Idempotent-Replayed"] == "true"
            assert await resp.json() == first

        standin.add_price("price_m", 500, "usd", "month")
        async with http.post(
            f"{standin.url}/v1/subscriptions",
            data={
                "customer": first["id"],
                "items[0][price]": "price_m",
                "payment_behavior": "default_incomplete",
                "expand[]": "latest_invoice.payment_intent",
            },
            headers=auth,
        ) as resp:
            # Invoices have had no payment_intent since 2025-03-31.basil.
            assert resp.status == 400
            assert "cannot be expanded" in (await resp.json())["error"]["message"]
        assert standin.objects("subscription") == []


def test_decode_form() -> None:
    pairs = [
        ("amount", "100"),
        ("metadata[0]", "zero"),
        ("metadata[user_id]", "u1"),
        ("items[0][price]", "price_a"),
        ("items[1][price]", "price_b"),
        ("items[1][quantity]", "2"),
        ("expand[]", "a"),
        ("expand[]", "b.c"),
        ("created[gte]", "5"),
    ]
    assert decode_form(pairs) == {
        "amount": "100",
        "metadata": {"0": "zero", "user_id": "u1"},
        "items": [{"price": "price_a"}, {"price": "price_b", "quantity": "2"}],
        "expand": ["a", "b.c"],
        "created": {"gte": "5"},
    }
    with pytest.raises(ValueError, match="Invalid parameter name"):
        decode_form([("a", "1"), ("a[b]", "2")])
