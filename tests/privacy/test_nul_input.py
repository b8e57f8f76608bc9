"""A NUL character in JSON input is refused as 422 everywhere (PostgreSQL text cannot hold
one, and it must never become a 500 or a half-written row)."""

from __future__ import annotations

from lms_rt.privacy.models import ErasureRequest
from lms_rt.users.models import Role, User
from tests.factories import signed_in

API = "/api/v1"


async def test_nul_in_json_strings_is_422_and_writes_nothing(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    student, headers = await signed_in(client, full_name="Plain Name")

    response = await client.post(
        f"{API}/users/{student.id}/erase",
        data=b'{"reason":"a\\u0000bc"}',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status == 422, await response.text()
    [detail] = (await response.json())["error"]["details"]
    assert detail["field"] == "reason"
    assert await ErasureRequest.filter(user_id=student.id).count() == 0

    response = await client.patch(
        f"{API}/users/me", json={"full_name": "Evil\x00Name"}, headers=headers
    )
    assert response.status == 422
    assert (await User.get(id=student.id)).full_name == "Plain Name"

    response = await client.patch(
        f"{API}/users/me",
        json={"profile": {"bio\x00": "x", "links": ["ok", "b\x00d"]}},
        headers=headers,
    )
    assert response.status == 422
    assert admin.erased_at is None
