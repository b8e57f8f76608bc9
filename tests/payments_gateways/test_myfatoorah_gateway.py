"""MyFatoorahGateway against the local MyFatoorah stand-in: invoices, exact amounts, errors and
Webhook V2 signatures (no database)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from lms_rt.config import Settings
from lms_rt.payments.myfatoorah_gateway import (
    GatewayError,
    InvalidWebhook,
    MyFatoorahGateway,
    MyFatoorahInvoice,
    PaymentRejected,
    decimal_to_minor,
    minor_to_decimal,
    webhook_signing_string,
)
from tests.harness.myfatoorah_standin import MyFatoorahStandIn, sign, webhook_request

API_KEY = "mf_test"
SECRET = "mf_secret"

# The sample PAYMENT_STATUS_CHANGED event and its signature string, from MyFatoorah's "Payment
# Status Data Model" (Webhook V2) page; trimmed to the objects that matter here.
DOCUMENTED_PAYMENT_EVENT: dict[str, Any] = {
    "Event": {
        "Code": 1,
        "Name": "PAYMENT_STATUS_CHANGED",
        "CountryIsoCode": "KWT",
        "CreationDate": "2026-01-04T08:15:00.9500000Z",
        "Reference": "WH-626519",
    },
    "Data": {
        "Invoice": {
            "Id": "6409988",
            "Status": "PAID",
            "Reference": "2026000073",
            "UserDefinedField": "",
            "ExternalIdentifier": "asdqwd-f13sdf-fasjkz",
            "MetaData": None,
        },
        "Transaction": {
            "Id": "86781",
            "Status": "SUCCESS",
            "PaymentMethod": "VISA/MASTER",
            "PaymentId": "07076409988323998875",
        },
        "Amount": {"BaseCurrency": "KWD", "ValueInBaseCurrency": "1"},
    },
}
DOCUMENTED_PAYMENT_STRING = (
    "Invoice.Id=6409988,Invoice.Status=PAID,Transaction.Status=SUCCESS,"
    "Transaction.PaymentId=07076409988323998875,Invoice.ExternalIdentifier=asdqwd-f13sdf-fasjkz"
)
# The REFUND_STATUS_CHANGED sample from the V2 "Refund Data Model" page.
DOCUMENTED_REFUND_EVENT: dict[str, Any] = {
    "Event": {
        "Code": 2,
        "Name": "REFUND_STATUS_CHANGED",
        "CountryIsoCode": "KWT",
        "CreationDate": "2025-05-13T06:06:20.4000000Z",
        "Reference": "WH-128044",
    },
    "Data": {
        "Refund": {"Id": "111147", "Reference": "2025000058", "Status": "REFUNDED"},
        "Amount": {"BaseCurrency": "KWD", "ValueInBaseCurrency": "30"},
        "ReferencedInvoice": {"Id": "5620277", "Reference": "2025042457"},
    },
}
DOCUMENTED_REFUND_STRING = (
    "Refund.Id=111147,Refund.Status=REFUNDED,Amount.ValueInBaseCurrency=30,"
    "ReferencedInvoice.Id=5620277"
)


def _settings(url: str, *, api_key: str = API_KEY, secret: str = SECRET) -> Settings:
    return Settings(
        myfatoorah_api_key=api_key,
        myfatoorah_base_url=url,
        myfatoorah_webhook_secret=secret,
    )


@pytest.fixture
async def standin() -> AsyncIterator[MyFatoorahStandIn]:
    async with MyFatoorahStandIn(api_key=API_KEY) as server:
        yield server


@pytest.fixture
async def gateway(standin: MyFatoorahStandIn) -> AsyncIterator[MyFatoorahGateway]:
    client = MyFatoorahGateway(_settings(standin.url))
    yield client
    await client.close()


async def _invoice(
    gateway: MyFatoorahGateway, amount: int = 12345, currency: str = "EGP", reference: str = "p-1"
) -> MyFatoorahInvoice:
    return await gateway.execute_payment(
        amount=amount,
        currency=currency,
        customer_name="Salma Adel",
        customer_email="salma@example.com",
        reference=reference,
        callback_url="https://lms.example/api/v1/payments/myfatoorah/callback",
        error_url="https://lms.example/api/v1/payments/myfatoorah/callback",
    )


# -- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (12345, "EGP", "123.45"),
        (1, "USD", "0.01"),
        (8033, "KWD", "8.033"),
        (1000, "BHD", "1.000"),
        (123456789, "OMR", "123456.789"),
    ],
)
def test_minor_units_round_trip_exactly(amount: int, currency: str, text: str) -> None:
    value = minor_to_decimal(amount, currency)
    assert format(value, "f") == text
    assert decimal_to_minor(Decimal(text), currency) == amount


def test_minor_units_refuse_what_does_not_fit() -> None:
    with pytest.raises(ValueError, match="minor units"):
        decimal_to_minor(Decimal("1.0005"), "KWD")
    with pytest.raises(ValueError, match="currency"):
        minor_to_decimal(100, "XYZ")
    with pytest.raises(TypeError):
        minor_to_decimal(1.5, "EGP")  # type: ignore[arg-type]


# -- invoices -----------------------------------------------------------------------------------


async def test_execute_payment_then_status_is_pending(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway, 12345, "EGP", reference="pay-42")

    assert invoice.invoice_id in standin.invoices
    assert invoice.payment_url.startswith(f"{standin.url}/En/KWT/PayInvoice/Checkout?invoiceKey=")
    sent = standin.requests_to("ExecutePayment")[-1]
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    # The decimal goes out as an exact JSON number, never through float.
    assert b'"InvoiceValue":123.45,' in sent.raw
    assert sent.body["InvoiceValue"] == Decimal("123.45")
    assert sent.body["DisplayCurrencyIso"] == "EGP"
    assert sent.body["CustomerReference"] == "pay-42"
    assert sent.body["CustomerName"] == "Salma Adel"
    assert sent.body["CustomerEmail"] == "salma@example.com"
    assert sent.body["PaymentMethodId"] == 2
    assert sent.body["CallBackUrl"].endswith("/myfatoorah/callback")

    status = await gateway.get_payment_status(invoice.invoice_id)
    assert status.invoice_id == invoice.invoice_id
    assert status.invoice_status == "Pending"
    assert (status.amount, status.currency) == (12345, "EGP")
    assert status.reference == "pay-42"
    assert status.payment_id is None
    assert status.error is None
    asked = standin.requests_to("GetPaymentStatus")[-1].body
    assert asked == {"Key": invoice.invoice_id, "KeyType": "InvoiceId"}


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (12345, "EGP"),  # 123.45 EGP
        (123456789, "EGP"),  # 1,234,567.89 EGP: grouped digits in the display value
        (1999, "USD"),
        (8033, "KWD"),  # 8.033 KD: a value float arithmetic loses a fil on
        (1234567, "KWD"),  # 1,234.567 KD
        (100, "KWD"),  # 0.100 KD
        (1005, "BHD"),
        (20500, "OMR"),
    ],
)
async def test_paid_invoice_reports_the_exact_amount(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway, amount: int, currency: str
) -> None:
    invoice = await _invoice(gateway, amount, currency)
    event = standin.pay(invoice.invoice_id)

    status = await gateway.get_payment_status(invoice.invoice_id)
    assert status.invoice_status == "Paid"
    assert status.amount == amount
    assert status.currency == currency
    assert status.payment_id == event["Data"]["Transaction"]["PaymentId"]
    assert status.error is None

    by_payment = await gateway.get_payment_status(status.payment_id or "", "PaymentId")
    by_reference = await gateway.get_payment_status("p-1", "CustomerReference")
    assert by_payment == status == by_reference


async def test_failed_attempt_keeps_the_invoice_pending_with_the_error(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway, 8033, "KWD")
    standin.fail(invoice.invoice_id, error="Insufficient funds", error_code="MF002")

    status = await gateway.get_payment_status(invoice.invoice_id)
    assert status.invoice_status == "Pending"
    assert status.error == "Insufficient funds"
    assert status.payment_id is None

    standin.pay(invoice.invoice_id)
    paid = await gateway.get_payment_status(invoice.invoice_id)
    assert (paid.invoice_status, paid.error, paid.amount) == ("Paid", None, 8033)
    assert paid.payment_id == standin.invoices[invoice.invoice_id].transactions[-1].payment_id


async def test_canceled_invoice_is_reported_as_myfatoorah_says(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway)
    standin.cancel(invoice.invoice_id)
    assert (await gateway.get_payment_status(invoice.invoice_id)).invoice_status == "Canceled"


async def test_invoice_shown_in_another_currency_reports_the_shown_amount() -> None:
    """InvoiceValue is in the account's base currency (KWD here); the USD charged is the
    display value, and that is what the status reports."""
    rates = {"USD": Decimal("0.307")}
    async with MyFatoorahStandIn(base_currency="KWD", exchange_rates=rates) as server:
        client = MyFatoorahGateway(_settings(server.url))
        try:
            invoice = await _invoice(client, 1000, "USD")
            server.pay(invoice.invoice_id)
            status = await client.get_payment_status(invoice.invoice_id)
        finally:
            await client.close()
    assert server.invoices[invoice.invoice_id].base_value == Decimal("3.070")
    assert (status.amount, status.currency, status.invoice_status) == (1000, "USD", "Paid")


# -- errors -------------------------------------------------------------------------------------


async def test_rejected_request_raises_payment_rejected_with_their_message(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    with pytest.raises(PaymentRejected) as caught:
        await _invoice(gateway, 0, "EGP")
    assert "Invoice value must be more than 0" in caught.value.message
    assert caught.value.status == 400
    assert caught.value.validation_errors == [
        {"Name": "InvoiceValue", "Error": "Invoice value must be more than 0"}
    ]
    assert standin.invoices == {}


async def test_unknown_key_is_rejected(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    with pytest.raises(PaymentRejected) as caught:
        await gateway.get_payment_status("999999")
    assert caught.value.status == 400
    assert "999999" in caught.value.message
    with pytest.raises(ValueError, match="key_type"):
        await gateway.get_payment_status("1", "OrderId")


async def test_wrong_api_key_is_rejected(standin: MyFatoorahStandIn) -> None:
    client = MyFatoorahGateway(_settings(standin.url, api_key="not-the-key"))
    try:
        with pytest.raises(PaymentRejected) as caught:
            await _invoice(client)
    finally:
        await client.close()
    assert caught.value.status == 401
    assert "denied" in caught.value.message


async def test_down_raises_gateway_error_until_it_is_back(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway)
    standin.make_down(True)
    with pytest.raises(GatewayError, match="503"):
        await _invoice(gateway)
    with pytest.raises(GatewayError, match="503"):
        await gateway.get_payment_status(invoice.invoice_id)
    standin.make_down(False)
    assert (await gateway.get_payment_status(invoice.invoice_id)).invoice_status == "Pending"


async def test_unreachable_and_slow_raise_gateway_error(standin: MyFatoorahStandIn) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    nowhere = MyFatoorahGateway(_settings(f"http://127.0.0.1:{closed_port}"))
    slow = MyFatoorahGateway(_settings(standin.url), timeout_seconds=0.2)
    standin.make_slow(1.0)
    try:
        with pytest.raises(GatewayError):
            await nowhere.get_payment_status("1")
        with pytest.raises(GatewayError):
            await _invoice(slow)
    finally:
        await nowhere.close()
        await slow.close()


async def test_close_is_idempotent_and_the_gateway_reopens(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    await gateway.close()
    await gateway.close()
    invoice = await _invoice(gateway)
    assert invoice.invoice_id in standin.invoices


# -- webhooks -----------------------------------------------------------------------------------


def test_signing_strings_match_the_documented_examples() -> None:
    assert webhook_signing_string(DOCUMENTED_PAYMENT_EVENT) == DOCUMENTED_PAYMENT_STRING
    assert webhook_signing_string(DOCUMENTED_REFUND_EVENT) == DOCUMENTED_REFUND_STRING


def test_standin_signature_is_hmac_sha256_base64_of_the_documented_string() -> None:
    digest = hmac.new(SECRET.encode(), DOCUMENTED_PAYMENT_STRING.encode(), hashlib.sha256)
    assert sign(DOCUMENTED_PAYMENT_EVENT, SECRET) == base64.b64encode(digest.digest()).decode()


async def test_webhook_with_good_signature_is_accepted(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway)
    failed = standin.fail(invoice.invoice_id)
    paid = standin.pay(invoice.invoice_id)

    for event in (failed, paid):
        body, headers = webhook_request(event, SECRET)
        accepted = gateway.verify_webhook(body, headers["MyFatoorah-Signature"])
        assert accepted["Event"]["Name"] == "PAYMENT_STATUS_CHANGED"
        assert accepted["Event"]["Reference"] == event["Event"]["Reference"]
        assert accepted["Data"]["Invoice"]["Id"] == invoice.invoice_id
        # ExternalIdentifier is null here: signed as the empty string.
        assert accepted["Data"]["Invoice"]["ExternalIdentifier"] is None
    assert failed["Event"]["Reference"] != paid["Event"]["Reference"]
    assert paid["Data"]["Invoice"]["Status"] == "PAID"
    assert paid["Data"]["Transaction"]["Status"] == "SUCCESS"
    assert failed["Data"]["Transaction"]["Status"] == "FAILED"


@pytest.mark.parametrize("event", [DOCUMENTED_PAYMENT_EVENT, DOCUMENTED_REFUND_EVENT])
def test_documented_events_verify(event: dict[str, Any]) -> None:
    gateway = MyFatoorahGateway(_settings("http://127.0.0.1:9"))
    body = json.dumps(event).encode()
    assert gateway.verify_webhook(body, sign(event, SECRET)) == event
    # Code alone names the event, as Name alone does.
    without_name = copy.deepcopy(event)
    del without_name["Event"]["Name"]
    gateway.verify_webhook(json.dumps(without_name).encode(), sign(event, SECRET))


async def test_forged_tampered_and_missing_signatures_are_rejected(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway)
    event = standin.pay(invoice.invoice_id, external_identifier="pay-42")
    body, headers = webhook_request(event, SECRET)
    good = headers["MyFatoorah-Signature"]
    assert gateway.verify_webhook(body, good)["Data"]["Invoice"]["ExternalIdentifier"] == "pay-42"

    with pytest.raises(InvalidWebhook, match="missing"):
        gateway.verify_webhook(body, None)
    with pytest.raises(InvalidWebhook, match="missing"):
        gateway.verify_webhook(body, "  ")
    with pytest.raises(InvalidWebhook, match="does not match"):
        gateway.verify_webhook(body, sign(event, "someone-elses-secret"))
    with pytest.raises(InvalidWebhook, match="does not match"):
        gateway.verify_webhook(body, good[:-4] + "AAA=")
    with pytest.raises(InvalidWebhook, match="does not match"):
        gateway.verify_webhook(body, "sïgnature")

    for path, value in [
        (("Invoice", "Status"), "PAID "),
        (("Invoice", "Id"), "1"),
        (("Transaction", "Status"), "FAILED"),
        (("Transaction", "PaymentId"), "07070000000000000000"),
        (("Invoice", "ExternalIdentifier"), "pay-43"),
    ]:
        tampered = copy.deepcopy(event)
        tampered["Data"][path[0]][path[1]] = value
        with pytest.raises(InvalidWebhook, match="does not match"):
            gateway.verify_webhook(json.dumps(tampered).encode(), good)

    # Amounts and the event reference are not signed by MyFatoorah: such a change still
    # verifies, which is why the payment is confirmed with GetPaymentStatus.
    unsigned = copy.deepcopy(event)
    unsigned["Data"]["Amount"]["ValueInBaseCurrency"] = "0.001"
    unsigned["Event"]["Reference"] = "WH-replayed"
    assert gateway.verify_webhook(json.dumps(unsigned).encode(), good)


async def test_malformed_webhooks_are_rejected(
    standin: MyFatoorahStandIn, gateway: MyFatoorahGateway
) -> None:
    invoice = await _invoice(gateway)
    event = standin.pay(invoice.invoice_id)

    with pytest.raises(InvalidWebhook, match="not JSON"):
        gateway.verify_webhook(b"{not json", sign(event, SECRET))
    with pytest.raises(InvalidWebhook, match="not JSON"):
        gateway.verify_webhook(b"\xff\xfe", sign(event, SECRET))
    with pytest.raises(InvalidWebhook, match="object"):
        gateway.verify_webhook(b"[1, 2]", sign(event, SECRET))

    # A signed field that is absent altogether (not null): refused even if "signed".
    missing = copy.deepcopy(event)
    del missing["Data"]["Transaction"]["PaymentId"]
    with pytest.raises(InvalidWebhook, match=r"Transaction\.PaymentId"):
        gateway.verify_webhook(json.dumps(missing).encode(), sign(missing, SECRET))
    no_data = {"Event": event["Event"]}
    with pytest.raises(InvalidWebhook, match="Data"):
        gateway.verify_webhook(json.dumps(no_data).encode(), sign(event, SECRET))

    v1 = {
        "EventType": 1,
        "Event": "TransactionsStatusChanged",
        "DateTime": "04032021211555",
        "CountryIsoCode": "KWT",
        "Data": {"InvoiceId": 1},
    }
    with pytest.raises(InvalidWebhook, match="V1"):
        gateway.verify_webhook(json.dumps(v1).encode(), "c2ln")

    unknown = copy.deepcopy(event)
    unknown["Event"] = {"Code": 99, "Name": "SOMETHING_NEW"}
    with pytest.raises(InvalidWebhook, match="unsupported"):
        gateway.verify_webhook(json.dumps(unknown).encode(), "c2ln")
    mismatched = copy.deepcopy(event)
    mismatched["Event"]["Code"] = 2
    with pytest.raises(InvalidWebhook, match="does not match event name"):
        gateway.verify_webhook(json.dumps(mismatched).encode(), sign(event, SECRET))


def test_webhooks_are_refused_without_a_configured_secret() -> None:
    gateway = MyFatoorahGateway(_settings("http://127.0.0.1:9", secret=""))
    body = json.dumps(DOCUMENTED_PAYMENT_EVENT).encode()
    with pytest.raises(InvalidWebhook, match="secret"):
        gateway.verify_webhook(body, sign(DOCUMENTED_PAYMENT_EVENT, ""))
