"""Every error leaves in one JSON shape, including aiohttp's own 404/405/413."""

from __future__ import annotations

import logging

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from lms_rt import keys
from lms_rt.app import create_app
from lms_rt.errors import Conflict
from lms_rt.http.openapi import ApiRoutes


class Echo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=20)
    count: int = Field(ge=0)


probe = ApiRoutes(tag="probe")


@probe.post("/probe/echo", summary="Echo a body", body=Echo, response=Echo)
async def echo(request: web.Request, body: Echo) -> Echo:
    return body


@probe.get("/probe/conflict", summary="Always conflicts")
async def conflict(request: web.Request) -> None:
    raise Conflict("Already there", details=[{"field": "slug"}])


@probe.get("/probe/crash", summary="Raises an unexpected error")
async def crash(request: web.Request) -> None:
    raise RuntimeError('SELECT password_hash FROM "user" -- secret internals')


def app_with_probe(settings) -> web.Application:
    app = create_app(settings)
    app[keys.API].add(app, probe)
    return app


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


async def test_unknown_path_is_json_404(client):
    response = await client.get("/api/v1/no-such-thing")
    assert response.status == 404
    assert response.content_type == "application/json"
    assert_error_shape(await response.json(), "not_found")


async def test_wrong_method_is_json_405_with_allow(client):
    response = await client.delete("/health")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]
    assert_error_shape(await response.json(), "method_not_allowed")


async def test_valid_body_round_trips(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.post("/api/v1/probe/echo", json={"name": "a", "count": 2})
    assert response.status == 200
    assert await response.json() == {"name": "a", "count": 2}


async def test_malformed_json_is_400(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.post(
        "/api/v1/probe/echo", data=b'{"name": "a",', headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert_error_shape(await response.json(), "bad_request")


async def test_wrong_content_type_is_415(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.post("/api/v1/probe/echo", data=b"name=a")
    assert response.status == 415
    assert_error_shape(await response.json(), "unsupported_media_type")


async def test_invalid_body_is_422_listing_each_field(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.post(
        "/api/v1/probe/echo", json={"name": "", "count": -1, "role": "admin"}
    )
    assert response.status == 422
    body = await response.json()
    assert_error_shape(body, "invalid")
    fields = {detail["field"] for detail in body["error"]["details"]}
    assert fields == {"name", "count", "role"}


async def test_body_over_the_limit_is_413_on_a_real_route(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings(max_body_bytes=2048)))
    response = await client.post(
        "/api/v1/probe/echo",
        data=b'{"name": "' + b"x" * 4096 + b'", "count": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert_error_shape(await response.json(), "too_large")


async def test_service_errors_keep_their_status_and_details(make_client, make_settings):
    client = await make_client(app=app_with_probe(make_settings()))
    response = await client.get("/api/v1/probe/conflict")
    assert response.status == 409
    body = await response.json()
    assert_error_shape(body, "conflict")
    assert body["error"]["details"] == [{"field": "slug"}]


async def test_unexpected_error_is_500_without_internals(make_client, make_settings, caplog):
    client = await make_client(app=app_with_probe(make_settings()))
    with caplog.at_level(logging.ERROR, logger="lms_rt.errors"):
        response = await client.get("/api/v1/probe/crash", headers={"X-Request-ID": "crash-1"})
    assert response.status == 500
    text = await response.text()
    assert "SELECT" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert_error_shape(await response.json(), "internal_error")
    assert response.headers["X-Request-ID"] == "crash-1"
    assert any(
        "secret internals" in str(record.exc_info[1])
        for record in caplog.records
        if record.exc_info
    )
