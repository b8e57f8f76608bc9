"""MyFatoorah API v2: the only module that talks to MyFatoorah.

Three things, each from MyFatoorah's own documentation (docs.myfatoorah.com, pages as of
2026-02/04):

- ``POST /v2/ExecutePayment`` (reference/execute-payment) creates an invoice against a payment
  method and answers ``Data.InvoiceId`` and ``Data.PaymentURL``. ``InvoiceValue`` is a decimal in
  the currency's major unit; our integer minor units are converted with ``Decimal`` and written
  into the JSON as an exact number (never through ``float``).
- ``POST /v2/GetPaymentStatus`` (reference/get-payment-status) with ``{"Key", "KeyType"}``,
  ``KeyType`` one of ``InvoiceId``, ``PaymentId``, ``CustomerReference``. ``InvoiceStatus`` is
  ``Pending``, ``Paid`` or ``Canceled``; transactions spell success ``Succss``. Responses are
  parsed with ``parse_float=Decimal`` so ``InvoiceValue`` is read exactly.
- Webhook V2 signatures (docs/webhook-signature and the "Webhook Signature" section of each V2
  data-model page, e.g. docs/webhook-v2-payment-status-data-model): take the documented
  properties of the event's ``Data`` in the documented order (not alphabetical), write each as
  ``Key=value`` with ``null`` as the empty string, join with ``,``, HMAC-SHA256 with the webhook
  secret (both UTF-8), base64 the digest and compare with the ``MyFatoorah-Signature`` header.
  ``PAYMENT_STATUS_CHANGED`` signs ``Invoice.Id, Invoice.Status, Transaction.Status,
  Transaction.PaymentId, Invoice.ExternalIdentifier``; the other events are in
  ``WEBHOOK_V2_SIGNED_FIELDS``. Only those fields are covered: ``Event.Reference`` (the event id)
  and every amount in a payment event are *not* signed, which is why an event is only a hint and
  the payment is confirmed with GetPaymentStatus before anything is granted.

Errors: :class:`GatewayError` is transient (unreachable, timeout, 5xx, 429, or a success answer
we cannot read); :class:`PaymentRejected` is MyFatoorah saying no (``IsSuccess: false`` or a
4xx); :class:`InvalidWebhook` is an event we must not trust.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import aiohttp

from lms_rt.config import Settings
from lms_rt.money import MINOR_UNIT_EXPONENT

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_PAYMENT_METHOD_ID",
    "KEY_TYPES",
    "WEBHOOK_V2_EVENT_CODES",
    "WEBHOOK_V2_SIGNED_FIELDS",
    "GatewayError",
    "InvalidWebhook",
    "MyFatoorahGateway",
    "MyFatoorahInvoice",
    "MyFatoorahStatus",
    "PaymentRejected",
    "decimal_to_minor",
    "minor_to_decimal",
    "webhook_signing_string",
]

# ExecutePayment needs a PaymentMethodId (or an embedded SessionId). 2 is VISA/MASTER in
# MyFatoorah's documentation; InitiatePayment lists the ids enabled for an account.
DEFAULT_PAYMENT_METHOD_ID: Final = 2
DEFAULT_TIMEOUT_SECONDS: Final = 20.0

KEY_TYPES: Final = frozenset({"InvoiceId", "PaymentId", "CustomerReference"})

# Webhook V2: event code -> name, and the signed properties of ``Data`` in signing order, as
# listed under "Webhook Signature" on each V2 data-model page.
WEBHOOK_V2_EVENT_CODES: Final[dict[int, str]] = {
    1: "PAYMENT_STATUS_CHANGED",
    2: "REFUND_STATUS_CHANGED",
    3: "BALANCE_TRANSFERRED",
    4: "SUPPLIER_STATUS_CHANGED",
    5: "RECURRING_UPDATES",
    6: "DISPUTE_STATUS_CHANGED",
    7: "SUPPLIER_UPDATE_REQUEST_CHANGED",
}
WEBHOOK_V2_SIGNED_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "PAYMENT_STATUS_CHANGED": (
        "Invoice.Id",
        "Invoice.Status",
        "Transaction.Status",
        "Transaction.PaymentId",
        "Invoice.ExternalIdentifier",
    ),
    "REFUND_STATUS_CHANGED": (
        "Refund.Id",
        "Refund.Status",
        "Amount.ValueInBaseCurrency",
        "ReferencedInvoice.Id",
    ),
    "BALANCE_TRANSFERRED": (
        "Deposit.Reference",
        "Deposit.ValueInBaseCurrency",
        "Deposit.NumberOfTransactions",
    ),
    "SUPPLIER_STATUS_CHANGED": ("Supplier.Code", "KycDecision.Status"),
    "RECURRING_UPDATES": ("Recurring.Id", "Recurring.Status", "Recurring.InitialInvoiceId"),
    "DISPUTE_STATUS_CHANGED": (
        "Dispute.DisputeTransactionId",
        "Dispute.Status",
        "Invoice.Id",
        "Invoice.Status",
        "Transaction.Status",
        "Transaction.PaymentId",
        "Invoice.ExternalIdentifier",
    ),
    "SUPPLIER_UPDATE_REQUEST_CHANGED": ("Supplier.Code", "RequestStatus.Status"),
}

# How MyFatoorah writes a currency after the number in ``InvoiceDisplayValue`` when it does not
# write the ISO code. "KD" is the one in their samples ("1.000 KD"); the others are the usual
# local abbreviations. ISO codes pass through as they are.
_DISPLAY_CURRENCY_ALIASES: Final[dict[str, str]] = {
    "KD": "KWD",
    "SR": "SAR",
    "BD": "BHD",
    "QR": "QAR",
    "RO": "OMR",
    "JD": "JOD",
    "LE": "EGP",
}
_DISPLAY_VALUE = re.compile(
    r"(?P<before>[^\d-]*?)\s*(?P<number>-?\d[\d,]*(?:\.\d+)?)\s*(?P<after>.*)"
)
_SUCCESS_TRANSACTION = frozenset({"succss", "success"})


class GatewayError(Exception):
    """MyFatoorah could not be reached or answered with something transient (5xx, 429, timeout,
    an unreadable success response): try again later."""


class PaymentRejected(Exception):
    """MyFatoorah refused the request (``IsSuccess: false`` or a 4xx); ``message`` says why."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        validation_errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.validation_errors: list[dict[str, Any]] = validation_errors or []


class InvalidWebhook(Exception):
    """A webhook whose signature is missing, forged or does not match, or whose body is not a
    MyFatoorah V2 event we can verify."""


@dataclass(frozen=True)
class MyFatoorahInvoice:
    invoice_id: str
    payment_url: str


@dataclass(frozen=True)
class MyFatoorahStatus:
    invoice_id: str
    # As MyFatoorah says: "Pending", "Paid", "Canceled", ...
    invoice_status: str
    # Minor units of ``currency``.
    amount: int
    currency: str
    # Our CustomerReference.
    reference: str | None
    # The successful transaction's PaymentId when the invoice is paid.
    payment_id: str | None
    # The last failed attempt's error while the invoice is not paid.
    error: str | None


def minor_to_decimal(amount: int, currency: str) -> Decimal:
    """``12345`` EGP -> ``Decimal('123.45')``; ``8033`` KWD -> ``Decimal('8.033')``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an integer number of minor units, not {amount!r}")
    return Decimal(amount).scaleb(-_exponent(currency))


def decimal_to_minor(value: Decimal, currency: str) -> int:
    """``Decimal('123.45')`` EGP -> ``12345``; refuses a value finer than the currency's unit."""
    scaled = value.scaleb(_exponent(currency))
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"{value} {currency} is not a whole number of minor units")
    return int(scaled)


def _exponent(currency: str) -> int:
    try:
        return MINOR_UNIT_EXPONENT[currency]
    except KeyError:
        raise ValueError(f"unsupported currency {currency!r}") from None


def webhook_signing_string(event: dict[str, Any]) -> str:
    """The ``Key=value,...`` string MyFatoorah signs for a V2 event (see the module docstring).

    Raises :class:`InvalidWebhook` for a V1 or unknown event, or when a signed field is absent.
    """
    name = _event_name(event)
    data = event.get("Data")
    if not isinstance(data, dict):
        raise InvalidWebhook("the event has no Data object")
    return ",".join(
        f"{path}={_signed_value(data, path)}" for path in WEBHOOK_V2_SIGNED_FIELDS[name]
    )


def _event_name(event: dict[str, Any]) -> str:
    header = event.get("Event")
    if not isinstance(header, dict):
        if "EventType" in event:
            raise InvalidWebhook("a Webhook V1 event; the MyFatoorah account must send V2")
        raise InvalidWebhook("the event has no Event object")
    name = header.get("Name")
    code = header.get("Code")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise InvalidWebhook(f"event code {code!r} is not a number")
    if name is None and code is not None:
        name = WEBHOOK_V2_EVENT_CODES.get(code)
    if not isinstance(name, str) or name not in WEBHOOK_V2_SIGNED_FIELDS:
        raise InvalidWebhook(f"unsupported MyFatoorah event {name or code!r}")
    if code is not None and WEBHOOK_V2_EVENT_CODES.get(code) != name:
        raise InvalidWebhook(f"event code {code!r} does not match event name {name!r}")
    return name


def _signed_value(data: dict[str, Any], path: str) -> str:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise InvalidWebhook(f"the event lacks the signed field Data.{path}")
        node = node[part]
    if node is None:
        return ""
    if isinstance(node, bool):
        return "True" if node else "False"
    if isinstance(node, str | int | Decimal):
        return str(node)
    raise InvalidWebhook(f"Data.{path} is not a scalar")


def _encode_json(payload: dict[str, str | int | Decimal | None]) -> bytes:
    """A flat JSON object with ``Decimal`` values written as exact JSON numbers."""
    members = []
    for key, value in payload.items():
        text = format(value, "f") if isinstance(value, Decimal) else json.dumps(value)
        members.append(f"{json.dumps(key)}:{text}")
    return ("{" + ",".join(members) + "}").encode()


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            return None
        return parsed if parsed.is_finite() else None
    return None


def _describe_failure(document: dict[str, Any] | None) -> tuple[str, list[dict[str, Any]]]:
    if document is None:
        return "", []
    message = str(document.get("Message") or "").strip()
    listed = document.get("ValidationErrors")
    errors = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    details = "; ".join(f"{e.get('Name')}: {e.get('Error')}" for e in errors)
    if details:
        message = f"{message} ({details})" if message else details
    return message, errors


class MyFatoorahGateway:
    """A client for MyFatoorah API v2 on ``settings.myfatoorah_base_url``.

    Holds one ``aiohttp.ClientSession``, opened on first use; ``close()`` releases it.
    """

    def __init__(self, settings: Settings, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS):
        self._api_key = settings.myfatoorah_api_key
        self._base_url = settings.myfatoorah_base_url.rstrip("/")
        self._webhook_secret = settings.myfatoorah_webhook_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def execute_payment(
        self,
        *,
        amount: int,
        currency: str,
        customer_name: str,
        customer_email: str,
        reference: str,
        callback_url: str,
        error_url: str,
        payment_method_id: int = DEFAULT_PAYMENT_METHOD_ID,
    ) -> MyFatoorahInvoice:
        """Create an invoice for ``amount`` minor units of ``currency``; the customer pays at
        ``payment_url``. ``reference`` becomes the invoice's CustomerReference."""
        payload: dict[str, str | int | Decimal | None] = {
            "PaymentMethodId": payment_method_id,
            "InvoiceValue": minor_to_decimal(amount, currency),
            "DisplayCurrencyIso": currency,
            "CustomerName": customer_name,
            "CustomerEmail": customer_email,
            "CustomerReference": reference,
            "CallBackUrl": callback_url,
            "ErrorUrl": error_url,
        }
        data = await self._post("ExecutePayment", payload)
        invoice_id = data.get("InvoiceId")
        url = data.get("PaymentURL") or data.get("InvoiceURL")
        if invoice_id in (None, "") or isinstance(invoice_id, bool) or not isinstance(url, str):
            raise GatewayError("MyFatoorah ExecutePayment answered without InvoiceId/PaymentURL")
        return MyFatoorahInvoice(invoice_id=str(invoice_id), payment_url=url)

    async def get_payment_status(self, key: str, key_type: str = "InvoiceId") -> MyFatoorahStatus:
        """The invoice behind ``key`` as MyFatoorah sees it now."""
        if key_type not in KEY_TYPES:
            raise ValueError(f"key_type must be one of {sorted(KEY_TYPES)}, not {key_type!r}")
        data = await self._post("GetPaymentStatus", {"Key": key, "KeyType": key_type})
        invoice_id = data.get("InvoiceId")
        invoice_status = data.get("InvoiceStatus")
        value = _as_decimal(data.get("InvoiceValue"))
        if invoice_id in (None, "") or not isinstance(invoice_status, str) or value is None:
            raise GatewayError(
                "MyFatoorah GetPaymentStatus answered without InvoiceId/InvoiceStatus/InvoiceValue"
            )
        amount, currency = self._amount(value, data.get("InvoiceDisplayValue"))
        transactions = [t for t in data.get("InvoiceTransactions") or [] if isinstance(t, dict)]
        payment_id: str | None = None
        error: str | None = None
        if invoice_status.lower() == "paid":
            for transaction in transactions:
                status = str(transaction.get("TransactionStatus") or "").lower()
                if status in _SUCCESS_TRANSACTION and transaction.get("PaymentId"):
                    payment_id = str(transaction["PaymentId"])
        else:
            for transaction in transactions:
                if transaction.get("Error"):
                    error = str(transaction["Error"])
        reference = data.get("CustomerReference")
        return MyFatoorahStatus(
            invoice_id=str(invoice_id),
            invoice_status=invoice_status,
            amount=amount,
            currency=currency,
            reference=str(reference) if reference not in (None, "") else None,
            payment_id=payment_id,
            error=error,
        )

    def verify_webhook(self, body: bytes, signature: str | None) -> dict[str, Any]:
        """The parsed V2 event if ``signature`` (the ``MyFatoorah-Signature`` header) is
        MyFatoorah's signature of it; :class:`InvalidWebhook` otherwise.

        Only the documented fields are signed (not ``Event.Reference``, not amounts): treat the
        event as a pointer and confirm with :meth:`get_payment_status`.
        """
        if not self._webhook_secret:
            raise InvalidWebhook("no MyFatoorah webhook secret is configured")
        if signature is None or not signature.strip():
            raise InvalidWebhook("the MyFatoorah-Signature header is missing")
        try:
            event = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidWebhook("the webhook body is not JSON") from exc
        if not isinstance(event, dict):
            raise InvalidWebhook("the webhook body is not a JSON object")
        message = webhook_signing_string(event)
        expected = base64.b64encode(
            hmac.new(self._webhook_secret.encode(), message.encode(), hashlib.sha256).digest()
        )
        given = signature.strip().encode("utf-8", "replace")
        if not hmac.compare_digest(expected, given):
            raise InvalidWebhook("the MyFatoorah-Signature does not match the event")
        return event

    @staticmethod
    def _amount(value: Decimal, display: Any) -> tuple[int, str]:
        """Minor units and ISO currency of an invoice.

        GetPaymentStatus has no currency field: the currency is the one shown in
        ``InvoiceDisplayValue`` ("1.000 KD"), which is the DisplayCurrencyIso we sent.
        ``InvoiceValue`` is in the account's base currency; when the display value agrees with
        it (one currency) the amount is ``InvoiceValue``, otherwise the invoice was shown in
        another currency and the amount is the displayed one, in that currency.
        """
        match = _DISPLAY_VALUE.fullmatch(display.strip()) if isinstance(display, str) else None
        if match is None:
            raise GatewayError(f"cannot read MyFatoorah's InvoiceDisplayValue {display!r}")
        symbol = (match["before"].strip() or match["after"].strip()).upper()
        currency = _DISPLAY_CURRENCY_ALIASES.get(symbol, symbol)
        shown = _as_decimal(match["number"])
        if currency not in MINOR_UNIT_EXPONENT or shown is None:
            raise GatewayError(f"cannot tell the currency of InvoiceDisplayValue {display!r}")
        try:
            return decimal_to_minor(value if shown == value else shown, currency), currency
        except ValueError as exc:
            raise GatewayError(f"MyFatoorah invoice amount: {exc}") from exc

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _post(
        self, endpoint: str, payload: dict[str, str | int | Decimal | None]
    ) -> dict[str, Any]:
        if not self._api_key:
            # Never call the provider's default URL unconfigured (the callback is public).
            raise GatewayError(f"MyFatoorah {endpoint}: LMS_MYFATOORAH_API_KEY is not set")
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            async with self._client().post(
                f"{self._base_url}/v2/{endpoint}", data=_encode_json(payload), headers=headers
            ) as response:
                status = response.status
                raw = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise GatewayError(f"MyFatoorah {endpoint} failed: {exc!r}") from exc
        if status >= 500 or status == 429:
            raise GatewayError(f"MyFatoorah {endpoint} answered HTTP {status}")
        try:
            parsed = json.loads(raw, parse_float=Decimal) if raw else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        document = parsed if isinstance(parsed, dict) else None
        if status >= 400 or (document is not None and document.get("IsSuccess") is False):
            message, errors = _describe_failure(document)
            message = message or f"MyFatoorah {endpoint} answered HTTP {status}"
            log.warning("MyFatoorah %s rejected (HTTP %s): %s", endpoint, status, message)
            raise PaymentRejected(message, status=status, validation_errors=errors)
        if status >= 300 or document is None or document.get("IsSuccess") is not True:
            raise GatewayError(f"MyFatoorah {endpoint} answered HTTP {status} without a result")
        data = document.get("Data")
        if not isinstance(data, dict):
            raise GatewayError(f"MyFatoorah {endpoint} answered without Data")
        return data
