"""The log handler's redaction, record by record: secret-named fields, secret-shaped text,
exception text, email masking in request logs, and ordinary text left alone."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import jwt
import pytest

from lms_rt.logs import REDACTED, build_handler, redact_text, safe_url

TOKEN = jwt.encode({"sub": "u1", "typ": "access"}, "k" * 40, algorithm="HS256")
CARDS = ("4242424242424242", "4242 4242 4242 4242", "5555-5555-5555-4444", "378282246310005")


class Sink:
    def __init__(self, json_lines: bool) -> None:
        self.stream = io.StringIO()
        self.handler = build_handler(json_lines, self.stream)

    def logger(self, name: str) -> logging.Logger:
        logger = logging.getLogger(name)
        logger.handlers[:] = [self.handler]
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        return logger

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]


@pytest.fixture
def sink() -> Iterator[Sink]:
    sink = Sink(json_lines=True)
    yield sink
    for name in ("tests.privacy", "lms_rt.access", "lms_rt.mail"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def test_secret_named_extra_fields_are_replaced_whole(sink):
    sink.logger("tests.privacy").info(
        "delivery",
        extra={
            "password": "hunter2 with spaces",
            "refresh_token": "opaque-value",
            "headers": {
                "Authorization": f"Bearer {TOKEN}",
                "Cookie": "lms_session=abc.def",
                "Stripe-Signature": "t=1,v1=abcdef",
                "X-CSRF-Token": "csrf-value",
                "Accept": "application/json",
            },
            "attempt": 2,
        },
    )
    [record] = sink.records()
    assert record["password"] == record["refresh_token"] == REDACTED
    assert record["headers"] == {
        "Authorization": REDACTED,
        "Cookie": REDACTED,
        "Stripe-Signature": REDACTED,
        "X-CSRF-Token": REDACTED,
        "Accept": "application/json",
    }
    assert record["attempt"] == 2
    for secret in ("hunter2", "opaque-value", TOKEN, "abc.def", "abcdef", "csrf-value"):
        assert secret not in sink.stream.getvalue()


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("socket authenticated with %s", TOKEN),
        ("upstream said Authorization: Bearer %s", "opaque-bearer-value"),
        ("calling with Bearer %s", "opaque-bearer-value"),
        ("GET /reset-password?token=%s&next=/ HTTP/1.1", "reset-token-value"),
        ("login form password=%s sent", "hunter2"),
        ("body {'email': 'a@b.org', 'password': '%s'}", "two words"),
        ('body {"new_password": "%s"}', 'with \\"quote'),
        ("Cookie: lms_session=%s; theme=dark", "1234.signature"),
        ("Stripe-Signature: t=1700000000,v1=%s", "ab" * 32),
        ("webhook secret %s configured", "whsec_abcDEF123"),
        ("api key %s", "sk_live_abcDEF123"),
        ("otpauth://totp/lms:a?secret=%s&issuer=lms", "JBSWY3DPEHPK3PXP"),
        ("card %s declined", CARDS[0]),
        ("card %s declined", CARDS[1]),
        ("card %s declined", CARDS[2]),
        ("card %s declined", CARDS[3]),
    ],
)
@pytest.mark.parametrize("json_lines", [True, False], ids=["json", "text"])
def test_secret_shaped_text_is_redacted_in_messages(json_lines, message, secret):
    sink = Sink(json_lines)
    try:
        sink.logger("tests.privacy").warning(message, secret)
    finally:
        logging.getLogger("tests.privacy").handlers.clear()
    output = sink.stream.getvalue()
    assert secret not in output
    assert REDACTED in output


def test_ordinary_text_is_left_alone():
    for text in (
        "invalid token: Signature verification failed",
        "refresh token reuse: session 5b1c0a4e-8f6d-4c3b-9a2e-1f0e9d8c7b6a revoked",
        "job send_email gave up after 20 tries at 1718000000000",
        "4242424242424241 is not a card number (Luhn)",
        "GET /api/v1/courses?limit=20&offset=40 from 10.0.0.1 at 2025-01-31T10:00:00Z",
        "certificate LMS-2025-000123 issued for enrollment 42",
    ):
        assert redact_text(text) == text


def test_redacting_twice_changes_nothing():
    text = f"GET /x?token=abc Authorization: Bearer {TOKEN}"
    once = redact_text(text, mask_emails=True)
    assert redact_text(once, mask_emails=True) == once


@pytest.mark.parametrize("json_lines", [True, False], ids=["json", "text"])
def test_exception_text_is_redacted(json_lines):
    sink = Sink(json_lines)
    logger = sink.logger("tests.privacy")
    try:
        raise ValueError(f"could not decode {TOKEN} for password=hunter2")
    except ValueError:
        logger.exception("decoding failed")
    output = sink.stream.getvalue()
    assert "ValueError" in output and "decoding failed" in output
    assert TOKEN not in output and "hunter2" not in output


def test_a_dict_message_is_redacted_by_key(sink):
    sink.logger("tests.privacy").info({"event": "login", "password": "hunter2", "n": 1})
    [record] = sink.records()
    assert (record["event"], record["password"], record["n"]) == ("login", REDACTED, 1)


def test_emails_are_masked_in_request_logs_only(sink):
    sink.logger("lms_rt.access").info(
        "request", extra={"path": "/api/v1/users?q=jane.doe@example.com"}
    )
    sink.logger("lms_rt.access").info("client left during GET /u/jane.doe%40example.com")
    sink.logger("lms_rt.mail").info("sending to %s failed", "jane.doe@example.com")
    access, left, mail = sink.records()
    assert access["path"] == "/api/v1/users?q=j***@example.com"
    assert left["message"] == "client left during GET /u/j***%40example.com"
    assert mail["message"] == "sending to jane.doe@example.com failed"


def test_request_paths_lose_secret_parameters_and_mask_emails():
    assert safe_url("/verify-email", [("token", "abc"), ("lang", "ar")]) == (
        f"/verify-email?token={REDACTED}&lang=ar"
    )
    assert safe_url("/api/v1/users", [("q", "jane@example.com"), ("limit", "10")]) == (
        "/api/v1/users?q=j***@example.com&limit=10"
    )
    assert safe_url("/files/x", [("sig", "abc"), ("expires", "1700000000")]) == (
        f"/files/x?sig={REDACTED}&expires=1700000000"
    )
    # Control characters cannot forge a second log line.
    assert safe_url("/a", [("next", "/b\nINFO forged")]) == "/a?next=%2Fb%0AINFO+forged"
    assert safe_url("/api/v1/courses", []) == "/api/v1/courses"
