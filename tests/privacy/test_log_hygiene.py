"""No secret reaches a log line: a whole register → login → refresh → reset → paid webhook run
through the real API, with every logger at DEBUG, leaves none of its secrets in the output of
the handler every process logs through (JSON and text), and request logs mask the email."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from lms_rt import keys
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.logs import REDACTED, build_handler
from lms_rt.payments.models import Payment
from lms_rt.users.models import Role
from tests.factories import bearer, signed_in
from tests.files.helpers import png, upload
from tests.harness.ws import WsClient
from tests.identity.test_auth import outbox
from tests.pages.helpers import session_cookie_value, sign_in
from tests.payments.helpers import API, STRIPE_KEY, STRIPE_SECRET, paid_course, process

EMAIL = "mona.privacy@example.org"
PASSWORD = "a long secret passphrase"
NEW_PASSWORD = "another long passphrase"
REQUEST_LOGGERS = ("aiohttp.access", "lms_rt.access")


@dataclass
class Captured:
    json_out: io.StringIO = field(default_factory=io.StringIO)
    text_out: io.StringIO = field(default_factory=io.StringIO)

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.json_out.getvalue().splitlines() if line]

    def request_lines(self) -> list[str]:
        """Every request log line, as written by the JSON and the text formatter."""
        json_lines = [
            line
            for line in self.json_out.getvalue().splitlines()
            if json.loads(line)["logger"] in REQUEST_LOGGERS
        ]
        text_lines = [
            line
            for line in self.text_out.getvalue().splitlines()
            if any(f" {name}: " in line for name in REQUEST_LOGGERS)
        ]
        return json_lines + text_lines

    def everything(self) -> str:
        return self.json_out.getvalue() + self.text_out.getvalue()


@pytest.fixture
def captured() -> Iterator[Captured]:
    """The production handlers (JSON and text) on the root logger, every logger at DEBUG."""
    capture = Captured()
    root = logging.getLogger()
    handlers = [build_handler(True, capture.json_out), build_handler(False, capture.text_out)]
    level = root.level
    root.setLevel(logging.DEBUG)
    # The database client logs every statement with its parameters at DEBUG.
    db_logger = logging.getLogger("tortoise.db_client")
    db_level = db_logger.level
    db_logger.setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield capture
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)
        db_logger.setLevel(db_level)


@pytest.fixture
async def client(captured, make_client, stripe):
    """Jobs run in this process (mail lands in the outbox at once, and their logs are
    captured here too)."""
    return await make_client(
        redis_url="",
        stripe_api_key=STRIPE_KEY,
        stripe_api_base=stripe.url,
        stripe_webhook_secret=STRIPE_SECRET,
    )


def emailed_link(client, template_word: str) -> str:
    """The path and query of the newest mailed link containing ``template_word``."""
    for message in reversed(outbox(client)):
        text = message.get_body(("plain",)).get_content()
        match = re.search(rf"https?://\S*{template_word}\S*token=[A-Za-z0-9_-]+", text)
        if match:
            parts = urlsplit(match.group(0))
            return f"{parts.path}?{parts.query}"
    raise AssertionError(f"no {template_word} link in the outbox")


def token_of(link: str) -> str:
    return link.rsplit("token=", 1)[1]


async def drain(client) -> None:
    await client.app[keys.JOBS].drain()


async def test_a_full_run_leaves_no_secret_in_any_log_line(client, stripe, captured):
    secrets: dict[str, str] = {
        "password": PASSWORD,
        "new password": NEW_PASSWORD,
        "webhook secret": STRIPE_SECRET,
        "Stripe API key": STRIPE_KEY,
    }

    # Register, and follow the emailed confirmation link as a browser would.
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": EMAIL, "password": PASSWORD, "full_name": "Mona Privacy"},
    )
    assert registered.status == 201, await registered.text()
    tokens = (await registered.json())["tokens"]
    secrets |= {
        "register access": tokens["access_token"],
        "register refresh": tokens["refresh_token"],
    }
    await drain(client)
    verify_link = emailed_link(client, "verify-email")
    secrets["verification token"] = token_of(verify_link)
    await client.get(verify_link)
    confirmed = await client.post(f"{API}/auth/verify-email", json={"token": token_of(verify_link)})
    assert confirmed.status == 200

    # Sign in, refresh, use the tokens over REST and the websocket.
    login = await client.post(f"{API}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status == 200
    pair = await login.json()
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status == 200
    fresh = await refreshed.json()
    secrets |= {
        "login access": pair["access_token"],
        "login refresh": pair["refresh_token"],
        "refreshed access": fresh["access_token"],
        "refreshed refresh": fresh["refresh_token"],
    }
    me = await client.get(f"{API}/users/me", headers=bearer(fresh["access_token"]))
    assert me.status == 200
    socket = await WsClient.connect(client)
    assert (await socket.auth(fresh["access_token"]))["op"] == "authed"
    await socket.ws.close()

    # The web pages' session cookie.
    csrf = await sign_in(client, EMAIL, PASSWORD)
    cookie = session_cookie_value(client)
    secrets |= {"session cookie": cookie, "cookie signature": cookie.split(".", 1)[1]}
    secrets["CSRF token"] = csrf
    assert (await client.get(f"{API}/users/me")).status == 200
    client.session.cookie_jar.clear()

    # Forgotten password: the emailed link, followed, then used.
    forgot = await client.post(f"{API}/auth/forgot-password", json={"email": EMAIL})
    assert forgot.status == 202
    await drain(client)
    reset_link = emailed_link(client, "reset-password")
    secrets["reset token"] = token_of(reset_link)
    await client.get(reset_link)
    reset = await client.post(
        f"{API}/auth/reset-password",
        json={"token": token_of(reset_link), "new_password": NEW_PASSWORD},
    )
    assert reset.status == 204
    again = await client.post(f"{API}/auth/login", json={"email": EMAIL, "password": NEW_PASSWORD})
    assert again.status == 200
    access = (await again.json())["access_token"]
    secrets["access after reset"] = access

    # Two-factor set-up: the secret is written to the database (a query parameter).
    setup = await client.post(f"{API}/auth/mfa/setup", headers=bearer(access))
    assert setup.status == 200, await setup.text()
    secrets["MFA secret"] = (await setup.json())["secret"]

    # A signed download link of local storage, followed.
    uploaded = await upload(client, bearer(access), png(), filename="me.png")
    assert uploaded.status == 201
    link = await client.get(
        f"{API}/files/download/{(await uploaded.json())['id']}",
        headers=bearer(access),
        allow_redirects=False,
    )
    assert link.status == 302
    signed_path = urlsplit(link.headers["Location"]).path
    assert signed_path.startswith("/files/signed/")
    assert (await client.get(signed_path)).status == 200
    secrets["signed download grant"] = signed_path.removeprefix("/files/signed/")

    # An admin looks the account up by its address.
    _, admin = await signed_in(client, Role.ADMIN)
    found = await client.get(f"{API}/users", params={"q": EMAIL}, headers=admin)
    assert (await found.json())["total"] == 1

    # A paid course, and Stripe's signed webhook that grants it.
    course = await paid_course(client)
    started = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id)},
        headers=bearer(access),
    )
    assert started.status == 201, await started.text()
    secrets["Stripe client secret"] = (await started.json())["client_secret"]
    payment = await Payment.get(id=(await started.json())["payment_id"])
    event = stripe.succeed_intent(payment.provider_reference)
    body, headers = stripe.webhook(event, STRIPE_SECRET)
    delivered = await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=headers)
    assert delivered.status == 200, await delivered.text()
    await process(client)
    enrollment = await Enrollment.get(course_id=course.id, student__email=EMAIL)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    signature = headers["Stripe-Signature"]
    secrets |= {"signature header": signature, "signature": signature.split("v1=", 1)[1]}

    output = captured.everything()
    leaked = {name: value for name, value in secrets.items() if value in output}
    assert not leaked, _lines_with(output, leaked)
    request_lines = "\n".join(captured.request_lines())
    assert EMAIL not in request_lines
    assert EMAIL.replace("@", "%40") not in request_lines
    assert "mona.privacy" not in request_lines

    # The capture saw the run: every kind of logger, DEBUG records, the followed links.
    records = captured.records()
    loggers = {record["logger"] for record in records}
    assert {"aiohttp.access", "lms_rt.access"} <= loggers
    assert any(record["level"] == "DEBUG" for record in records)
    assert "tortoise.db_client" in loggers
    paths = [record.get("path", "") for record in records if record["logger"] == "lms_rt.access"]
    assert "/files/signed/REDACTED" in paths
    assert f"/reset-password?token={REDACTED}" in paths
    assert "/api/v1/users?q=m***@example.org" in paths
    assert any(
        f"/reset-password?token={REDACTED}" in record["message"]
        for record in records
        if record["logger"] == "aiohttp.access"
    )


def _lines_with(output: str, leaked: dict[str, str]) -> str:
    found = [
        f"{name}: {line[:300]}"
        for name, value in leaked.items()
        for line in output.splitlines()
        if value in line
    ]
    return "secrets in the logs:\n" + "\n".join(found[:20])


async def test_request_lines_keep_paths_encoded_and_drop_secret_parameters(captured, make_client):
    client = await make_client()
    response = await client.get(
        "/api/v1/nothing%0AINFO%20forged/jane@example.org?access_token=abc123&lang=ar"
    )
    assert response.status == 404
    [line] = [r for r in captured.records() if r["logger"] == "lms_rt.access"]
    assert line["path"] == (
        f"/api/v1/nothing%0AINFO%20forged/j***@example.org?access_token={REDACTED}&lang=ar"
    )
    text = captured.text_out.getvalue()
    assert "\nINFO forged" not in text
    assert "abc123" not in captured.everything()


async def test_percent_encoded_plus_addresses_are_masked_whole(captured, make_client):
    client = await make_client()
    await client.get("/api/v1/nothing", params={"q": "john.smith+tag@example.org"})
    [line] = [r for r in captured.records() if r["logger"] == "lms_rt.access"]
    assert "john" not in line["path"] and "smith" not in line["path"]
    assert "j***" in line["path"]
