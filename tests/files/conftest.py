"""Fixtures for the files tests: moto's S3 server for the session, and each test run on both
storage backends (``files_client``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.harness.s3 import MotoServer


@pytest.fixture(scope="session")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings for one storage backend; S3 starts empty (the app creates its bucket)."""
    if request.param == "s3":
        server: MotoServer = request.getfixturevalue("moto")
        server.reset()
        return server.settings()
    return {"storage_backend": "local"}


FilesClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def files_client(make_client: Any, backend: dict[str, Any]) -> FilesClient:
    """``await files_client(avatar_max_bytes=...)``: an app on this test's storage backend."""

    async def make(**overrides: Any) -> TestClient:
        return await make_client(**backend, **overrides)

    return make
