"""MyFatoorah: an invoice per course payment, granted only once GetPaymentStatus says Paid."""

from __future__ import annotations

import asyncio
import json

import pytest

from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.payments.models import Payment, PaymentStatus, WebhookEvent
from tests.factories import signed_in
from tests.harness.myfatoorah_standin import MyFatoorahStandIn, webhook_request
from tests.payments.helpers import API, MYFATOORAH_SECRET, PRICE, paid_course, process


@pytest.fixture
async def mf():
    async with MyFatoorahStandIn(api_key="mf_test_token") as standin:
        yield standin


@pytest.fixture
async def pay_client(make_client, mf):
    return await make_client(
        myfatoorah_api_key="mf_test_token",
        myfatoorah_base_url=mf.url,
        myfatoorah_webhook_secret=MYFATOORAH_SECRET,
    )


async def _initiate(client, headers, course) -> dict:
    response = await client.post(
        f"{API}/payments/myfatoorah/initiate", json={"course_id": str(course.id)}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def test_a_paid_invoice_confirmed_by_webhook_grants_the_course_once(pay_client, mf):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _initiate(client, headers, course)
    assert started["amount"] == PRICE and started["currency"] == "EGP"
    assert started["payment_url"].startswith(mf.url)
    payment = await Payment.get(id=started["payment_id"])
    assert payment.status == PaymentStatus.PENDING

    # A failed attempt leaves it pending (the payer may try again); nothing is granted.
    body, sig = webhook_request(mf.fail(payment.provider_reference), MYFATOORAH_SECRET)
    response = await client.post(f"{API}/payments/webhooks/myfatoorah", data=body, headers=sig)
    assert response.status == 200
    await process(client)
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.PENDING

    event = mf.pay(payment.provider_reference)
    body, sig = webhook_request(event, MYFATOORAH_SECRET)
    replies = await asyncio.gather(
        *(
            client.post(f"{API}/payments/webhooks/myfatoorah", data=body, headers=sig)
            for _ in range(5)
        )
    )
    assert [r.status for r in replies] == [200] * 5
    duplicates = [(await r.json())["duplicate"] for r in replies]
    assert sorted(duplicates) == [False, True, True, True, True]
    await process(client)

    paid = await Payment.get(id=payment.id)
    assert paid.status == PaymentStatus.SUCCEEDED and paid.enrollment_id is not None
    enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
    assert (enrollment.status, enrollment.source) == (
        EnrollmentStatus.ACTIVE,
        EnrollmentSource.PAYMENT,
    )
    # The return to the callback URL confirms again, and changes nothing.
    [transaction] = [
        t for t in mf.invoices[payment.provider_reference].transactions if t.status == "Succss"
    ]
    response = await client.get(
        f"{API}/payments/myfatoorah/callback", params={"paymentId": transaction.payment_id}
    )
    assert response.status == 200 and (await response.json())["status"] == "succeeded"
    assert await Enrollment.filter(student_id=student.id, course_id=course.id).count() == 1


async def test_forged_or_unsigned_webhooks_store_nothing(pay_client, mf):
    client = pay_client
    course = await paid_course(client)
    _, headers = await signed_in(client)
    started = await _initiate(client, headers, course)
    invoice = (await Payment.get(id=started["payment_id"])).provider_reference
    event = mf.pay(invoice)
    body, sig = webhook_request(event, "not-the-secret")
    for headers_sent in (sig, {"Content-Type": "application/json"}):
        response = await client.post(
            f"{API}/payments/webhooks/myfatoorah", data=body, headers=headers_sent
        )
        assert response.status == 400
    _, good = webhook_request(event, MYFATOORAH_SECRET)
    changed = json.loads(body)
    changed["Data"]["Invoice"]["Id"] = str(changed["Data"]["Invoice"]["Id"]) + "0"  # signed
    tampered = json.dumps(changed).encode()
    response = await client.post(f"{API}/payments/webhooks/myfatoorah", data=tampered, headers=good)
    assert response.status == 400
    assert await WebhookEvent.all().count() == 0
    assert (await Payment.get(id=started["payment_id"])).status == PaymentStatus.PENDING


async def test_the_callback_believes_only_get_payment_status(pay_client, mf):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    await _initiate(client, headers, course)
    # A made-up payment id: MyFatoorah knows nothing of it, so nothing is granted.
    response = await client.get(f"{API}/payments/myfatoorah/callback", params={"paymentId": "999"})
    assert response.status in (400, 404)
    assert not await Enrollment.filter(student_id=student.id).exists()
