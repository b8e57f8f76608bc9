"""``create_*`` factories: explicit, real rows made through the app's own services."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt import keys
from lms_rt.users.models import Role, User
from lms_rt.users.schemas import UserCreate
from lms_rt.users.service import create_user as create_user_service

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def create_user(
    client: TestClient,
    *,
    role: Role = Role.STUDENT,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str | None = None,
    **fields: Any,
) -> User:
    n = next(_counter)
    data = UserCreate(
        email=email or f"{role.value}{n}@example.org",
        password=password,
        full_name=full_name or f"{role.value.title()} {n}",
        role=role,
    )
    user = await create_user_service(client.app[keys.DEPS], data)
    if fields:
        await User.filter(id=user.id).update(**fields)
        user = await User.get(id=user.id)
    return user


async def login(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> dict:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status == 200, await response.text()
    return await response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def signed_in(
    client: TestClient, role: Role = Role.STUDENT, **kwargs: Any
) -> tuple[User, dict[str, str]]:
    """A user of that role and the headers of a fresh session of theirs."""
    user = await create_user(client, role=role, **kwargs)
    tokens = await login(client, user.email, kwargs.get("password", DEFAULT_PASSWORD))
    return user, bearer(tokens["access_token"])
