"""Access tokens: algorithm pinned, every claim required and checked."""

from __future__ import annotations

import base64
import json
import time
import uuid
import warnings

import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning

from lms_rt.auth.tokens import ALGORITHM
from tests.conftest import TEST_SECRET
from tests.factories import bearer, create_user, login


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def _valid_claims(client) -> dict:
    user = await create_user(client)
    tokens = await login(client, user.email)
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


async def _status(client, token: str) -> int:
    return (await client.get("/api/v1/users/me", headers=bearer(token))).status


async def test_valid_token_is_accepted(client):
    claims = await _valid_claims(client)
    token = jwt.encode(claims, TEST_SECRET, algorithm=ALGORITHM)
    assert await _status(client, token) == 200


async def test_alg_none_is_refused(client):
    claims = await _valid_claims(client)
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert await _status(client, token) == 401


async def test_wrong_key_is_refused(client):
    claims = await _valid_claims(client)
    token = jwt.encode(claims, "another-secret-that-is-also-quite-long!!", algorithm=ALGORITHM)
    assert await _status(client, token) == 401


async def test_tampered_payload_is_refused(client):
    claims = await _valid_claims(client)
    token = jwt.encode(claims, TEST_SECRET, algorithm=ALGORITHM)
    header, _, signature = token.split(".")
    forged = f"{header}.{_b64({**claims, 'role': 'admin'})}.{signature}"
    assert await _status(client, forged) == 401


@pytest.mark.parametrize(
    "change",
    [
        {"exp": int(time.time()) - 60},
        {"nbf": int(time.time()) + 600},
        {"aud": "someone-else"},
        {"iss": "someone-else"},
        {"typ": "refresh"},
        {"typ": "mfa_challenge"},
        {"sid": str(uuid.uuid4())},
        {"sub": str(uuid.uuid4())},
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "audience",
        "issuer",
        "refresh-type",
        "mfa-type",
        "unknown-session",
        "other-subject",
    ],
)
async def test_bad_claims_are_refused(client, change):
    claims = {**await _valid_claims(client), **change}
    token = jwt.encode(claims, TEST_SECRET, algorithm=ALGORITHM)
    assert await _status(client, token) == 401


@pytest.mark.parametrize("missing", ["exp", "iat", "nbf", "iss", "aud", "jti", "typ", "sub"])
async def test_each_required_claim_is_required(client, missing):
    claims = await _valid_claims(client)
    del claims[missing]
    token = jwt.encode(claims, TEST_SECRET, algorithm=ALGORITHM)
    assert await _status(client, token) == 401


async def test_refresh_token_used_as_access_token_is_refused(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    assert await _status(client, tokens["refresh_token"]) == 401


async def test_other_algorithms_are_refused(client):
    claims = await _valid_claims(client)
    # Same key, another HMAC: only the pinned algorithm may be accepted.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        token = jwt.encode(claims, TEST_SECRET, algorithm="HS512")
    assert await _status(client, token) == 401


async def test_malformed_authorization_headers(client):
    for header in ("Bearer", "Bearer ", "Basic abc", "token", "Bearer a.b"):
        response = await client.get("/api/v1/users/me", headers={"Authorization": header})
        assert response.status == 401
        assert (await response.json())["error"]["code"] == "unauthorized"
