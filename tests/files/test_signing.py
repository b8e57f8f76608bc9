"""Local download links: HMAC over key, expiry, name and type; any change or delay is 403."""

from __future__ import annotations

import pytest

from lms_rt.errors import Forbidden
from lms_rt.files.signing import DownloadGrant, UrlSigner

GRANT = DownloadGrant(
    key="uploads/u/f", expires_at=1_000, filename="a.pdf", content_type="application/pdf"
)


def test_a_signed_grant_round_trips_until_it_expires():
    signer = UrlSigner("a-secret-key-long-enough-for-this-test")
    token = signer.sign(GRANT)
    assert signer.verify(token, now=999) == GRANT
    with pytest.raises(Forbidden, match="expired"):
        signer.verify(token, now=1_000)


def test_tampering_or_another_secret_is_refused():
    signer = UrlSigner("a-secret-key-long-enough-for-this-test")
    token = signer.sign(GRANT)
    payload, signature = token.split(".")
    later = signer.sign(DownloadGrant(**{**GRANT.__dict__, "expires_at": 9_999}))
    forged = [
        # Another grant's payload under this signature: a later expiry, say.
        f"{later.split('.')[0]}.{signature}",
        f"{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        f"{payload}x.{signature}",
        payload,
        "",
        "ü.ü",
        UrlSigner("another-secret-key-long-enough-for-it").sign(GRANT),
    ]
    for token in forged:
        with pytest.raises(Forbidden):
            signer.verify(token, now=0)
