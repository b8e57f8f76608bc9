"""The role x endpoint matrix: every protected ``/api/v1`` operation, walked for every role.

The registry of operations (each declares ``roles=``) is the matrix; these tests read it from
the app itself, so a new route is covered the moment it is declared.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import jwt

from lms_rt import keys
from lms_rt.http.openapi import Operation
from lms_rt.users.models import Role
from tests.factories import bearer, login, signed_in

API = "/api/v1"
# Enough to show the walk is not vacuous: identity alone declares more than this.
MIN_PROTECTED_OPERATIONS = 10
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


def assert_error(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def protected(client) -> list[Operation]:
    operations = [op for op in client.app[keys.API].operations if op.roles is not None]
    assert len(operations) >= MIN_PROTECTED_OPERATIONS, [op.full_path for op in operations]
    return operations


def label(op: Operation) -> str:
    return f"{op.method} {op.full_path}"


async def call(client, op: Operation, headers: dict[str, str]):
    """The operation with every path parameter a random UUID and an empty JSON body."""
    path = _PATH_PARAM.sub(lambda _: str(uuid.uuid4()), op.full_path)
    kwargs: dict = {"headers": headers}
    if op.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return await client.request(op.method, path, **kwargs)


async def test_every_protected_operation_refuses_a_request_without_a_token(make_client):
    client = await make_client()
    for op in protected(client):
        response = await call(client, op, {})
        assert response.status == 401, label(op)
        assert_error(await response.json(), "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), label(op)
        # Another scheme is no bearer token either.
        basic = await call(client, op, {"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status == 401, label(op)
        assert_error(await basic.json(), "unauthorized")


async def test_every_protected_operation_refuses_a_bad_token(make_client):
    client = await make_client()
    settings = client.app[keys.SETTINGS]
    now = datetime.now(UTC)
    claims = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "role": "admin",
        "typ": "access",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "jti": uuid.uuid4().hex,
    }
    bad_tokens = {
        "garbage": "not-a-jwt",
        "forged signature": jwt.encode(claims, "another-key-long-enough-for-hs256!", "HS256"),
        # Well signed, but it names a session that does not exist.
        "unknown session": jwt.encode(claims, settings.secret_key, "HS256"),
    }
    for op in protected(client):
        for kind, token in bad_tokens.items():
            response = await call(client, op, bearer(token))
            assert response.status == 401, (label(op), kind)
            assert_error(await response.json(), "unauthorized")


async def test_a_rejected_token_gets_a_bearer_challenge(make_client):
    """RFC 7235 §3.1: a 401 MUST carry WWW-Authenticate; RFC 6750 §3.1 names the error."""
    client = await make_client()
    for op in protected(client):
        response = await call(client, op, bearer("not-a-jwt"))
        assert response.status == 401, label(op)
        challenge = response.headers.get("WWW-Authenticate", "")
        assert challenge.startswith("Bearer"), (label(op), dict(response.headers))
        assert 'error="invalid_token"' in challenge, label(op)


async def test_every_role_outside_an_operations_roles_is_403(make_client):
    client = await make_client()
    headers = {role: (await signed_in(client, role))[1] for role in Role}
    checked = 0
    for op in protected(client):
        for role in sorted(set(Role) - op.roles):
            response = await call(client, op, headers[role])
            assert response.status == 403, (label(op), role)
            assert_error(await response.json(), "forbidden")
            checked += 1
    # Admin-only operations exist, so students and instructors were refused somewhere.
    assert checked >= 2
    # Refusals end no session.
    for role in Role:
        assert (await client.get(f"{API}/users/me", headers=headers[role])).status == 200


async def test_every_role_inside_an_operations_roles_gets_past_the_role_check(make_client):
    client = await make_client()
    users = {role: (await signed_in(client, role))[0] for role in Role}
    checked = 0
    for op in protected(client):
        for role in sorted(op.roles):
            # A fresh session per call: logout and logout-all end the one they are called with.
            tokens = await login(client, users[role].email)
            response = await call(client, op, bearer(tokens["access_token"]))
            assert response.status not in (401, 403), (label(op), role, await response.text())
            assert response.status < 500, (label(op), role, await response.text())
            checked += 1
    assert checked >= MIN_PROTECTED_OPERATIONS


async def test_every_operation_is_documented_with_its_roles(make_client):
    client = await make_client()
    response = await client.get(f"{API}/openapi.json")
    assert response.status == 200
    paths = (await response.json())["paths"]
    operations = client.app[keys.API].operations
    assert len([op for op in operations if op.roles is not None]) >= MIN_PROTECTED_OPERATIONS
    for op in operations:
        spec = paths[op.full_path][op.method.lower()]
        if op.roles is None:
            assert "x-roles" not in spec, label(op)
            assert "security" not in spec, label(op)
        else:
            assert spec["x-roles"] == sorted(op.roles), label(op)
            assert {"401", "403"} <= set(spec["responses"]), label(op)
            assert spec["security"], label(op)


async def test_another_users_session_is_not_found_not_forbidden(make_client):
    client = await make_client()
    _, a_headers = await signed_in(client, Role.STUDENT)
    _, b_headers = await signed_in(client, Role.STUDENT)
    listed = await client.get(f"{API}/auth/sessions", headers=b_headers)
    assert listed.status == 200
    [b_session] = await listed.json()
    assert b_session["current"] is True

    response = await client.delete(f"{API}/auth/sessions/{b_session['id']}", headers=a_headers)
    assert response.status == 404
    body = await response.json()
    assert_error(body, "not_found")
    # The answer is the same as for an id that names nothing: ids reveal nothing.
    unknown = await client.delete(f"{API}/auth/sessions/{uuid.uuid4()}", headers=a_headers)
    assert unknown.status == 404
    assert await unknown.json() == body

    assert (await client.get(f"{API}/users/me", headers=b_headers)).status == 200
    still = await client.get(f"{API}/auth/sessions", headers=b_headers)
    assert [s["id"] for s in await still.json()] == [b_session["id"]]
