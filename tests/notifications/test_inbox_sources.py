"""The inbox hears from payments (paid and declined), live sessions starting in the user's
course, and certificates issued; read back through ``GET /notifications`` as the user."""

from __future__ import annotations

from lms_rt.payments.models import Payment
from tests.certificates.helpers import complete_course, issue
from tests.factories import signed_in
from tests.live.helpers import join, live_lesson, ok
from tests.payments.helpers import API, STRIPE_SECRET, paid_course, process
from tests.quizzes.helpers import course_with_staff, socket, student_in


async def _inbox(client, headers, kind: str) -> list[dict]:
    response = await client.get(f"{API}/notifications?limit=100", headers=headers)
    assert response.status == 200
    return [n for n in (await response.json())["items"] if n["type"] == kind]


async def _pay(client, stripe, headers, course, outcome) -> str:
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id)},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    payment_id = (await response.json())["payment_id"]
    reference = (await Payment.get(id=payment_id)).provider_reference
    body, webhook_headers = stripe.webhook(outcome(reference), STRIPE_SECRET)
    response = await client.post(
        f"{API}/payments/webhooks/stripe", data=body, headers=webhook_headers
    )
    assert response.status == 200
    await process(client)
    return payment_id


async def test_payment_results_land_in_the_inbox(pay_client, stripe):
    client = pay_client
    _, headers = await signed_in(client)
    _, others = await signed_in(client)
    paid = await _pay(client, stripe, headers, await paid_course(client), stripe.succeed_intent)
    declined = await _pay(
        client,
        stripe,
        headers,
        await paid_course(client),
        lambda ref: stripe.fail_intent(ref, "Your card was declined."),
    )
    got = {n["data"]["payment_id"]: n for n in await _inbox(client, headers, "payment_result")}
    assert set(got) == {paid, declined}
    assert got[paid]["title"] == "Payment received: 150.00 EGP"
    assert got[declined]["title"] == "Your payment did not go through"
    assert "declined" in got[declined]["body"]
    assert await _inbox(client, others, "payment_result") == []


async def test_a_live_session_starting_reaches_enrolled_students_not_yet_in_it(client):
    _, host_headers, course = await course_with_staff(client)
    _, waiting_headers, _ = await student_in(client, course)
    _, joined_headers, _ = await student_in(client, course)
    _, outsider_headers = await signed_in(client)
    session = await live_lesson(client, host_headers, course)
    await join(client, joined_headers, session["join_code"])
    host = await socket(client, host_headers, f"live:{session['id']}")
    await ok(host, "live.start", session_id=session["id"])
    await host.close()

    [starting] = await _inbox(client, waiting_headers, "live_session_starting")
    assert starting["title"] == f"Live now: {session['title']}"
    assert session["join_code"] in starting["body"]
    assert starting["data"] == {"session_id": session["id"], "join_code": session["join_code"]}
    assert await _inbox(client, joined_headers, "live_session_starting") == []
    assert await _inbox(client, outsider_headers, "live_session_starting") == []


async def test_an_issued_certificate_lands_in_the_inbox(client):
    done = await complete_course(client, course_title="Rust 101")
    certificate = await issue(client, done.enrollment)
    [issued] = await _inbox(client, done.headers, "certificate_issued")
    assert issued["title"] == "Your certificate for Rust 101"
    assert issued["link"] == f"/verify/{certificate.number}"
    assert issued["data"]["certificate_id"] == str(certificate.id)
