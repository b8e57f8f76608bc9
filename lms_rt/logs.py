"""Logging set-up: JSON lines carrying the request id, with secrets redacted on the way out.

Every record reaching the root handler passes :class:`RedactingFilter`: values of ``extra``
fields whose key names a secret (password, token, cookie, authorization, signature...) are
replaced, and the message and the remaining string fields are scrubbed of secret-shaped text:
JWTs, ``Bearer ...``, ``password=...`` and secret query parameters, Stripe keys and
signatures, the signed segment of download links (``/files/signed/<grant>``), and card
numbers (digit runs that pass the Luhn check). Request logs also mask email addresses, plain
or percent-encoded. The database client's records keep their statement but never its
parameters (password hashes, MFA secrets, tokens' hashes are query parameters). Exception and
stack text is scrubbed by the formatters.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any
from urllib.parse import urlencode

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# Word characters only, so that scrubbing scrubbed text changes nothing.
REDACTED = "REDACTED"
# Request logs name who asked for what; an email address there is masked (j***@example.com).
REQUEST_LOGGERS = frozenset({"lms_rt.access", "aiohttp.access"})
# Database drivers log statements with their parameters at DEBUG: Tortoise's client logs the
# statement first (kept), aiosqlite one opaque call object (withheld whole).
DB_STATEMENT_LOGGER = "tortoise.db_client"
DB_CALL_LOGGER = "aiosqlite"
WITHHELD = "[parameters withheld]"

# Names (of extra fields, dict keys, query parameters, headers) whose values are secrets;
# v0/v1 are the signatures in a Stripe-Signature header.
_SECRET_WORDS = (
    r"password|passwd|passphrase|secret|token|signature|authorization|cookie|csrf|credential"
    r"|api[_-]?key|apikey|card[_-]?number|private[_-]?key"
)
_SECRET_KEY = re.compile(
    rf"^(?:[\w.-]*(?:{_SECRET_WORDS})[\w.-]*"
    r"|(?:lms_)?(?:pre)?session|sig|code|otp|cvc|cvv|pan|v[01])$",
    re.IGNORECASE,
)

_TEXT_RULES = re.compile(
    "|".join(
        (
            # 'name': 'value' and "name": "value" in reprs and JSON (only secret names change).
            r"(?P<q>['\"])(?P<qkey>[\w.-]+)(?P=q)(?P<qsep>\s*:\s*)"
            r"(?P<qval>(?P<vq>['\"])(?:\\.|(?!(?P=vq)).)*(?P=vq)|[^\s,}\]]+)",
            # Header lines: everything to the end of the line is the secret.
            r"(?P<header>\b(?:proxy-)?authorization|\bset-cookie|\bcookie"
            r"|\b(?:stripe|myfatoorah)-signature|\bx-csrf-token|\bx-api-key)"
            r"(?P<hsep>[ \t]*:[ \t]*)[^\r\n]+",
            # name=value: password=x, ?token=x&..., lms_session=x (only secret names change; a
            # scheme before the value goes too).
            r"(?<![\w.-])(?P<kv>[\w.-]+)=(?P<kval>(?:(?:Bearer|Basic)\s+)?[^&\s\"',;)}\]]*)",
            r"(?P<scheme>\b(?:Bearer|Basic))\s+[A-Za-z0-9._~+/-]+=*",
            # A signed download link: the grant and its signature are the credential.
            r"(?P<signed>/files/signed/)[^\s?#\"'<>]+",
            r"(?P<jwt>\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)",
            r"(?P<stripe>\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9_]+)",
            # 13 to 19 digits, maybe grouped by single spaces or hyphens, starting as card
            # numbers do (2-6); millisecond timestamps start with 1 and are left alone.
            r"(?P<card>(?<![\w.-])[2-6](?:[ -]?\d){12,18}(?![\w-]))",
        )
    ),
    re.IGNORECASE,
)
# The local part may carry percent-escapes (john.smith%2Btag%40example.org in a query).
_EMAIL = re.compile(
    r"(?<![\w.+%-])(?P<first>[\w+-])(?:[\w.+-]|%[0-9A-F]{2})*?(?P<at>@|%40)"
    r"(?P<domain>[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)
# A cheap first look (on the lower-cased text): text with none of these matches no rule.
_HINT_WORDS = re.compile(
    "pass|secret|token|sig|authoriz|cookie|csrf|credential|api_?key|api-key|card|private"
    "|session|code|otp|cvc|cvv|pan|bearer|basic|eyj|_live_|_test_|whsec_|v0=|v1="
)
_HINT_DIGITS = re.compile(r"\d{4}[ -]?\d{4}")
_MAX_DEPTH = 6


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    key = match.group("qkey")
    if key is not None:
        quote, value = match.group("q"), match.group("qval")
        if is_secret_name(key):
            return f"{quote}{key}{quote}{match.group('qsep')}{quote}{REDACTED}{quote}"
        return f"{quote}{key}{quote}{match.group('qsep')}{_scrub(value)}"
    if match.group("header") is not None:
        return f"{match.group('header')}{match.group('hsep')}{REDACTED}"
    key = match.group("kv")
    if key is not None:
        if is_secret_name(key):
            return f"{key}={REDACTED}"
        return f"{key}={_scrub(match.group('kval'))}"
    if match.group("scheme") is not None:
        return f"{match.group('scheme')} {REDACTED}"
    if match.group("signed") is not None:
        return f"{match.group('signed')}{REDACTED}"
    if kind == "card":
        digits = re.sub(r"[ -]", "", match.group(0))
        if not _luhn_ok(digits):
            return match.group(0)
    return REDACTED


def _scrub(text: str) -> str:
    return _TEXT_RULES.sub(_replace, text) if text else text


def mask_email(match: re.Match[str]) -> str:
    return f"{match.group('first')}***{match.group('at')}{match.group('domain')}"


def redact_text(text: str, *, mask_emails: bool = False) -> str:
    """``text`` with secret-shaped parts replaced (and email addresses masked if asked)."""
    if _HINT_WORDS.search(text.lower()) or _HINT_DIGITS.search(text):
        text = _scrub(text)
    if mask_emails and ("@" in text or "%40" in text):
        text = _EMAIL.sub(mask_email, text)
    return text


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_KEY.match(name))


def redact_value(value: Any, *, mask_emails: bool = False, depth: int = 0) -> Any:
    """Strings scrubbed; in mappings, the values of secret-named keys replaced whole."""
    if isinstance(value, str):
        return redact_text(value, mask_emails=mask_emails)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if isinstance(key, str) and is_secret_name(key)
            else redact_value(item, mask_emails=mask_emails, depth=depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        items = [redact_value(item, mask_emails=mask_emails, depth=depth + 1) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def safe_url(path: str, query: Iterable[tuple[str, str]]) -> str:
    """A request's path (as sent, still percent-encoded) and query for a log line: secret
    parameters' values replaced, email addresses masked, control characters kept encoded."""
    pairs = [
        (name, REDACTED if is_secret_name(name) else redact_text(value, mask_emails=True))
        for name, value in query
    ]
    path = redact_text(path, mask_emails=True)
    if not pairs:
        return path
    return f"{path}?{urlencode(pairs, safe='*@')}"


# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request id (or ``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class RedactingFilter(logging.Filter):
    """Scrubs a record in place before any formatter sees it (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask = record.name in REQUEST_LOGGERS
        if record.args and record.name.startswith((DB_STATEMENT_LOGGER, DB_CALL_LOGGER)):
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            keep = 1 if record.name.startswith(DB_STATEMENT_LOGGER) else 0
            record.args = (*args[:keep], *(WITHHELD for _ in args[keep:]))
        if isinstance(record.msg, Mapping):
            record.msg = redact_value(record.msg, mask_emails=mask)
        else:
            try:
                message = record.getMessage()
            except Exception:
                # A broken format string: the formatter reports it; nothing to scrub yet.
                return True
            redacted = redact_text(message, mask_emails=mask)
            if record.args or redacted != message:
                record.msg, record.args = redacted, ()
        for key, value in list(record.__dict__.items()):
            if key in _RECORD_ATTRIBUTES:
                continue
            if is_secret_name(key):
                setattr(record, key, REDACTED)
            elif isinstance(value, str | Mapping | list | tuple):
                setattr(record, key, redact_value(value, mask_emails=mask))
        return True


class RedactingJsonFormatter(JsonFormatter):
    def formatException(self, ei: Any) -> str | list[str]:  # type: ignore[override]
        return _redact_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str | list[str]:  # type: ignore[override]
        return _redact_lines(super().formatStack(stack_info))


def _redact_lines(text: str | list[str]) -> str | list[str]:
    return redact_text(text) if isinstance(text, str) else [redact_text(line) for line in text]


class RedactingFormatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return redact_text(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact_text(super().formatStack(stack_info))


def build_handler(json_lines: bool = True, stream: IO[str] | None = None) -> logging.Handler:
    """The handler every process logs through: request ids stamped, secrets redacted."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    if json_lines:
        handler.setFormatter(
            RedactingJsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    return handler


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    root = logging.getLogger()
    root.handlers[:] = [build_handler(json_lines)]
    root.setLevel(level.upper())
