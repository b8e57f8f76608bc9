"""A local stand-in for the part of MyFatoorah API v2 that lms_rt uses.

Speaks MyFatoorah's JSON (``{"IsSuccess", "Message", "ValidationErrors", "Data"}``) on
``POST /v2/ExecutePayment`` and ``POST /v2/GetPaymentStatus``, requires
``Authorization: Bearer <api key>`` (401 otherwise) and keeps invoices in memory. Shapes follow
docs.myfatoorah.com (reference/execute-payment, reference/get-payment-status and the Webhook V2
"Payment Status Data Model"); amounts are ``Decimal`` end to end and written as exact JSON
numbers.

Test controls: ``pay(invoice_id)`` / ``fail(invoice_id)`` record a transaction and return the
Webhook V2 event MyFatoorah would send; ``make_down(True)`` answers 503 to everything;
``make_slow(seconds)`` delays every answer; ``requests`` logs what arrived.

``sign(event, secret)`` computes the ``MyFatoorah-Signature`` header value for an event with
MyFatoorah's documented algorithm, written out here independently of lms_rt's verifier.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from lms_rt.money import MINOR_UNIT_EXPONENT

__all__ = [
    "Invoice",
    "MyFatoorahStandIn",
    "RecordedRequest",
    "Transaction",
    "sign",
    "signing_string",
    "webhook_request",
]

# The signed properties of each V2 event's Data, in the order of the "Webhook Signature" section
# of each data-model page on docs.myfatoorah.com.
_SIGNED: dict[str, list[str]] = {
    "PAYMENT_STATUS_CHANGED": [
        "Invoice.Id",
        "Invoice.Status",
        "Transaction.Status",
        "Transaction.PaymentId",
        "Invoice.ExternalIdentifier",
    ],
    "REFUND_STATUS_CHANGED": [
        "Refund.Id",
        "Refund.Status",
        "Amount.ValueInBaseCurrency",
        "ReferencedInvoice.Id",
    ],
    "BALANCE_TRANSFERRED": [
        "Deposit.Reference",
        "Deposit.ValueInBaseCurrency",
        "Deposit.NumberOfTransactions",
    ],
    "SUPPLIER_STATUS_CHANGED": ["Supplier.Code", "KycDecision.Status"],
    "RECURRING_UPDATES": ["Recurring.Id", "Recurring.Status", "Recurring.InitialInvoiceId"],
    "DISPUTE_STATUS_CHANGED": [
        "Dispute.DisputeTransactionId",
        "Dispute.Status",
        "Invoice.Id",
        "Invoice.Status",
        "Transaction.Status",
        "Transaction.PaymentId",
        "Invoice.ExternalIdentifier",
    ],
    "SUPPLIER_UPDATE_REQUEST_CHANGED": ["Supplier.Code", "RequestStatus.Status"],
}
_EVENT_NAMES = {
    1: "PAYMENT_STATUS_CHANGED",
    2: "REFUND_STATUS_CHANGED",
    3: "BALANCE_TRANSFERRED",
    4: "SUPPLIER_STATUS_CHANGED",
    5: "RECURRING_UPDATES",
    6: "DISPUTE_STATUS_CHANGED",
    7: "SUPPLIER_UPDATE_REQUEST_CHANGED",
}

_BODY: web.RequestKey[dict[str, Any]] = web.RequestKey("myfatoorah_standin_body", dict)

# MyFatoorah writes Kuwaiti dinars as "KD" in InvoiceDisplayValue and transaction currencies.
_DISPLAY_SYMBOL = {"KWD": "KD"}


def signing_string(event: dict[str, Any]) -> str:
    """``Key=value,...`` over the event's documented fields; ``null`` or absent -> ``""``."""
    header = event["Event"]
    name = header.get("Name") or _EVENT_NAMES[header["Code"]]
    pairs = []
    for path in _SIGNED[name]:
        value: Any = event.get("Data")
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        pairs.append(f"{path}={'' if value is None else value}")
    return ",".join(pairs)


def sign(event: dict[str, Any], secret: str) -> str:
    """The ``MyFatoorah-Signature`` header value for ``event``: base64(HMAC-SHA256(secret,
    signing string)), both UTF-8."""
    digest = hmac.new(
        secret.encode("utf-8"), signing_string(event).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_request(event: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of MyFatoorah's POST delivering ``event``."""
    return dumps(event).encode(), {
        "Content-Type": "application/json",
        "MyFatoorah-Signature": sign(event, secret),
    }


def dumps(value: Any) -> str:
    """JSON with ``Decimal`` written as an exact number (``json`` would refuse it)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _plain(value: Decimal) -> str:
    """``Decimal('20.000')`` -> ``"20"``, ``Decimal('0.100')`` -> ``"0.1"`` (webhook style)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _normal(value: Decimal) -> Decimal:
    """A JSON number the way MyFatoorah writes InvoiceValue: ``1``, ``8.033``, ``12.5``."""
    return Decimal(_plain(value))


def _fixed(value: Decimal, currency: str, *, grouped: bool = False) -> str:
    spec = f"{',' if grouped else ''}.{MINOR_UNIT_EXPONENT.get(currency, 2)}f"
    return format(value, spec)


def _utc_iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0Z"


def _failure(
    message: str, errors: list[tuple[str, str]] | None = None, status: int = 400
) -> web.Response:
    body = {
        "IsSuccess": False,
        "Message": message,
        "ValidationErrors": [{"Name": n, "Error": e} for n, e in errors] if errors else None,
        "Data": None,
    }
    return web.Response(status=status, text=dumps(body), content_type="application/json")


def _success(data: dict[str, Any], message: str = "") -> web.Response:
    body = {"IsSuccess": True, "Message": message, "ValidationErrors": None, "Data": data}
    return web.Response(text=dumps(body), content_type="application/json")


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    # The JSON body (floats as Decimal), or None when it was not JSON.
    body: Any


@dataclass
class Transaction:
    transaction_id: str
    payment_id: str
    status: str  # GetPaymentStatus spelling: "Succss" or "Failed"
    created_at: datetime
    error: str | None = None
    error_code: str = ""


@dataclass
class Invoice:
    invoice_id: int
    invoice_reference: str
    # What the customer is charged, in ``currency`` (the DisplayCurrencyIso).
    value: Decimal
    currency: str
    # InvoiceValue as GetPaymentStatus reports it: in the account's base currency.
    base_value: Decimal
    base_currency: str
    customer_reference: str | None
    customer_name: str | None
    customer_email: str | None
    customer_mobile: str | None
    user_defined_field: str | None
    payment_method_id: int | None
    callback_url: str | None
    error_url: str | None
    created_at: datetime
    invoice_key: str
    status: str = "Pending"  # "Pending" | "Paid" | "Canceled"
    transactions: list[Transaction] = field(default_factory=list)


class MyFatoorahStandIn:
    """``async with MyFatoorahStandIn() as mf:`` ... ``mf.url`` is the base URL to configure.

    ``base_currency`` is the account's currency (InvoiceValue in GetPaymentStatus is in it);
    ``None`` makes every invoice's base currency its display currency. ``exchange_rates`` maps a
    display currency to the number of base units per unit, for invoices shown in another
    currency.
    """

    def __init__(
        self,
        *,
        api_key: str = "mf_test",
        country_iso: str = "KWT",
        base_currency: str | None = None,
        exchange_rates: dict[str, Decimal] | None = None,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.country_iso = country_iso
        self.base_currency = base_currency
        self.exchange_rates = dict(exchange_rates or {})
        self.invoices: dict[str, Invoice] = {}
        self.requests: list[RecordedRequest] = []
        self.events: list[dict[str, Any]] = []
        self.down = False
        self.delay = 0.0
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._invoice_ids = itertools.count(6_400_001)
        self._sequence = itertools.count(1)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the MyFatoorah stand-in is not started")
        return self._url

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post("/v2/ExecutePayment", self._execute_payment)
        app.router.add_post("/v2/GetPaymentStatus", self._get_payment_status)
        app.router.add_get("/En/{country}/PayInvoice/Checkout", self._checkout_page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self._url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> MyFatoorahStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- test controls -----------------------------------------------------------------------

    def make_down(self, down: bool = True) -> None:
        """While down, every request gets 503 (after being logged)."""
        self.down = down

    def make_slow(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 to stop)."""
        self.delay = seconds

    def reset(self) -> None:
        self.invoices.clear()
        self.requests.clear()
        self.events.clear()
        self.down = False
        self.delay = 0.0

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == f"/v2/{endpoint}"]

    def pay(
        self, invoice_id: str | int, *, external_identifier: str | None = None
    ) -> dict[str, Any]:
        """A successful card payment: the invoice becomes Paid. Returns the V2 webhook event."""
        invoice = self._invoice(invoice_id)
        if invoice.status != "Pending":
            raise ValueError(f"invoice {invoice.invoice_id} is {invoice.status}, not Pending")
        transaction = self._transaction(invoice, "Succss")
        invoice.status = "Paid"
        return self._payment_event(invoice, transaction, external_identifier)

    def fail(
        self,
        invoice_id: str | int,
        *,
        error: str = "Transaction canceled!",
        error_code: str = "MF006",
        external_identifier: str | None = None,
    ) -> dict[str, Any]:
        """A failed attempt: the invoice stays Pending. Returns the V2 webhook event."""
        invoice = self._invoice(invoice_id)
        if invoice.status != "Pending":
            raise ValueError(f"invoice {invoice.invoice_id} is {invoice.status}, not Pending")
        transaction = self._transaction(invoice, "Failed", error=error, error_code=error_code)
        return self._payment_event(invoice, transaction, external_identifier)

    def cancel(self, invoice_id: str | int) -> None:
        """The invoice expires or is cancelled in the portal."""
        self._invoice(invoice_id).status = "Canceled"

    # -- HTTP --------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = json.loads(raw, parse_float=Decimal) if raw else None
        except ValueError:
            body = None
        self.requests.append(
            RecordedRequest(request.method, request.path, dict(request.headers), raw, body)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            return web.Response(status=503, text="Service Unavailable")
        if request.path.startswith("/v2/"):
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {self.api_key}".encode()):
                return web.Response(
                    status=401,
                    text=dumps({"Message": "Authorization has been denied for this request."}),
                    content_type="application/json",
                )
            if not isinstance(body, dict):
                return _failure("Invalid data", [("request", "The request body is not JSON")])
            request[_BODY] = body
        response: web.StreamResponse = await handler(request)
        return response

    async def _execute_payment(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = request[_BODY]
        errors: list[tuple[str, str]] = []
        value = body.get("InvoiceValue")
        currency = body.get("DisplayCurrencyIso") or self.base_currency or "KWD"
        if currency not in MINOR_UNIT_EXPONENT:
            errors.append(("DisplayCurrencyIso", f"Currency {currency} is not supported"))
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            errors.append(("InvoiceValue", "Invoice value is required"))
        elif value <= 0:
            errors.append(("InvoiceValue", "Invoice value must be more than 0"))
        elif currency in MINOR_UNIT_EXPONENT and (
            Decimal(value).scaleb(MINOR_UNIT_EXPONENT[currency]) % 1
        ):
            errors.append(("InvoiceValue", f"Too many decimal places for {currency}"))
        if body.get("PaymentMethodId") is None and not body.get("SessionId"):
            errors.append(("PaymentMethodId", "PaymentMethodId or SessionId is required"))
        for name in ("CallBackUrl", "ErrorUrl"):
            if len(str(body.get(name) or "")) > 254:
                errors.append((name, "The maximum number of characters is 254"))
        if errors:
            return _failure("Invalid data", errors)
        assert isinstance(value, int | Decimal)
        invoice = self._new_invoice(body, Decimal(value), currency)
        return _success(
            {
                "InvoiceId": invoice.invoice_id,
                "IsDirectPayment": False,
                "PaymentURL": (
                    f"{self.url}/En/{self.country_iso}/PayInvoice/Checkout"
                    f"?invoiceKey={invoice.invoice_key}"
                    f"&paymentGatewayId={invoice.payment_method_id or 0}"
                ),
                "CustomerReference": invoice.customer_reference,
                "UserDefinedField": invoice.user_defined_field,
                "RecurringId": "",
            },
            "Invoice Created Successfully!",
        )

    async def _get_payment_status(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = request[_BODY]
        key = body.get("Key")
        key_type = str(body.get("KeyType") or "")
        if key in (None, ""):
            return _failure("Invalid data", [("Key", "The Key field is required.")])
        kinds = {"invoiceid": "InvoiceId", "paymentid": "PaymentId"}
        kinds["customerreference"] = "CustomerReference"
        kind = kinds.get(key_type.lower())
        if kind is None:
            return _failure("Invalid data", [("KeyType", f"Invalid KeyType {key_type}")])
        invoice = self._find(str(key), kind)
        if invoice is None:
            return _failure(f"No invoice matches the given {kind} {key}")
        return _success(self._status_data(invoice))

    async def _checkout_page(self, request: web.Request) -> web.Response:
        key = request.query.get("invoiceKey", "")
        found = next((i for i in self.invoices.values() if i.invoice_key == key), None)
        if found is None:
            return web.Response(status=404, text="Invoice not found")
        return web.Response(
            text=f"<h1>MyFatoorah stand-in</h1><p>Invoice {found.invoice_id}</p>",
            content_type="text/html",
        )

    # -- state -------------------------------------------------------------------------------

    def _new_invoice(self, body: dict[str, Any], value: Decimal, currency: str) -> Invoice:
        invoice_id = next(self._invoice_ids)
        base_currency = self.base_currency or currency
        base_value = value
        if base_currency != currency:
            rate = self.exchange_rates[currency]
            exponent = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[base_currency])
            base_value = (value * rate).quantize(exponent)
        now = datetime.now(UTC)
        invoice = Invoice(
            invoice_id=invoice_id,
            invoice_reference=f"{now:%Y}{next(self._sequence):06d}",
            value=value,
            currency=currency,
            base_value=base_value,
            base_currency=base_currency,
            customer_reference=body.get("CustomerReference"),
            customer_name=body.get("CustomerName"),
            customer_email=body.get("CustomerEmail"),
            customer_mobile=body.get("CustomerMobile"),
            user_defined_field=body.get("UserDefinedField"),
            payment_method_id=body.get("PaymentMethodId"),
            callback_url=body.get("CallBackUrl"),
            error_url=body.get("ErrorUrl"),
            created_at=now,
            invoice_key=f"0107{invoice_id}{next(self._sequence):02d}-{invoice_id:08x}",
        )
        self.invoices[str(invoice_id)] = invoice
        return invoice

    def _invoice(self, invoice_id: str | int) -> Invoice:
        try:
            return self.invoices[str(invoice_id)]
        except KeyError:
            raise KeyError(f"no invoice {invoice_id} in the MyFatoorah stand-in") from None

    def _find(self, key: str, kind: str) -> Invoice | None:
        if kind == "InvoiceId":
            return self.invoices.get(key)
        for invoice in reversed(list(self.invoices.values())):
            if kind == "CustomerReference" and invoice.customer_reference == key:
                return invoice
            if kind == "PaymentId" and any(t.payment_id == key for t in invoice.transactions):
                return invoice
        return None

    def _transaction(
        self, invoice: Invoice, status: str, *, error: str | None = None, error_code: str = ""
    ) -> Transaction:
        sequence = next(self._sequence)
        transaction = Transaction(
            transaction_id=f"{sequence:06d}",
            payment_id=f"0707{invoice.invoice_id:07d}{sequence:09d}",
            status=status,
            created_at=datetime.now(UTC),
            error=error,
            error_code=error_code,
        )
        invoice.transactions.append(transaction)
        return transaction

    def _status_data(self, invoice: Invoice) -> dict[str, Any]:
        expiry = invoice.created_at + timedelta(days=3)
        symbol = _DISPLAY_SYMBOL.get(invoice.currency, invoice.currency)
        base_symbol = _DISPLAY_SYMBOL.get(invoice.base_currency, invoice.base_currency)
        return {
            "InvoiceId": invoice.invoice_id,
            "InvoiceStatus": invoice.status,
            "InvoiceReference": invoice.invoice_reference,
            "CustomerReference": invoice.customer_reference,
            "CreatedDate": f"{invoice.created_at:%Y-%m-%dT%H:%M:%S.%f}"[:-3],
            "ExpiryDate": f"{expiry:%B} {expiry.day}, {expiry:%Y}",
            "ExpiryTime": f"{expiry:%H:%M:%S.%f}"[:-3],
            "InvoiceValue": _normal(invoice.base_value),
            "Comments": None,
            "CustomerName": invoice.customer_name,
            "CustomerMobile": invoice.customer_mobile or "+965",
            "CustomerEmail": invoice.customer_email,
            "UserDefinedField": invoice.user_defined_field,
            "InvoiceDisplayValue": (
                f"{_fixed(invoice.value, invoice.currency, grouped=True)} {symbol}"
            ),
            "DueDeposit": _normal(invoice.base_value),
            "DepositStatus": "Not Deposited",
            "InvoiceItems": [],
            "InvoiceTransactions": [
                {
                    "TransactionDate": f"{t.created_at:%Y-%m-%dT%H:%M:%S.%f}0",
                    "PaymentGateway": "VISA/MASTER",
                    "ReferenceId": f"6{t.transaction_id}{invoice.invoice_id}",
                    "TrackId": f"{t.created_at:%d-%m-%Y}_{t.transaction_id}",
                    "TransactionId": f"7{t.transaction_id}{invoice.invoice_id}",
                    "PaymentId": t.payment_id,
                    "AuthorizationId": t.transaction_id,
                    "TransactionStatus": t.status,
                    "TransationValue": _fixed(invoice.base_value, invoice.base_currency),
                    "CustomerServiceCharge": _fixed(Decimal(0), invoice.base_currency),
                    "TotalServiceCharge": _fixed(Decimal(0), invoice.base_currency),
                    "DueValue": _fixed(invoice.base_value, invoice.base_currency),
                    "PaidCurrency": symbol,
                    "PaidCurrencyValue": _fixed(invoice.value, invoice.currency),
                    "VatAmount": _fixed(Decimal(0), invoice.base_currency),
                    "IpAddress": "127.0.0.1",
                    "Country": "Kuwait",
                    "Currency": base_symbol,
                    "Error": t.error,
                    "CardNumber": "512345xxxxxx0008",
                    "ErrorCode": t.error_code,
                    "ECI": "02",
                    "Card": self._card(),
                }
                for t in invoice.transactions
            ],
            "Suppliers": [],
        }

    @staticmethod
    def _card() -> dict[str, Any]:
        return {
            "NameOnCard": "test test",
            "Number": "512345xxxxxx0008",
            "Token": "",
            "PanHash": hashlib.sha256(b"512345xxxxxx0008").hexdigest(),
            "ExpiryMonth": "12",
            "ExpiryYear": "36",
            "Brand": "Mastercard",
            "Issuer": "Test Bank",
            "IssuerCountry": "KWT",
            "FundingMethod": "credit",
        }

    def _payment_event(
        self, invoice: Invoice, transaction: Transaction, external_identifier: str | None
    ) -> dict[str, Any]:
        """PAYMENT_STATUS_CHANGED in the Webhook V2 shape (docs: webhook-v2-payment-status-
        data-model): statuses upper-case, amounts as strings, ``Event.Reference`` unique."""
        now = datetime.now(UTC)
        email = invoice.customer_email or ""
        masked = f"{email[:1]}***{email[email.find('@') :]}" if "@" in email else email
        event: dict[str, Any] = {
            "Event": {
                "Code": 1,
                "Name": "PAYMENT_STATUS_CHANGED",
                "CountryIsoCode": self.country_iso,
                "CreationDate": _utc_iso(now),
                "Reference": f"WH-{next(self._sequence)}",
            },
            "Data": {
                "Invoice": {
                    "Id": str(invoice.invoice_id),
                    "Status": invoice.status.upper(),
                    "Reference": invoice.invoice_reference,
                    "CreationDate": _utc_iso(invoice.created_at),
                    "ExpirationDate": _utc_iso(invoice.created_at + timedelta(days=3)),
                    "UserDefinedField": invoice.user_defined_field or "",
                    "ExternalIdentifier": external_identifier,
                    "MetaData": None,
                },
                "Transaction": {
                    "Id": transaction.transaction_id,
                    "Status": "SUCCESS" if transaction.status == "Succss" else "FAILED",
                    "PaymentMethod": "VISA/MASTER",
                    "PaymentId": transaction.payment_id,
                    "ReferenceId": f"6{transaction.transaction_id}{invoice.invoice_id}",
                    "TrackId": f"{transaction.created_at:%d-%m-%Y}_{transaction.transaction_id}",
                    "AuthorizationId": transaction.transaction_id,
                    "TransactionDate": _utc_iso(transaction.created_at),
                    "ECI": "02",
                    "IP": {"Address": "127.0.0.1", "Country": "Kuwait"},
                    "Error": {
                        "Code": transaction.error_code,
                        "Message": transaction.error or "",
                    },
                    "Card": self._card(),
                },
                "Customer": {
                    "Name": invoice.customer_name or "Anonymous",
                    "Mobile": invoice.customer_mobile or "+965",
                    "Email": masked,
                },
                "Amount": {
                    "BaseCurrency": invoice.base_currency,
                    "ValueInBaseCurrency": _plain(invoice.base_value),
                    "ServiceCharge": "0",
                    "ServiceChargeVAT": "0",
                    "ReceivableAmount": _plain(invoice.base_value),
                    "DisplayCurrency": invoice.currency,
                    "ValueInDisplayCurrency": _plain(invoice.value),
                    "PayCurrency": invoice.currency,
                    "ValueInPayCurrency": _plain(invoice.value),
                },
                "Suppliers": [],
            },
        }
        self.events.append(event)
        return event
