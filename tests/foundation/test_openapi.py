"""The OpenAPI 3.1 document is valid and lists every /api/v1 route."""

from __future__ import annotations

from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts, get_spec_version

from lms_rt import keys
from lms_rt.app import create_app
from lms_rt.http.openapi import API_PREFIX
from tests.foundation.test_errors import app_with_probe


async def test_document_is_valid_openapi_3_1(client):
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert get_spec_version(document) == consts.OPENAPIV31
    validate(document)


def _api_routes(app) -> set[tuple[str, str]]:
    return {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith(API_PREFIX)
        and route.method not in ("HEAD", "OPTIONS")
        and route.resource.canonical != f"{API_PREFIX}/openapi.json"
    }


def _documented(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_every_api_route_is_documented(settings):
    app = create_app(settings)
    assert _api_routes(app) <= _documented(app[keys.API].document())


def test_declared_models_appear_with_their_errors(settings):
    app = app_with_probe(settings)
    document = app[keys.API].document()
    validate(document)
    operation = document["paths"]["/api/v1/probe/echo"]["post"]
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/Echo"
    echo = document["components"]["schemas"]["Echo"]
    assert echo["additionalProperties"] is False
    assert {"200", "400", "413", "415", "422", "500"} <= set(operation["responses"])
    assert _api_routes(app) <= _documented(document)
