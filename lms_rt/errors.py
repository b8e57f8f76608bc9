"""Typed errors that services raise and one middleware renders.

    LmsError (500 internal_error)
    ├── BadRequest        400 bad_request
    ├── Unauthorized      401 unauthorized
    ├── PaymentRequired   402 payment_required
    ├── Forbidden         403 forbidden
    ├── NotFound          404 not_found
    ├── MethodNotAllowed  405 method_not_allowed
    ├── Conflict          409 conflict
    ├── Gone              410 gone
    ├── TooLarge          413 too_large
    ├── UnsupportedMedia  415 unsupported_media_type
    ├── Invalid           422 invalid (details: one entry per bad field)
    ├── RateLimited       429 rate_limited (retry_after seconds)
    └── Unavailable       503 unavailable

Rendered as ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class LmsError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details or []
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(LmsError):
    status, code, default_message = 400, "bad_request", "Bad request"


class Unauthorized(LmsError):
    status, code, default_message = 401, "unauthorized", "Authentication required"


class PaymentRequired(LmsError):
    status, code, default_message = 402, "payment_required", "Payment required"


class Forbidden(LmsError):
    status, code, default_message = 403, "forbidden", "You may not do this"


class NotFound(LmsError):
    status, code, default_message = 404, "not_found", "Not found"


class MethodNotAllowed(LmsError):
    status, code, default_message = 405, "method_not_allowed", "Method not allowed"


class Conflict(LmsError):
    status, code, default_message = 409, "conflict", "Conflict"


class Gone(LmsError):
    status, code, default_message = 410, "gone", "Gone"


class TooLarge(LmsError):
    status, code, default_message = 413, "too_large", "Request body too large"


class UnsupportedMedia(LmsError):
    status, code, default_message = 415, "unsupported_media_type", "Unsupported media type"


class Invalid(LmsError):
    status, code, default_message = 422, "invalid", "Validation failed"


class RateLimited(LmsError):
    status, code, default_message = 429, "rate_limited", "Too many requests"

    def __init__(self, message: str | None = None, *, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, headers={"Retry-After": str(self.retry_after)})


class Unavailable(LmsError):
    status, code, default_message = 503, "unavailable", "Service unavailable"


_BY_STATUS: dict[int, type[LmsError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        PaymentRequired,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        Gone,
        TooLarge,
        UnsupportedMedia,
        Invalid,
        RateLimited,
        Unavailable,
    )
}


def error_for_status(status: int, message: str | None = None) -> LmsError:
    """The typed error for an HTTP status raised by aiohttp itself (404, 405, 413, ...)."""
    cls = _BY_STATUS.get(status)
    if cls is None or cls is RateLimited:
        generic = BadRequest if 400 <= status < 500 else LmsError
        error = generic(message)
        return error
    return cls(message)
