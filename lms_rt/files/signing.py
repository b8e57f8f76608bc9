"""Short-lived download links for local storage: the grant travels in the URL, HMAC-signed.

A token is ``<payload>.<signature>``, both base64url: the payload names the storage key, the
expiry (Unix seconds), and the filename and content type the download is served with; the
signature is HMAC-SHA256 over the encoded payload. Nothing is kept on the server, so a link
works on any process of the deployment and simply stops working when it expires. Changing any
byte of either part (another key, a later expiry, another name) breaks the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

import orjson

from lms_rt.errors import Forbidden

# Derive a key of its own from the app secret, so a download signature can never be replayed
# as (or mistaken for) any other HMAC the app computes with the same secret.
_PURPOSE = b"lms_rt.files.download-url.v1"


@dataclass(frozen=True)
class DownloadGrant:
    key: str
    expires_at: int
    filename: str
    content_type: str


class UrlSigner:
    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()

    def sign(self, grant: DownloadGrant) -> str:
        payload = _encode(
            orjson.dumps([grant.key, grant.expires_at, grant.filename, grant.content_type])
        )
        return f"{payload}.{_encode(self._mac(payload))}"

    def verify(self, token: str, *, now: float) -> DownloadGrant:
        """The grant if the token is intact and unexpired; 403 otherwise."""
        payload, _, signature = token.partition(".")
        if not payload.isascii():
            raise Forbidden("This download link is not valid")
        try:
            given = _decode(signature)
        except ValueError:
            raise Forbidden("This download link is not valid") from None
        if not hmac.compare_digest(given, self._mac(payload)):
            raise Forbidden("This download link is not valid")
        key, expires_at, filename, content_type = orjson.loads(_decode(payload))
        if now >= expires_at:
            raise Forbidden("This download link has expired; ask for a new one")
        return DownloadGrant(
            key=key, expires_at=expires_at, filename=filename, content_type=content_type
        )

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
