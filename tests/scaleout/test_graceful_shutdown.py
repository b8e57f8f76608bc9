"""One server process told to stop: no new connections, requests in progress finish."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from lms_rt.users.models import User
from tests.harness.servers import ServerProcess, server_env

pytestmark = [pytest.mark.services, pytest.mark.slow]


async def test_a_stopping_server_finishes_the_requests_it_is_serving(client, settings, tmp_path):
    # Cost 15: hashing the new password keeps the sign-up's handler busy for seconds.
    server = ServerProcess(server_env(settings, LMS_BCRYPT_ROUNDS="15"), tmp_path, "graceful")
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            signing_up = asyncio.create_task(
                http.post(
                    server.url + "/api/v1/auth/register",
                    json={
                        "email": "late@example.org",
                        "password": "correct horse battery",
                        "full_name": "Late Comer",
                    },
                )
            )
            await asyncio.sleep(0.5)
            sent_at = time.monotonic()
            stopping = asyncio.create_task(server.stop())
            await asyncio.sleep(0.3)
            # The port takes no new connection while the request in progress runs on.
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(server.url + "/health")
            async with await signing_up as response:
                assert response.status == 201, await response.text()
                assert (await response.json())["user"]["email"] == "late@example.org"
            assert await stopping == 0
        assert time.monotonic() - sent_at < 10, "it waited for the request, not the timeout"
        assert await User.filter(email="late@example.org").exists()
    finally:
        await server.stop()
