"""Stripe, behind a small interface of plain values.

This is the only module that imports the ``stripe`` SDK. Everything it returns is a frozen
dataclass or a plain ``dict`` (never a ``StripeObject``), and every SDK failure leaves it as one
of three exceptions:

- ``GatewayError``: Stripe could not be reached, timed out, answered 5xx, 409 or 429, or refused
  our own credentials. The outcome is unknown; retry later with the same idempotency key, which
  returns the stored result if Stripe did complete the request.
- ``PaymentDeclined``: Stripe understood and refused the request (a card error, a bad
  parameter, an unknown object, an idempotency key reused with other parameters). Retrying the
  same request will not help.
- ``InvalidWebhook``: a webhook body whose signature is missing, forged, stale or unreadable.

Object shapes follow the API version the SDK pins (2025-03-31.basil and later): a subscription's
period lives on its items, an invoice names its subscription under ``parent`` and offers its
payment's client secret as ``confirmation_secret``, and a PaymentIntent's refunds are read from
its expanded ``latest_charge``. The older shapes are still read when present.

Requests are made once (``max_network_retries=0``): retrying belongs to the jobs, which carry the
idempotency key across attempts.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import aiohttp
import stripe

from lms_rt.config import Settings

__all__ = [
    "GatewayError",
    "InvalidWebhook",
    "PaymentDeclined",
    "StripeGateway",
    "StripeIntent",
    "StripeRefund",
    "StripeSubscription",
    "invoice_subscription_id",
    "parse_intent",
    "parse_refund",
    "parse_subscription",
]

T = TypeVar("T")

# A request that has not completed in this long is abandoned; the caller retries with the same
# idempotency key, so a request Stripe did complete is answered from its stored result.
DEFAULT_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 10.0

# Stripe's largest page; list_events follows has_more for at most this many pages so that a
# reconciliation run stays bounded even after a long outage.
MAX_PAGE_SIZE = 100
MAX_EVENT_PAGES = 5

_SUBSCRIPTION_EXPAND = ["latest_invoice.confirmation_secret"]


class GatewayError(Exception):
    """Stripe unreachable, timed out, 5xx, rate limited or refusing our key: retry later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.status))


class PaymentDeclined(Exception):
    """Stripe refused the request (4xx): a card error or a request that can never succeed.

    ``code`` is Stripe's error code (``card_declined``, ``resource_missing``,
    ``amount_too_large``...) or, when Stripe gives none, its error type
    (``idempotency_error``). ``message`` is Stripe's message, fit to show for card errors.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        param: str | None = None,
        decline_code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.decline_code = decline_code
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        # Job results are pickled; keyword-only attributes travel in the state.
        return (
            type(self),
            (self.code, self.message),
            {"param": self.param, "decline_code": self.decline_code, "status": self.status},
        )


class InvalidWebhook(Exception):
    """A webhook that cannot be trusted or read: missing, forged, tampered or stale."""


@dataclass(frozen=True)
class StripeIntent:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str | None
    customer: str | None
    metadata: dict[str, str]
    failure_message: str | None
    amount_refunded: int
    created: int


@dataclass(frozen=True)
class StripeSubscription:
    id: str
    status: str
    customer: str
    price_id: str
    current_period_end: int
    cancel_at_period_end: bool
    metadata: dict[str, str]
    latest_invoice_client_secret: str | None


@dataclass(frozen=True)
class StripeRefund:
    id: str
    status: str
    amount: int
    payment_intent: str


# ---------------------------------------------------------------------------------------------
# Plain objects (API responses and webhook ``data.object``) to dataclasses


def _id_of(value: Any) -> str | None:
    """An expandable field: an id, an expanded object carrying the id, or null."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(key): str(item) for key, item in value.items()}


def _required(obj: Mapping[str, Any], key: str, kind: type[T]) -> T:
    value = obj.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"Stripe object without a valid {key!r}: {obj.get('id')!r}")
    return value


def _refunded(intent: Mapping[str, Any]) -> int:
    """The amount refunded from an intent's charges, when the response carries them.

    Current API versions show only ``latest_charge`` (expanded on retrieve); older ones listed
    ``charges``. An unexpanded charge (a webhook's object) counts as 0.
    """
    charges = intent.get("charges")
    if isinstance(charges, Mapping) and isinstance(charges.get("data"), list):
        return sum(
            int(charge.get("amount_refunded") or 0)
            for charge in charges["data"]
            if isinstance(charge, Mapping)
        )
    latest = intent.get("latest_charge")
    if isinstance(latest, Mapping):
        return int(latest.get("amount_refunded") or 0)
    return 0


def parse_intent(obj: Mapping[str, Any]) -> StripeIntent:
    """A PaymentIntent object (API response or webhook ``data.object``) as a ``StripeIntent``."""
    error = obj.get("last_payment_error")
    failure = error.get("message") if isinstance(error, Mapping) else None
    secret = obj.get("client_secret")
    return StripeIntent(
        id=_required(obj, "id", str),
        status=_required(obj, "status", str),
        amount=_required(obj, "amount", int),
        currency=_required(obj, "currency", str).upper(),
        client_secret=secret if isinstance(secret, str) else None,
        customer=_id_of(obj.get("customer")),
        metadata=_str_dict(obj.get("metadata")),
        failure_message=str(failure) if failure else None,
        amount_refunded=_refunded(obj),
        created=int(obj.get("created") or 0),
    )


def _first_item(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    items = obj.get("items")
    data = items.get("data") if isinstance(items, Mapping) else None
    if not data or not isinstance(data[0], Mapping):
        raise ValueError(f"subscription without items: {obj.get('id')!r}")
    first: Mapping[str, Any] = data[0]
    return first


def _invoice_client_secret(invoice: Any) -> str | None:
    if not isinstance(invoice, Mapping):
        return None
    confirmation = invoice.get("confirmation_secret")
    if isinstance(confirmation, Mapping) and isinstance(confirmation.get("client_secret"), str):
        return str(confirmation["client_secret"])
    legacy = invoice.get("payment_intent")
    if isinstance(legacy, Mapping) and isinstance(legacy.get("client_secret"), str):
        return str(legacy["client_secret"])
    return None


def parse_subscription(obj: Mapping[str, Any]) -> StripeSubscription:
    """A Subscription object as a ``StripeSubscription``.

    The period end is the first item's (current API versions), else the subscription's own
    (older ones). The client secret is present only when ``latest_invoice`` was expanded with
    its ``confirmation_secret`` (or, on older versions, its ``payment_intent``).
    """
    item = _first_item(obj)
    period_end = item.get("current_period_end", obj.get("current_period_end"))
    if not isinstance(period_end, int) or isinstance(period_end, bool):
        raise ValueError(f"subscription without a period end: {obj.get('id')!r}")
    price_id = _id_of(item.get("price")) or _id_of(item.get("plan"))
    customer = _id_of(obj.get("customer"))
    if price_id is None or customer is None:
        raise ValueError(f"subscription without a price or customer: {obj.get('id')!r}")
    return StripeSubscription(
        id=_required(obj, "id", str),
        status=_required(obj, "status", str),
        customer=customer,
        price_id=price_id,
        current_period_end=period_end,
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        metadata=_str_dict(obj.get("metadata")),
        latest_invoice_client_secret=_invoice_client_secret(obj.get("latest_invoice")),
    )


def parse_refund(obj: Mapping[str, Any]) -> StripeRefund:
    intent = _id_of(obj.get("payment_intent"))
    if intent is None:
        raise ValueError(f"refund without a payment intent: {obj.get('id')!r}")
    return StripeRefund(
        id=_required(obj, "id", str),
        status=_required(obj, "status", str),
        amount=_required(obj, "amount", int),
        payment_intent=intent,
    )


def invoice_subscription_id(invoice: Mapping[str, Any]) -> str | None:
    """The subscription an invoice bills, wherever the API version puts it.

    Since 2025-03-31.basil it is ``parent.subscription_details.subscription``; before, the
    top-level ``subscription``. None for an invoice no subscription generated.
    """
    parent = invoice.get("parent")
    if isinstance(parent, Mapping):
        details = parent.get("subscription_details")
        if isinstance(details, Mapping):
            found = _id_of(details.get("subscription"))
            if found:
                return found
    return _id_of(invoice.get("subscription"))


# ---------------------------------------------------------------------------------------------
# Errors


def _error_fields(exc: stripe.StripeError) -> dict[str, Any]:
    body = exc.json_body
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _translate(exc: stripe.StripeError, operation: str) -> Exception:
    status = exc.http_status
    fields = _error_fields(exc)
    message = str(fields.get("message") or exc.user_message or type(exc).__name__)
    transient = (
        stripe.APIConnectionError,
        stripe.APIError,
        stripe.RateLimitError,
        # Our key is wrong or lacks a permission: not the payer's fault, and fixable by us.
        stripe.AuthenticationError,
        stripe.PermissionError,
    )
    refused = (stripe.CardError, stripe.InvalidRequestError, stripe.IdempotencyError)
    if not isinstance(exc, refused) and (
        isinstance(exc, transient) or status is None or status >= 500 or status in (409, 429)
    ):
        return GatewayError(f"Stripe {operation} failed: {message}", status)
    code = str(fields.get("code") or exc.code or fields.get("type") or "request_refused")
    param = fields.get("param")
    decline = fields.get("decline_code")
    return PaymentDeclined(
        code,
        message,
        param=str(param) if param else None,
        decline_code=str(decline) if decline else None,
        status=status,
    )


def _plain(obj: stripe.StripeObject) -> dict[str, Any]:
    """The object's data as plain, JSON-serialisable dicts and lists."""
    return obj.to_dict(recursive=True, for_json=True)


class StripeGateway:
    """One Stripe client over one aiohttp session; ``close()`` releases it."""

    def __init__(
        self, settings: Settings, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self._api_key = settings.stripe_api_key
        self._webhook_secret = settings.stripe_webhook_secret
        self._tolerance = settings.webhook_tolerance_seconds
        self._http = stripe.AIOHTTPClient(
            timeout=aiohttp.ClientTimeout(
                total=timeout_seconds, connect=min(CONNECT_TIMEOUT_SECONDS, timeout_seconds)
            )
        )
        self._client = stripe.StripeClient(
            self._api_key or "unset",
            base_addresses={"api": settings.stripe_api_base.rstrip("/")},
            http_client=self._http,
            max_network_retries=0,
        )

    async def close(self) -> None:
        await self._http.close_async()

    async def _call(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        if not self._api_key:
            raise GatewayError(f"Stripe {operation}: LMS_STRIPE_API_KEY is not set")
        try:
            return await call()
        except stripe.StripeError as exc:
            raise _translate(exc, operation) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            # The SDK wraps errors while connecting; a body cut off or timed out while being
            # read arrives here unwrapped.
            raise GatewayError(f"Stripe {operation} failed: {type(exc).__name__}") from exc

    @staticmethod
    def _parse(operation: str, parse: Callable[[Mapping[str, Any]], T], obj: Any) -> T:
        try:
            return parse(_plain(obj))
        except ValueError as exc:
            raise GatewayError(f"Stripe {operation}: unexpected response: {exc}") from exc

    @staticmethod
    def _unexpected(operation: str, detail: str) -> NoReturn:
        raise GatewayError(f"Stripe {operation}: unexpected response: {detail}")

    async def create_customer(
        self, *, email: str, name: str, user_id: str, idempotency_key: str
    ) -> str:
        customer = await self._call(
            "create_customer",
            lambda: self._client.v1.customers.create_async(
                params={"email": email, "name": name, "metadata": {"user_id": user_id}},
                options={"idempotency_key": idempotency_key},
            ),
        )
        customer_id = _plain(customer).get("id")
        if not isinstance(customer_id, str):
            self._unexpected("create_customer", "no customer id")
        return customer_id

    async def create_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        customer: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> StripeIntent:
        intent = await self._call(
            "create_payment_intent",
            lambda: self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount,
                    "currency": currency.lower(),
                    "customer": customer,
                    "metadata": dict(metadata),
                    "automatic_payment_methods": {"enabled": True},
                },
                options={"idempotency_key": idempotency_key},
            ),
        )
        return self._parse("create_payment_intent", parse_intent, intent)

    async def retrieve_payment_intent(self, intent_id: str) -> StripeIntent:
        intent = await self._call(
            "retrieve_payment_intent",
            lambda: self._client.v1.payment_intents.retrieve_async(
                intent_id, params={"expand": ["latest_charge"]}
            ),
        )
        return self._parse("retrieve_payment_intent", parse_intent, intent)

    async def create_subscription(
        self, *, customer: str, price_id: str, metadata: dict[str, str], idempotency_key: str
    ) -> StripeSubscription:
        """Starts ``incomplete``: the first invoice is paid by confirming its PaymentIntent in
        the browser with ``latest_invoice_client_secret`` (3-D Secure included)."""
        subscription = await self._call(
            "create_subscription",
            lambda: self._client.v1.subscriptions.create_async(
                params={
                    "customer": customer,
                    "items": [{"price": price_id}],
                    "metadata": dict(metadata),
                    "payment_behavior": "default_incomplete",
                    "payment_settings": {"save_default_payment_method": "on_subscription"},
                    "expand": list(_SUBSCRIPTION_EXPAND),
                },
                options={"idempotency_key": idempotency_key},
            ),
        )
        return self._parse("create_subscription", parse_subscription, subscription)

    async def retrieve_subscription(self, subscription_id: str) -> StripeSubscription:
        subscription = await self._call(
            "retrieve_subscription",
            lambda: self._client.v1.subscriptions.retrieve_async(
                subscription_id, params={"expand": list(_SUBSCRIPTION_EXPAND)}
            ),
        )
        return self._parse("retrieve_subscription", parse_subscription, subscription)

    async def cancel_at_period_end(
        self, subscription_id: str, *, idempotency_key: str
    ) -> StripeSubscription:
        subscription = await self._call(
            "cancel_at_period_end",
            lambda: self._client.v1.subscriptions.update_async(
                subscription_id,
                params={"cancel_at_period_end": True, "expand": list(_SUBSCRIPTION_EXPAND)},
                options={"idempotency_key": idempotency_key},
            ),
        )
        return self._parse("cancel_at_period_end", parse_subscription, subscription)

    async def create_refund(
        self, *, payment_intent: str, amount: int, idempotency_key: str
    ) -> StripeRefund:
        refund = await self._call(
            "create_refund",
            lambda: self._client.v1.refunds.create_async(
                params={"payment_intent": payment_intent, "amount": amount},
                options={"idempotency_key": idempotency_key},
            ),
        )
        return self._parse("create_refund", parse_refund, refund)

    async def list_events(self, *, created_gte: int, limit: int = 100) -> list[dict[str, Any]]:
        """Events created at or after ``created_gte``, newest first, as plain dicts.

        ``limit`` is the page size (clamped to 1..100); ``has_more`` is followed for at most
        ``MAX_EVENT_PAGES`` pages, so at most ``limit * MAX_EVENT_PAGES`` events come back.
        Stripe keeps events for 30 days.
        """
        page_size = max(1, min(limit, MAX_PAGE_SIZE))
        events: list[dict[str, Any]] = []
        starting_after: str | None = None
        for _ in range(MAX_EVENT_PAGES):
            params: stripe.params.EventListParams = {
                "created": {"gte": created_gte},
                "limit": page_size,
            }
            if starting_after is not None:
                params["starting_after"] = starting_after
            page = await self._call(
                "list_events", functools.partial(self._client.v1.events.list_async, params)
            )
            plain = _plain(page)
            data = plain.get("data")
            if not isinstance(data, list):
                self._unexpected("list_events", "no data list")
            events.extend(event for event in data if isinstance(event, dict))
            if not plain.get("has_more") or not data:
                break
            last = data[-1].get("id") if isinstance(data[-1], dict) else None
            if not isinstance(last, str):
                self._unexpected("list_events", "an event without an id")
            starting_after = last
        return events

    def verify_webhook(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        """The event a signed webhook carries, as a plain dict.

        The ``Stripe-Signature`` header (``t=...,v1=...``) must hold an HMAC-SHA256 of
        ``"{t}.{body}"`` under the endpoint secret; while a secret is being rolled it carries
        one ``v1`` per secret and any match will do. Timestamps further than the tolerance in
        the past (replays) or in the future are refused; a tolerance of 0 turns that off.
        """
        if not self._webhook_secret:
            raise InvalidWebhook("no Stripe webhook secret is configured")
        if not signature_header:
            raise InvalidWebhook("missing Stripe-Signature header")
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidWebhook("webhook body is not UTF-8") from exc
        try:
            stripe.WebhookSignature.verify_header(
                text, signature_header, self._webhook_secret, self._tolerance or None
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(exc.user_message or "invalid signature") from exc
        if self._tolerance and _header_timestamp(signature_header) > time.time() + self._tolerance:
            raise InvalidWebhook("webhook timestamp is in the future")
        try:
            event = json.loads(text)
        except ValueError as exc:
            raise InvalidWebhook("webhook body is not JSON") from exc
        if (
            not isinstance(event, dict)
            or event.get("object") != "event"
            or not isinstance(event.get("id"), str)
            or not isinstance(event.get("type"), str)
            or not isinstance(event.get("data"), dict)
            or not isinstance(event["data"].get("object"), dict)
        ):
            raise InvalidWebhook("webhook body is not a Stripe event")
        return event


def _header_timestamp(header: str) -> int:
    """The ``t`` of a header the SDK has already accepted (so it is present and an integer)."""
    for part in header.split(","):
        pieces = part.split("=", 2)
        if pieces[0] == "t" and len(pieces) > 1:
            try:
                return int(pieces[1])
            except ValueError:
                break
    raise InvalidWebhook("webhook signature without a valid timestamp")
