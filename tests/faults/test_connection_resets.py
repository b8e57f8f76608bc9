"""A connection reset is told apart by whose connection it was.

PostgreSQL shutting down can reset the connection the server is opening to it; that is an
outage (503 JSON, as ``test_postgres_restart_under_load`` sees under load), not the client
leaving. A reset on the request's own connection is the client leaving: no answer, no error.
"""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from lms_rt import keys
from lms_rt.app import create_app
from lms_rt.http.openapi import ApiRoutes

probe = ApiRoutes(tag="probe")


@probe.get("/probe/backing-reset", summary="A backing service resets its connection")
async def backing_reset(request: web.Request) -> None:
    raise ConnectionResetError(104, "Connection reset by peer")


@probe.get("/probe/client-reset", summary="The client's own connection is gone")
async def client_reset(request: web.Request) -> None:
    assert request.transport is not None
    request.transport.close()
    raise ConnectionResetError("Connection lost")


def app_with_probe(settings) -> web.Application:
    app = create_app(settings)
    app[keys.API].add(app, probe)
    return app


async def test_a_reset_from_a_backing_service_is_a_503(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.get("/api/v1/probe/backing-reset")
    assert response.status == 503
    assert (await response.json())["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"]


async def test_a_reset_of_the_clients_own_connection_is_no_error(
    make_client, make_settings, caplog
):
    client = await make_client(app=app_with_probe(make_settings()))
    with (
        caplog.at_level(logging.INFO, logger="lms_rt"),
        pytest.raises(aiohttp.ServerDisconnectedError),
    ):
        await client.get("/api/v1/probe/client-reset")
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert (
        "lms_rt.access",
        "client left during GET /api/v1/probe/client-reset: Connection lost",
    ) in messages
    assert not [m for name, m in messages if name == "lms_rt.errors"], messages
