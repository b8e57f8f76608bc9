"""The test harness: real PostgreSQL and Redis, started for the session unless given.

- ``LMS_TEST_DATABASE_URL`` and ``LMS_TEST_REDIS_URL`` point the suite at servers you run;
  otherwise throwaway servers are started in a temporary folder and stopped at the end.
- ``LMS_TEST_MODE=embedded`` runs the suite on the embedded default instead (SQLite, in-process
  bus and jobs); tests marked ``services`` are skipped there.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from lms_rt.app import create_app
from lms_rt.config import Settings
from lms_rt.migrate import migrate
from tests.harness.services import running_services
from tests.harness.state import flush_redis, reset_database

# Settings come from each test, never from the developer's shell.
for _name in [name for name in os.environ if name.startswith("LMS_")]:
    if not _name.startswith("LMS_TEST_"):
        del os.environ[_name]

EMBEDDED = os.environ.get("LMS_TEST_MODE") == "embedded"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "services: needs real PostgreSQL and Redis")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not EMBEDDED:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis (LMS_TEST_MODE=embedded)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def service_urls() -> Iterator[dict[str, str]]:
    if EMBEDDED:
        yield {}
        return
    given = {
        key: os.environ[key]
        for key in ("LMS_TEST_DATABASE_URL", "LMS_TEST_REDIS_URL")
        if os.environ.get(key)
    }
    if len(given) == 2:
        yield given
        return
    with running_services() as urls:
        yield urls


@pytest.fixture(scope="session")
def migrated(service_urls: dict[str, str]) -> dict[str, str]:
    """Applies the real migrations once per session (PostgreSQL)."""
    if service_urls:
        settings = Settings(
            env="test", secret_key=TEST_SECRET, database_url=service_urls["LMS_TEST_DATABASE_URL"]
        )
        asyncio.run(migrate(settings))
    return service_urls


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(migrated: dict[str, str], tmp_path: Path) -> SettingsFactory:
    """Settings for this test: services mode on the session's servers unless embedded."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "env": "test",
            "secret_key": TEST_SECRET,
            "data_dir": tmp_path / "var",
            "rate_limit": "100000/minute",
            "log_json": False,
            "bcrypt_rounds": 4,
        }
        if migrated:
            values["database_url"] = migrated["LMS_TEST_DATABASE_URL"]
            values["redis_url"] = migrated["LMS_TEST_REDIS_URL"]
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    return make_settings()


ClientFactory = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def make_client(
    aiohttp_client: Any, make_settings: SettingsFactory
) -> AsyncIterator[ClientFactory]:
    """Start an app on fresh state: ``await make_client(rate_limit="3/minute")``."""

    async def make(
        app: web.Application | None = None, **overrides: Any
    ) -> TestClient[web.Request, web.Application]:
        settings = make_settings(**overrides)
        client: TestClient[web.Request, web.Application] = await aiohttp_client(
            app or create_app(settings)
        )
        await reset_database()
        if settings.redis_url:
            await flush_redis(settings.redis_url)
        return client

    yield make


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient[web.Request, web.Application]:
    return await make_client()


@pytest.fixture
async def stripe() -> AsyncIterator[Any]:
    """The local Stripe stand-in (its wire format and webhook signatures)."""
    from tests.harness.stripe_standin import StripeStandIn
    from tests.payments.helpers import STRIPE_KEY

    standin = StripeStandIn(STRIPE_KEY)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def pay_client(
    make_client: ClientFactory, stripe: Any
) -> TestClient[web.Request, web.Application]:
    """A client whose app talks to the Stripe stand-in."""
    from tests.payments.helpers import STRIPE_KEY, STRIPE_SECRET

    return await make_client(
        stripe_api_key=STRIPE_KEY, stripe_api_base=stripe.url, stripe_webhook_secret=STRIPE_SECRET
    )
