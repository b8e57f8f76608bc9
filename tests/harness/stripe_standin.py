"""A local stand-in for the part of Stripe's REST API that lms_rt uses.

``StripeStandIn`` is an aiohttp server on 127.0.0.1 that keeps its objects in memory and speaks
like Stripe: form-encoded requests (``metadata[k]=v``, ``items[0][price]=...``, ``expand[]``),
JSON responses in Stripe's object shapes for the API version the SDK pins (a subscription's
period on its items, an invoice's subscription under ``parent``, the first invoice's client
secret as an expandable ``confirmation_secret``), and Stripe's errors
(``{"error": {"type", "code", "message", "param"}}`` with 400/401/404/409/503).

``Idempotency-Key`` works as Stripe documents it: a key's first successful result is stored and
replayed (``Idempotent-Replayed: true``) for the same request; the key with different parameters
or another endpoint is a 400 ``idempotency_error``; a second request while the first is still
running is a 409. Failed validations store nothing, as on Stripe.

Tests drive what a customer or the card network would do through plain methods
(``succeed_intent``, ``fail_intent``, ``require_action``, ``activate_subscription``,
``past_due``, ``cancel``); each records the events Stripe would send, listed by
``GET /v1/events`` and returned for posting to the app's webhook with ``sign()``.

Simplifications: one account, no payment methods or confirmation over HTTP, billing periods of
fixed length (a month is 30 days), event list filters limited to ``created``, ``type`` and
``types``.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.harness.services import HOST, ServiceError, free_port

__all__ = [
    "API_VERSION",
    "RecordedRequest",
    "StripeStandIn",
    "decode_form",
    "sign",
]

API_VERSION = "2026-10-28.endive"

_PORT_ATTEMPTS = 5
_ID_ALPHABET = string.ascii_letters + string.digits
_INTERVAL_SECONDS = {"day": 86_400, "week": 7 * 86_400, "month": 30 * 86_400, "year": 365 * 86_400}
# Currencies whose minor unit is not 1/100 of the major one (for messages only).
_EXPONENTS = {"bhd": 3, "jod": 3, "kwd": 3, "omr": 3, "tnd": 3, "jpy": 0, "krw": 0}
# Stripe's smallest charge in a few currencies; others only need a positive amount here.
_MINIMUM_AMOUNTS = {"usd": 50, "eur": 50, "gbp": 30}
_PAYMENT_BEHAVIORS = {
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
}
# Fields Stripe returns only when asked for with expand[].
_INCLUDABLE = {"invoice": ("confirmation_secret",)}
_ID_PREFIXES = {
    "cus": "customer",
    "pi": "payment_intent",
    "ch": "charge",
    "re": "refund",
    "sub": "subscription",
    "in": "invoice",
    "price": "price",
    "evt": "event",
}
_MAX_METADATA_KEYS = 50
_MAX_METADATA_KEY = 40
_MAX_METADATA_VALUE = 500
_MAX_IDEMPOTENCY_KEY = 255


def sign(
    payload: bytes | str,
    secret: str,
    timestamp: int | None = None,
    extra_secrets: Sequence[str] = (),
) -> str:
    """A ``Stripe-Signature`` header value for ``payload``: ``t=<ts>,v1=<hex>[,v1=<hex>...]``.

    Each ``v1`` is HMAC-SHA256, keyed with one secret, over ``"{t}.{payload}"``; Stripe sends
    one per secret while an endpoint's secret is being rolled (``extra_secrets``).
    """
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{stamp}.".encode() + body
    parts = [f"t={stamp}"]
    for key in (secret, *extra_secrets):
        parts.append("v1=" + hmac.new(key.encode(), signed, hashlib.sha256).hexdigest())
    return ",".join(parts)


_KEY_PATTERN = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding as nested values: ``a[b]=1`` is ``{"a": {"b": "1"}}`` and
    ``a[0]=x``/``a[]=x`` make lists. Values stay strings; ``metadata`` keys are never indexes.
    Raises ``ValueError`` for a malformed or conflicting name."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY_PATTERN.match(key)
        if match is None:
            raise ValueError(f"Invalid parameter name: {key}")
        segments = [match.group(1), *_SEGMENT.findall(match.group(2))]
        node = root
        for depth, segment in enumerate(segments):
            name = segment if segment != "" else str(len(node))
            if depth == len(segments) - 1:
                if isinstance(node.get(name), dict):
                    raise ValueError(f"Invalid parameter name: {key}")
                node[name] = value
                break
            child = node.setdefault(name, {})
            if not isinstance(child, dict):
                raise ValueError(f"Invalid parameter name: {key}")
            node = child
    return _listify(root, inside_metadata=False)


def _listify(node: dict[str, Any], *, inside_metadata: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            nested = _listify(value, inside_metadata=key == "metadata")
            if key != "metadata" and nested and all(k.isdigit() for k in nested):
                out[key] = [nested[k] for k in sorted(nested, key=int)]
            else:
                out[key] = nested
        else:
            out[key] = value
    return out


@dataclass
class RecordedRequest:
    """One request as the stand-in saw it; ``status`` is filled in once it is answered."""

    method: str
    path: str
    idempotency_key: str | None
    params: dict[str, Any]
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {
            "type": type,
            "code": code,
            "message": message,
            "param": param,
        }
        if code:
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if decline_code:
            self.body["decline_code"] = decline_code


def _missing(param: str) -> _ApiError:
    return _ApiError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def _no_such(kind: str, ident: str, param: str, status: int = 400) -> _ApiError:
    return _ApiError(status, f"No such {kind}: '{ident}'", code="resource_missing", param=param)


@dataclass
class _Context:
    request_id: str
    idempotency_key: str | None


@dataclass
class _Stored:
    fingerprint: tuple[Any, ...]
    status: int
    body: dict[str, Any]
    request_id: str


Handler = Callable[[_Context, dict[str, Any], str | None], dict[str, Any]]


class StripeStandIn:
    """An in-memory Stripe on a local port: ``await start()``, point the SDK at ``url``."""

    def __init__(
        self,
        api_key: str = "sk_test_x",
        *,
        api_version: str = API_VERSION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = api_key
        self.api_version = api_version
        self.requests: list[RecordedRequest] = []
        # Seconds to wait before executing each request (to make the client time out).
        self.delay = 0.0
        self._clock = clock
        self._down = False
        self._objects: dict[str, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._invoice_intents: dict[str, str] = {}
        self._stored: dict[tuple[str, str], _Stored] = {}
        self._in_flight: set[tuple[str, str]] = set()
        self._active: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"^/v1/customers$"), self._create_customer),
            ("GET", re.compile(r"^/v1/customers/([^/]+)$"), self._get_customer),
            ("POST", re.compile(r"^/v1/payment_intents$"), self._create_intent),
            ("GET", re.compile(r"^/v1/payment_intents/([^/]+)$"), self._get_intent),
            ("POST", re.compile(r"^/v1/subscriptions$"), self._create_subscription),
            ("GET", re.compile(r"^/v1/subscriptions/([^/]+)$"), self._get_subscription),
            ("POST", re.compile(r"^/v1/subscriptions/([^/]+)$"), self._update_subscription),
            ("POST", re.compile(r"^/v1/refunds$"), self._create_refund),
            ("GET", re.compile(r"^/v1/events$"), self._list_events),
        ]

    # -----------------------------------------------------------------------------------------
    # Lifecycle

    @property
    def url(self) -> str:
        if self._port is None:
            raise ServiceError("StripeStandIn has not been started")
        return f"http://{HOST}:{self._port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        last_error: OSError | None = None
        for _ in range(_PORT_ATTEMPTS):
            port = free_port()
            try:
                await web.TCPSite(runner, HOST, port).start()
            except OSError as exc:
                last_error = exc
                continue
            self._runner, self._port = runner, port
            return
        await runner.cleanup()
        raise ServiceError(f"StripeStandIn could not bind a port on {HOST}: {last_error}")

    async def stop(self) -> None:
        for task in list(self._active):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StripeStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until no request is being executed (one whose client gave up included)."""
        deadline = time.monotonic() + timeout
        while self._active:
            if time.monotonic() > deadline:
                raise TimeoutError("StripeStandIn still busy")
            await asyncio.sleep(0.01)

    def make_down(self, down: bool = True) -> None:
        """While down every request is answered 503 (Stripe's ``api_error``)."""
        self._down = down

    # -----------------------------------------------------------------------------------------
    # Inspection and set-up

    @property
    def events(self) -> list[dict[str, Any]]:
        """Recorded events, oldest first (copies)."""
        return copy.deepcopy(self._events)

    def object(self, ident: str) -> dict[str, Any]:
        """A stored object by id, as stored (includable fields included)."""
        return copy.deepcopy(self._objects[ident])

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """All stored objects of one kind (``"customer"``, ``"payment_intent"``...), oldest
        first."""
        return [copy.deepcopy(o) for o in self._objects.values() if o.get("object") == kind]

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        """Recorded requests with this method whose path is ``path`` or starts with it + "/"."""
        return [
            r
            for r in self.requests
            if r.method == method and (r.path == path or r.path.startswith(path + "/"))
        ]

    def add_price(
        self, price_id: str, amount: int, currency: str, interval: str = "month"
    ) -> dict[str, Any]:
        """A recurring price subscriptions can use (prices are created in the dashboard)."""
        if interval not in _INTERVAL_SECONDS:
            raise ValueError(f"unknown interval {interval!r}")
        price = {
            "id": price_id,
            "object": "price",
            "active": True,
            "billing_scheme": "per_unit",
            "created": self._now(),
            "currency": currency.lower(),
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": self._new_id("prod"),
            "recurring": {
                "interval": interval,
                "interval_count": 1,
                "meter": None,
                "usage_type": "licensed",
            },
            "tax_behavior": "unspecified",
            "type": "recurring",
            "unit_amount": amount,
            "unit_amount_decimal": str(amount),
        }
        self._objects[price_id] = price
        return copy.deepcopy(price)

    def webhook(
        self,
        event: dict[str, Any],
        secret: str,
        *,
        timestamp: int | None = None,
        extra_secrets: Sequence[str] = (),
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook delivery of ``event``: the body and its headers, signed with ``secret``."""
        payload = json.dumps(event, indent=2).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign(payload, secret, timestamp, extra_secrets),
        }
        return payload, headers

    # -----------------------------------------------------------------------------------------
    # What the customer, the card network and time do (each records Stripe's events)

    def succeed_intent(self, intent_id: str) -> dict[str, Any]:
        """The customer paid: a charge succeeds; records ``payment_intent.succeeded``."""
        intent = self._get_kind("payment_intent", intent_id)
        self._require_open(intent)
        self._settle_intent(intent)
        return self._record_event("payment_intent.succeeded", intent)

    def fail_intent(
        self, intent_id: str, message: str = "Your card was declined."
    ) -> dict[str, Any]:
        """A payment attempt was declined: the intent returns to ``requires_payment_method``
        with ``last_payment_error``; records ``payment_intent.payment_failed``."""
        intent = self._get_kind("payment_intent", intent_id)
        self._require_open(intent)
        self._decline_intent(intent, message)
        return self._record_event("payment_intent.payment_failed", intent)

    def require_action(self, intent_id: str) -> dict[str, Any]:
        """The card asks for 3-D Secure: ``requires_action`` with a ``next_action``; records
        ``payment_intent.requires_action``."""
        intent = self._get_kind("payment_intent", intent_id)
        self._require_open(intent)
        intent["status"] = "requires_action"
        intent["last_payment_error"] = None
        intent["payment_method"] = intent["payment_method"] or self._new_id("pm")
        intent["next_action"] = {
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {
                "type": "three_d_secure_redirect",
                "stripe_js": f"https://hooks.stripe.com/3d_secure_2/hosted?intent={intent_id}",
            },
        }
        return self._record_event("payment_intent.requires_action", intent)

    def activate_subscription(
        self, sub_id: str, period_end: int | None = None
    ) -> list[dict[str, Any]]:
        """An invoice is paid: the open one (first payment, or a past-due retry), else a new
        renewal invoice. The subscription becomes ``active`` until ``period_end`` (default: one
        interval on). Records ``invoice.paid`` then ``customer.subscription.updated``."""
        sub = self._get_kind("subscription", sub_id)
        if sub["status"] in ("canceled", "incomplete_expired"):
            raise ValueError(f"subscription {sub_id} is {sub['status']}")
        invoice = self._objects[sub["latest_invoice"]]
        items = sub["items"]["data"]
        previous: dict[str, Any] = {"status": sub["status"], "items": copy.deepcopy(sub["items"])}
        if invoice["status"] == "open":
            new_end = items[0]["current_period_end"] if period_end is None else period_end
            for each in items:
                each["current_period_end"] = new_end
        else:
            start = items[0]["current_period_end"]
            new_end = start + self._interval_seconds(sub) if period_end is None else period_end
            for each in items:
                each["current_period_start"], each["current_period_end"] = start, new_end
            invoice = self._new_invoice(sub, "subscription_cycle")
            previous["latest_invoice"] = sub["latest_invoice"]
            sub["latest_invoice"] = invoice["id"]
        self._pay_invoice(invoice)
        sub["status"] = "active"
        return [
            self._record_event("invoice.paid", invoice),
            self._record_event("customer.subscription.updated", sub, previous),
        ]

    def past_due(self, sub_id: str) -> list[dict[str, Any]]:
        """A renewal payment fails: a new invoice stays open and the subscription becomes
        ``past_due`` (the period still advances). Again while past due: another failed attempt
        on the same invoice. Records ``invoice.payment_failed`` (and, on the change,
        ``customer.subscription.updated``)."""
        sub = self._get_kind("subscription", sub_id)
        if sub["status"] not in ("active", "past_due"):
            raise ValueError(f"subscription {sub_id} is {sub['status']}, not active")
        invoice = self._objects[sub["latest_invoice"]]
        previous: dict[str, Any] = {"status": sub["status"]}
        if invoice["status"] != "open":
            item = sub["items"]["data"][0]
            previous["items"] = copy.deepcopy(sub["items"])
            previous["latest_invoice"] = sub["latest_invoice"]
            start = item["current_period_end"]
            end = start + self._interval_seconds(sub)
            for each in sub["items"]["data"]:
                each["current_period_start"], each["current_period_end"] = start, end
            invoice = self._new_invoice(sub, "subscription_cycle")
            sub["latest_invoice"] = invoice["id"]
        invoice["attempted"] = True
        invoice["attempt_count"] += 1
        invoice["next_payment_attempt"] = self._now() + 3 * 86_400
        self._decline_intent(
            self._objects[self._invoice_intents[invoice["id"]]], "Your card was declined."
        )
        events = [self._record_event("invoice.payment_failed", invoice)]
        if sub["status"] != "past_due":
            sub["status"] = "past_due"
            events.append(self._record_event("customer.subscription.updated", sub, previous))
        return events

    def cancel(self, sub_id: str) -> list[dict[str, Any]]:
        """The subscription ends now (its period ended after ``cancel_at_period_end``, or
        Stripe gave up on a past-due one); records ``customer.subscription.deleted``."""
        sub = self._get_kind("subscription", sub_id)
        if sub["status"] == "canceled":
            raise ValueError(f"subscription {sub_id} is already canceled")
        now = self._now()
        sub["status"] = "canceled"
        sub["canceled_at"] = sub["canceled_at"] or now
        sub["ended_at"] = now
        sub["cancellation_details"]["reason"] = "cancellation_requested"
        return [self._record_event("customer.subscription.deleted", sub)]

    # -----------------------------------------------------------------------------------------
    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
        try:
            return await self._answer(request)
        finally:
            if task is not None:
                self._active.discard(task)

    async def _answer(self, request: web.Request) -> web.Response:
        request_id = self._new_id("req", 14)
        key = request.headers.get("Idempotency-Key")
        body = await request.text() if request.method == "POST" else ""
        raw = body if request.method == "POST" else request.query_string
        pairs = parse_qsl(raw, keep_blank_values=True)
        record = RecordedRequest(
            request.method, request.path, key, {}, headers=dict(request.headers)
        )
        self.requests.append(record)
        try:
            record.params = decode_form(pairs)
        except ValueError as exc:
            return self._error(record, request_id, _ApiError(400, str(exc)))
        if self._down:
            return self._error(
                record,
                request_id,
                _ApiError(
                    503,
                    "The Stripe API is temporarily unavailable; please try again.",
                    type="api_error",
                ),
            )
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return self._error(
                record,
                request_id,
                _ApiError(
                    401,
                    "You did not provide an API key. You need to provide your API key in the "
                    "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                    "YOUR_SECRET_KEY').",
                ),
            )
        if auth[7:] != self.api_key:
            return self._error(
                record,
                request_id,
                _ApiError(401, f"Invalid API Key provided: {auth[7:][:8]}****"),
            )
        content_type = request.headers.get("Content-Type", "")
        if body and not content_type.startswith("application/x-www-form-urlencoded"):
            return self._error(
                record,
                request_id,
                _ApiError(400, f"Invalid request: unsupported Content-Type {content_type}."),
            )
        found = self._route(request.method, request.path)
        if found is None:
            return self._error(
                record,
                request_id,
                _ApiError(
                    404,
                    f"Unrecognized request URL ({request.method}: {request.path}). Please see "
                    "https://stripe.com/docs or we can help at https://support.stripe.com/.",
                ),
            )
        handler, ident = found
        slot: tuple[str, str] | None = None
        fingerprint = (request.method, request.path, tuple(sorted(pairs)))
        if request.method == "POST" and key is not None:
            if len(key) > _MAX_IDEMPOTENCY_KEY:
                return self._error(
                    record,
                    request_id,
                    _ApiError(
                        400,
                        f"Idempotency-Key must be at most {_MAX_IDEMPOTENCY_KEY} characters.",
                        type="idempotency_error",
                    ),
                )
            slot = (self.api_key, key)
            stored = self._stored.get(slot)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    return self._error(
                        record,
                        request_id,
                        _ApiError(
                            400,
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                            type="idempotency_error",
                        ),
                    )
                record.status = stored.status
                return self._respond(
                    stored.status,
                    stored.body,
                    request_id,
                    {"Idempotent-Replayed": "true", "Original-Request": stored.request_id},
                )
            if slot in self._in_flight:
                return self._error(
                    record,
                    request_id,
                    _ApiError(
                        409,
                        "There is currently another in-progress request using this "
                        f"Idempotency-Key ('{key}'). Please try again later.",
                        type="idempotency_error",
                        code="idempotency_key_in_use",
                    ),
                )
            self._in_flight.add(slot)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            # A refused request changes nothing: state is restored as it was.
            snapshot = (
                copy.deepcopy(self._objects),
                list(self._events),
                dict(self._invoice_intents),
            )
            try:
                result = handler(_Context(request_id, key), record.params, ident)
            except _ApiError as exc:
                self._objects, self._events, self._invoice_intents = snapshot
                return self._error(record, request_id, exc)
            if slot is not None:
                self._stored[slot] = _Stored(fingerprint, 200, result, request_id)
            record.status = 200
            return self._respond(200, result, request_id)
        finally:
            if slot is not None:
                self._in_flight.discard(slot)

    def _route(self, method: str, path: str) -> tuple[Handler, str | None] | None:
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match and route_method == method:
                return handler, match.group(1) if pattern.groups else None
        return None

    def _respond(
        self,
        status: int,
        body: dict[str, Any],
        request_id: str,
        extra: dict[str, str] | None = None,
    ) -> web.Response:
        headers = {"Request-Id": request_id, "Stripe-Version": self.api_version, **(extra or {})}
        return web.json_response(body, status=status, headers=headers)

    def _error(self, record: RecordedRequest, request_id: str, exc: _ApiError) -> web.Response:
        record.status = exc.status
        body = dict(exc.body)
        body["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return self._respond(exc.status, {"error": body}, request_id)

    # -----------------------------------------------------------------------------------------
    # Endpoints

    def _create_customer(
        self, ctx: _Context, params: dict[str, Any], _: str | None
    ) -> dict[str, Any]:
        _allow(params, {"email", "name", "description", "phone", "metadata", "expand"})
        customer: dict[str, Any] = {
            "id": self._new_id("cus", 14),
            "object": "customer",
            "address": None,
            "balance": 0,
            "created": self._now(),
            "currency": None,
            "default_source": None,
            "delinquent": False,
            "description": _text(params, "description"),
            "email": _text(params, "email"),
            "invoice_prefix": secrets.token_hex(4).upper(),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "livemode": False,
            "metadata": _metadata(params),
            "name": _text(params, "name"),
            "phone": _text(params, "phone"),
            "preferred_locales": [],
            "shipping": None,
            "tax_exempt": "none",
            "test_clock": None,
        }
        self._objects[customer["id"]] = customer
        return self._render(customer, _expand_list(params))

    def _get_customer(
        self, ctx: _Context, params: dict[str, Any], ident: str | None
    ) -> dict[str, Any]:
        _allow(params, {"expand"})
        customer = self._lookup("customer", ident or "", "id", status=404)
        return self._render(customer, _expand_list(params))

    def _create_intent(
        self, ctx: _Context, params: dict[str, Any], _: str | None
    ) -> dict[str, Any]:
        _allow(
            params,
            {
                "amount",
                "currency",
                "customer",
                "metadata",
                "automatic_payment_methods",
                "description",
                "receipt_email",
                "payment_method_types",
                "setup_future_usage",
                "statement_descriptor_suffix",
                "expand",
            },
        )
        amount = _integer(params, "amount", required=True, minimum=1) or 0
        currency = _currency(params)
        minimum = _MINIMUM_AMOUNTS.get(currency)
        if minimum is not None and amount < minimum:
            raise _ApiError(
                400,
                f"Amount must be at least {_money(minimum, currency)}",
                code="amount_too_small",
                param="amount",
            )
        customer = _text(params, "customer")
        if customer is not None:
            self._lookup("customer", customer, "customer")
        automatic = params.get("automatic_payment_methods")
        if automatic is not None:
            if not isinstance(automatic, dict):
                raise _ApiError(400, "Invalid object", param="automatic_payment_methods")
            _allow(automatic, {"enabled", "allow_redirects"}, prefix="automatic_payment_methods")
            enabled = _boolean(automatic, "enabled", "automatic_payment_methods[enabled]")
            if enabled is None:
                raise _missing("automatic_payment_methods[enabled]")
        intent = self._new_intent(
            amount=amount,
            currency=currency,
            customer=customer,
            metadata=_metadata(params),
            description=_text(params, "description"),
        )
        return self._render(intent, _expand_list(params))

    def _get_intent(
        self, ctx: _Context, params: dict[str, Any], ident: str | None
    ) -> dict[str, Any]:
        _allow(params, {"expand", "client_secret"})
        intent = self._lookup("payment_intent", ident or "", "intent", status=404)
        return self._render(intent, _expand_list(params))

    def _create_subscription(
        self, ctx: _Context, params: dict[str, Any], _: str | None
    ) -> dict[str, Any]:
        _allow(
            params,
            {
                "customer",
                "items",
                "metadata",
                "payment_behavior",
                "payment_settings",
                "description",
                "expand",
            },
        )
        customer_id = _text(params, "customer")
        if customer_id is None:
            raise _missing("customer")
        customer = self._lookup("customer", customer_id, "customer")
        items = params.get("items")
        if items is None:
            raise _missing("items")
        if not isinstance(items, list) or not items:
            raise _ApiError(400, "Invalid array", param="items")
        prices: list[tuple[dict[str, Any], int]] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise _ApiError(400, "Invalid object", param=f"items[{index}]")
            _allow(item, {"price", "quantity", "metadata"}, prefix=f"items[{index}]")
            price_id = _text(item, "price")
            if price_id is None:
                raise _missing(f"items[{index}][price]")
            price = self._lookup("price", price_id, f"items[{index}][price]")
            quantity = _integer(item, "quantity", minimum=1, name=f"items[{index}][quantity]")
            prices.append((price, quantity or 1))
        currencies = {price["currency"] for price, _q in prices}
        intervals = {price["recurring"]["interval"] for price, _q in prices}
        if len(currencies) > 1 or len(intervals) > 1:
            raise _ApiError(
                400,
                "All prices on a subscription must have the same currency and interval.",
                param="items",
            )
        behavior = _text(params, "payment_behavior") or "allow_incomplete"
        if behavior not in _PAYMENT_BEHAVIORS:
            raise _ApiError(
                400,
                f"Invalid payment_behavior: must be one of {', '.join(sorted(_PAYMENT_BEHAVIORS))}",
                param="payment_behavior",
            )
        settings = params.get("payment_settings", {})
        if not isinstance(settings, dict):
            raise _ApiError(400, "Invalid object", param="payment_settings")
        _allow(
            settings,
            {"save_default_payment_method", "payment_method_types", "payment_method_options"},
            prefix="payment_settings",
        )
        if behavior != "default_incomplete":
            # Nothing to charge the first invoice with: only default_incomplete waits for the
            # customer to pay in the browser.
            raise _ApiError(
                400,
                "This customer has no attached payment source or default payment method. "
                "Please consider adding a default payment method.",
                code="resource_missing",
            )
        now = self._now()
        sub_id = self._new_id("sub")
        interval = next(iter(intervals))
        period_end = now + _INTERVAL_SECONDS[interval]
        sub_items = [
            {
                "id": self._new_id("si", 14),
                "object": "subscription_item",
                "created": now,
                "current_period_end": period_end,
                "current_period_start": now,
                "discounts": [],
                "metadata": {},
                "price": copy.deepcopy(price),
                "quantity": quantity,
                "subscription": sub_id,
                "tax_rates": [],
            }
            for price, quantity in prices
        ]
        sub: dict[str, Any] = {
            "id": sub_id,
            "object": "subscription",
            "application": None,
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
            "billing_cycle_anchor": now,
            "billing_mode": {"type": "flexible"},
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically",
            "created": now,
            "currency": next(iter(currencies)),
            "customer": customer["id"],
            "default_payment_method": None,
            "description": _text(params, "description"),
            "discounts": [],
            "ended_at": None,
            "items": {
                "object": "list",
                "data": sub_items,
                "has_more": False,
                "total_count": len(sub_items),
                "url": f"/v1/subscription_items?subscription={sub_id}",
            },
            "latest_invoice": None,
            "livemode": False,
            "metadata": _metadata(params),
            "payment_settings": {
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": settings.get("save_default_payment_method", "off"),
            },
            "pending_update": None,
            "start_date": now,
            "status": "incomplete",
            "trial_end": None,
            "trial_start": None,
        }
        expand = _expand_list(params)
        self._objects[sub_id] = sub
        sub["latest_invoice"] = self._new_invoice(sub, "subscription_create")["id"]
        return self._render(sub, expand)

    def _get_subscription(
        self, ctx: _Context, params: dict[str, Any], ident: str | None
    ) -> dict[str, Any]:
        _allow(params, {"expand"})
        sub = self._lookup("subscription", ident or "", "id", status=404)
        return self._render(sub, _expand_list(params))

    def _update_subscription(
        self, ctx: _Context, params: dict[str, Any], ident: str | None
    ) -> dict[str, Any]:
        _allow(params, {"cancel_at_period_end", "metadata", "description", "expand"})
        sub = self._lookup("subscription", ident or "", "id", status=404)
        expand = _expand_list(params)
        cancel = _boolean(params, "cancel_at_period_end")
        if sub["status"] in ("canceled", "incomplete_expired") and (
            cancel is not None or "description" in params
        ):
            raise _ApiError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        previous: dict[str, Any] = {}
        if cancel is not None and cancel != sub["cancel_at_period_end"]:
            previous["cancel_at_period_end"] = sub["cancel_at_period_end"]
            previous["cancel_at"] = sub["cancel_at"]
            previous["canceled_at"] = sub["canceled_at"]
            sub["cancel_at_period_end"] = cancel
            sub["cancel_at"] = sub["items"]["data"][0]["current_period_end"] if cancel else None
            sub["canceled_at"] = self._now() if cancel else None
            sub["cancellation_details"]["reason"] = "cancellation_requested" if cancel else None
        if "metadata" in params:
            updated = _merge_metadata(sub["metadata"], params)
            if updated != sub["metadata"]:
                previous["metadata"] = sub["metadata"]
                sub["metadata"] = updated
        if "description" in params:
            description = _text(params, "description")
            if description != sub["description"]:
                previous["description"] = sub["description"]
                sub["description"] = description
        if previous:
            self._record_event("customer.subscription.updated", sub, previous, ctx)
        return self._render(sub, expand)

    def _create_refund(
        self, ctx: _Context, params: dict[str, Any], _: str | None
    ) -> dict[str, Any]:
        _allow(params, {"payment_intent", "charge", "amount", "reason", "metadata", "expand"})
        intent_id, charge_id = _text(params, "payment_intent"), _text(params, "charge")
        if intent_id is None and charge_id is None:
            raise _ApiError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id is not None:
            intent = self._lookup("payment_intent", intent_id, "payment_intent")
            if intent["status"] != "succeeded" or not intent["latest_charge"]:
                raise _ApiError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
            charge = self._objects[intent["latest_charge"]]
            if charge_id is not None and charge_id != charge["id"]:
                raise _ApiError(
                    400, "The charge does not belong to this PaymentIntent.", param="charge"
                )
        else:
            charge = self._lookup("charge", str(charge_id), "charge")
            if charge["status"] != "succeeded":
                raise _ApiError(400, f"Charge {charge['id']} was not successful.", param="charge")
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise _ApiError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _integer(params, "amount", minimum=1)
        if amount is None:
            amount = remaining
        if amount > remaining:
            raise _ApiError(
                400,
                f"Refund amount ({_money(amount, charge['currency'])}) is greater than "
                f"unrefunded amount on charge ({_money(remaining, charge['currency'])})",
                code="amount_too_large",
                param="amount",
            )
        reason = _text(params, "reason")
        if reason is not None and reason not in (
            "duplicate",
            "fraudulent",
            "requested_by_customer",
        ):
            raise _ApiError(400, f"Invalid reason: {reason}", param="reason")
        refund = {
            "id": self._new_id("re"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": self._new_id("txn"),
            "charge": charge["id"],
            "created": self._now(),
            "currency": charge["currency"],
            "destination_details": {"card": {"type": "refund"}, "type": "card"},
            "metadata": _metadata(params),
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }
        self._objects[refund["id"]] = refund
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._record_event("charge.refunded", charge, previous, ctx)
        return self._render(refund, _expand_list(params))

    def _list_events(self, ctx: _Context, params: dict[str, Any], _: str | None) -> dict[str, Any]:
        _allow(params, {"created", "limit", "starting_after", "ending_before", "type", "types"})
        limit = _integer(params, "limit", minimum=1) or 10
        if limit > 100:
            raise _ApiError(
                400,
                "This value must be less than or equal to 100.",
                code="parameter_invalid_integer",
                param="limit",
            )
        created = params.get("created")
        bounds: dict[str, int] = {}
        if isinstance(created, dict):
            _allow(created, {"gt", "gte", "lt", "lte"}, prefix="created")
            for op in created:
                value = _integer(created, op, name=f"created[{op}]")
                if value is not None:
                    bounds[op] = value
        elif created is not None:
            value = _integer(params, "created")
            if value is not None:
                bounds["eq"] = value
        kinds: set[str] | None = None
        if params.get("type") is not None:
            kinds = {str(params["type"])}
        if params.get("types") is not None:
            if not isinstance(params["types"], list):
                raise _ApiError(400, "Invalid array", param="types")
            kinds = (kinds or set()) | {str(k) for k in params["types"]}
        after, before = _text(params, "starting_after"), _text(params, "ending_before")
        if after is not None and before is not None:
            raise _ApiError(
                400, "You may only specify one of these parameters: ending_before, starting_after."
            )
        candidates = list(reversed(self._events))
        ids = [e["id"] for e in candidates]
        if after is not None:
            if after not in ids:
                raise _no_such("event", after, "starting_after")
            candidates = candidates[ids.index(after) + 1 :]
        elif before is not None:
            if before not in ids:
                raise _no_such("event", before, "ending_before")
            candidates = candidates[: ids.index(before)]
        matching = [e for e in candidates if _matches(e, bounds, kinds)]
        page = matching[-limit:] if before is not None else matching[:limit]
        has_more = len(matching) > limit
        return {
            "object": "list",
            "data": copy.deepcopy(page),
            "has_more": has_more,
            "url": "/v1/events",
        }

    # -----------------------------------------------------------------------------------------
    # State

    def _now(self) -> int:
        return int(self._clock())

    @staticmethod
    def _new_id(prefix: str, length: int = 24) -> str:
        return f"{prefix}_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))

    def _get_kind(self, kind: str, ident: str) -> dict[str, Any]:
        obj = self._objects.get(ident)
        if obj is None or obj.get("object") != kind:
            raise KeyError(f"no {kind} {ident!r} in the stand-in")
        return obj

    def _lookup(self, kind: str, ident: str, param: str, *, status: int = 400) -> dict[str, Any]:
        obj = self._objects.get(ident)
        if obj is None or obj.get("object") != kind:
            raise _no_such(kind, ident, param, status)
        return obj

    @staticmethod
    def _require_open(intent: dict[str, Any]) -> None:
        if intent["status"] in ("succeeded", "canceled"):
            raise ValueError(f"payment intent {intent['id']} is already {intent['status']}")

    def _new_intent(
        self,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        metadata: dict[str, str],
        description: str | None,
    ) -> dict[str, Any]:
        intent_id = self._new_id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": None,
            "automatic_payment_methods": {"allow_redirects": "always", "enabled": True},
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{self._new_id('x')[2:]}",
            "confirmation_method": "automatic",
            "created": self._now(),
            "currency": currency,
            "customer": customer,
            "description": description,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": metadata,
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": ["card"],
            "processing": None,
            "receipt_email": None,
            "review": None,
            "setup_future_usage": None,
            "shipping": None,
            "source": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": None,
            "status": "requires_payment_method",
            "transfer_data": None,
            "transfer_group": None,
        }
        self._objects[intent_id] = intent
        return intent

    def _new_charge(self, intent: dict[str, Any], *, succeeded: bool, message: str = "") -> str:
        charge = {
            "id": self._new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"] if succeeded else 0,
            "amount_refunded": 0,
            "balance_transaction": self._new_id("txn") if succeeded else None,
            "billing_details": {"address": None, "email": None, "name": None, "phone": None},
            "captured": succeeded,
            "created": self._now(),
            "currency": intent["currency"],
            "customer": intent["customer"],
            "description": intent["description"],
            "disputed": False,
            "failure_code": None if succeeded else "card_declined",
            "failure_message": None if succeeded else message,
            "livemode": False,
            "metadata": dict(intent["metadata"]),
            "outcome": {
                "network_status": "approved_by_network" if succeeded else "declined_by_network",
                "reason": None if succeeded else "generic_decline",
                "risk_level": "normal",
                "seller_message": "Payment complete."
                if succeeded
                else "The bank did not return any further details with this decline.",
                "type": "authorized" if succeeded else "issuer_declined",
            },
            "paid": succeeded,
            "payment_intent": intent["id"],
            "payment_method": intent["payment_method"],
            "receipt_url": None,
            "refunded": False,
            "status": "succeeded" if succeeded else "failed",
        }
        self._objects[charge["id"]] = charge
        return str(charge["id"])

    def _settle_intent(self, intent: dict[str, Any]) -> None:
        intent["payment_method"] = intent["payment_method"] or self._new_id("pm")
        intent["latest_charge"] = self._new_charge(intent, succeeded=True)
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"]
        intent["last_payment_error"] = None
        intent["next_action"] = None

    def _decline_intent(self, intent: dict[str, Any], message: str) -> None:
        payment_method = intent["payment_method"] or self._new_id("pm")
        intent["payment_method"] = payment_method
        intent["latest_charge"] = self._new_charge(intent, succeeded=False, message=message)
        intent["status"] = "requires_payment_method"
        intent["next_action"] = None
        intent["last_payment_error"] = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            "message": message,
            "charge": intent["latest_charge"],
            "payment_method": {"id": payment_method, "object": "payment_method", "type": "card"},
        }
        # A declined payment method is detached from the intent, as on Stripe.
        intent["payment_method"] = None

    def _interval_seconds(self, sub: dict[str, Any]) -> int:
        return _INTERVAL_SECONDS[sub["items"]["data"][0]["price"]["recurring"]["interval"]]

    def _new_invoice(self, sub: dict[str, Any], reason: str) -> dict[str, Any]:
        now = self._now()
        customer = self._objects[sub["customer"]]
        lines = []
        total = 0
        for item in sub["items"]["data"]:
            amount = int(item["price"]["unit_amount"]) * int(item["quantity"])
            total += amount
            lines.append(
                {
                    "id": self._new_id("il"),
                    "object": "line_item",
                    "amount": amount,
                    "currency": sub["currency"],
                    "description": f"{item['quantity']} × {item['price']['id']}",
                    "livemode": False,
                    "metadata": {},
                    "parent": {
                        "invoice_item_details": None,
                        "subscription_item_details": {
                            "invoice_item": None,
                            "proration": False,
                            "proration_details": {"credited_items": None},
                            "subscription": sub["id"],
                            "subscription_item": item["id"],
                        },
                        "type": "subscription_item_details",
                    },
                    "period": {
                        "end": item["current_period_end"],
                        "start": item["current_period_start"],
                    },
                    "pricing": {
                        "price_details": {
                            "price": item["price"]["id"],
                            "product": item["price"]["product"],
                        },
                        "type": "price_details",
                        "unit_amount_decimal": item["price"]["unit_amount_decimal"],
                    },
                    "quantity": item["quantity"],
                }
            )
        intent = self._new_intent(
            amount=total,
            currency=sub["currency"],
            customer=sub["customer"],
            metadata={},
            description="Subscription creation"
            if reason == "subscription_create"
            else "Subscription update",
        )
        invoice_id = self._new_id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "account_country": "US",
            "amount_due": total,
            "amount_overpaid": 0,
            "amount_paid": 0,
            "amount_remaining": total,
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": True,
            "billing_reason": reason,
            "collection_method": "charge_automatically",
            "created": now,
            "currency": sub["currency"],
            "customer": sub["customer"],
            "customer_email": customer.get("email"),
            "customer_name": customer.get("name"),
            "default_payment_method": None,
            "description": None,
            "hosted_invoice_url": f"https://invoice.stripe.com/i/{invoice_id}",
            "lines": {
                "object": "list",
                "data": lines,
                "has_more": False,
                "total_count": len(lines),
                "url": f"/v1/invoices/{invoice_id}/lines",
            },
            "livemode": False,
            "metadata": {},
            "next_payment_attempt": None,
            "number": f"{customer['invoice_prefix']}-{len(self._invoice_intents) + 1:04d}",
            "parent": {
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(sub["metadata"]),
                    "subscription": sub["id"],
                },
                "type": "subscription_details",
            },
            "period_end": now,
            "period_start": now,
            "status": "open",
            "status_transitions": {
                "finalized_at": now,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "subtotal": total,
            "total": total,
            "confirmation_secret": {
                "client_secret": intent["client_secret"],
                "type": "payment_intent",
            },
        }
        self._objects[invoice_id] = invoice
        self._invoice_intents[invoice_id] = intent["id"]
        return invoice

    def _pay_invoice(self, invoice: dict[str, Any]) -> None:
        intent = self._objects[self._invoice_intents[invoice["id"]]]
        if intent["status"] != "succeeded":
            self._settle_intent(intent)
        invoice["status"] = "paid"
        invoice["attempted"] = True
        invoice["attempt_count"] += 1
        invoice["amount_paid"] = invoice["amount_due"]
        invoice["amount_remaining"] = 0
        invoice["next_payment_attempt"] = None
        invoice["status_transitions"]["paid_at"] = self._now()

    def _record_event(
        self,
        kind: str,
        obj: dict[str, Any],
        previous: dict[str, Any] | None = None,
        ctx: _Context | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": self._render(obj, [])}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": self.api_version,
            "created": self._now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {
                "id": ctx.request_id if ctx else None,
                "idempotency_key": ctx.idempotency_key if ctx else None,
            },
            "type": kind,
        }
        self._events.append(event)
        return copy.deepcopy(event)

    # -----------------------------------------------------------------------------------------
    # Rendering and expansion

    def _render(self, obj: dict[str, Any], expand: Sequence[str]) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        for hidden in _INCLUDABLE.get(str(obj.get("object")), ()):
            out.pop(hidden, None)
        for path in expand:
            self._expand(out, path.split("."), path)
        return out

    def _expand(self, node: Any, segments: list[str], path: str) -> None:
        if not segments or node is None:
            return
        if not isinstance(node, dict):
            raise _ApiError(400, f"This property cannot be expanded ({path}).", param="expand")
        head, rest = segments[0], segments[1:]
        kind = str(node.get("object"))
        if head in _INCLUDABLE.get(kind, ()):
            stored = self._objects.get(str(node.get("id")), {})
            node[head] = copy.deepcopy(stored.get(head))
        elif isinstance(node.get(head), str) and self._expandable(node[head]):
            node[head] = self._render(self._objects[node[head]], [])
        elif head in node and (node[head] is None or isinstance(node[head], dict)):
            pass
        else:
            raise _ApiError(400, f"This property cannot be expanded ({path}).", param="expand")
        self._expand(node[head], rest, path)

    def _expandable(self, ident: str) -> bool:
        prefix = ident.split("_", 1)[0]
        return prefix in _ID_PREFIXES and ident in self._objects


# ---------------------------------------------------------------------------------------------
# Parameter parsing (values arrive as strings)


def _allow(params: dict[str, Any], names: set[str], prefix: str = "") -> None:
    for name in params:
        if name not in names:
            full = f"{prefix}[{name}]" if prefix else name
            raise _ApiError(
                400, f"Received unknown parameter: {full}", code="parameter_unknown", param=full
            )


def _text(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _ApiError(400, f"Invalid string: {value!r}", param=name)
    return value if value != "" else None


def _integer(
    params: dict[str, Any],
    key: str,
    *,
    required: bool = False,
    minimum: int | None = None,
    name: str | None = None,
) -> int | None:
    label = name or key
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise _missing(label)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise _ApiError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=label
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise _ApiError(
            400,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=label,
        )
    return number


def _boolean(params: dict[str, Any], key: str, name: str | None = None) -> bool | None:
    value = params.get(key)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise _ApiError(400, f"Invalid boolean: {value}", param=name or key)
    return bool(value == "true")


def _currency(params: dict[str, Any]) -> str:
    value = _text(params, "currency")
    if value is None:
        raise _missing("currency")
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise _ApiError(400, f"Invalid currency: {value.lower()}.", param="currency")
    return value.lower()


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    value = params.get("metadata")
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise _ApiError(400, "Invalid object", param="metadata")
    if len(value) > _MAX_METADATA_KEYS:
        raise _ApiError(
            400,
            f"Metadata can have up to {_MAX_METADATA_KEYS} keys.",
            param="metadata",
        )
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise _ApiError(400, "Invalid metadata value", param=f"metadata[{key}]")
        if len(key) > _MAX_METADATA_KEY or len(item) > _MAX_METADATA_VALUE:
            raise _ApiError(
                400,
                f"Metadata keys can be up to {_MAX_METADATA_KEY} characters and values up to "
                f"{_MAX_METADATA_VALUE}.",
                param=f"metadata[{key}]",
            )
        if item != "":
            out[key] = item
    return out


def _merge_metadata(current: dict[str, str], params: dict[str, Any]) -> dict[str, str]:
    """Stripe merges metadata on update: an empty value removes its key, "" removes them all."""
    if params.get("metadata") == "":
        return {}
    raw = params.get("metadata")
    merged = dict(current)
    if isinstance(raw, dict):
        for key, item in raw.items():
            if item == "":
                merged.pop(key, None)
    merged.update(_metadata(params))
    return merged


def _expand_list(params: dict[str, Any]) -> list[str]:
    value = params.get("expand")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _ApiError(400, "Invalid array", param="expand")
    return list(value)


def _matches(event: dict[str, Any], bounds: dict[str, int], kinds: set[str] | None) -> bool:
    created = int(event["created"])
    checks = {
        "gt": lambda v: created > v,
        "gte": lambda v: created >= v,
        "lt": lambda v: created < v,
        "lte": lambda v: created <= v,
        "eq": lambda v: created == v,
    }
    if not all(checks[op](value) for op, value in bounds.items()):
        return False
    if kinds is None:
        return True
    return any(
        event["type"] == kind or (kind.endswith(".*") and event["type"].startswith(kind[:-1]))
        for kind in kinds
    )


def _money(amount: int, currency: str) -> str:
    exponent = _EXPONENTS.get(currency, 2)
    if currency == "usd":
        return f"${amount / 100:.2f}"
    return f"{amount / 10**exponent:.{exponent}f} {currency}"
