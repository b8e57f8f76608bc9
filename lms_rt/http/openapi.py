"""API route tables that double as the OpenAPI 3.1 document.

Every ``/api/v1`` operation is declared through :class:`ApiRoutes`, which records its request
and response models; the same models validate the request, serialise the response and produce
the schema, so a route cannot exist without appearing in ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from aiohttp import web
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from lms_rt.http.parsing import parse_form, parse_json, parse_query

API_PREFIX = "/api/v1"
Handler = Callable[..., Awaitable[Any]]
# Given the request and the roles an operation admits, returns the caller or raises 401/403.
Authorizer = Callable[[web.Request, frozenset[str]], Awaitable[Any]]
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorBody(BaseModel):
    """The one error shape of every 4xx and 5xx response."""

    error: ErrorInfo


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    status: int
    body: type[BaseModel] | None
    # "multipart": documented only; the handler streams the body itself.
    body_kind: Literal["json", "form", "multipart"]
    query: type[BaseModel] | None
    response: Any
    roles: frozenset[str] | None
    errors: tuple[int, ...]
    description: str | None = None

    @property
    def auth(self) -> bool:
        return self.roles is not None

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def operation_id(self) -> str:
        return f"{self.tag}_{self.handler.__name__}"


def json_response(data: Any, *, status: int = 200, response_type: Any = None) -> web.Response:
    """Serialise through the declared response type, so the schema and the payload agree."""
    if response_type is not None and not isinstance(data, BaseModel):
        data = TypeAdapter(response_type).dump_python(data, mode="json")
    elif isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


@dataclass
class ApiRoutes:
    """A route table for one domain (its OpenAPI tag)."""

    tag: str
    operations: list[Operation] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        form: type[BaseModel] | None = None,
        multipart: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        roles: Iterable[str] | None = None,
        errors: Iterable[int] = (),
    ) -> Callable[[Handler], Handler]:
        """Declare an operation.

        ``roles`` None is public; otherwise the caller must be signed in with one of them and
        the handler receives ``user=``. It receives ``body=`` and ``query=`` models when
        declared, and returns a model (serialised as ``response``) or any aiohttp response.
        """

        def decorate(handler: Handler) -> Handler:
            op = Operation(
                method=method.upper(),
                path=path,
                handler=handler,
                summary=summary,
                tag=self.tag,
                status=status,
                body=body or form or multipart,
                body_kind="form" if form else "multipart" if multipart else "json",
                query=query,
                response=response,
                roles=frozenset(roles) if roles is not None else None,
                errors=tuple(errors),
                description=inspect.getdoc(handler),
            )
            self.operations.append(op)
            return handler

        return decorate

    def get(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kwargs)


def endpoint_for(op: Operation, authorize: Authorizer) -> Handler:
    """The aiohttp handler: authorise first (401/403 before any 4xx about the input), then
    parse and validate, call, and serialise through the declared response type."""
    handler, body, query, response, status = (op.handler, op.body, op.query, op.response, op.status)
    body_kind, roles = op.body_kind, op.roles

    @functools.wraps(handler)
    async def endpoint(request: web.Request) -> web.StreamResponse:
        kwargs: dict[str, Any] = {}
        if roles is not None:
            kwargs["user"] = await authorize(request, roles)
        if query is not None:
            kwargs["query"] = parse_query(request, query)
        if body is not None and body_kind != "multipart":
            parse = parse_form if body_kind == "form" else parse_json
            kwargs["body"] = await parse(request, body)
        result = await handler(request, **kwargs)
        if isinstance(result, web.StreamResponse):
            return result
        if status == 204:
            return web.Response(status=204)
        return json_response(result, status=status, response_type=response)

    return endpoint


class ApiRegistry:
    """All route tables of the app; mounts them and renders the OpenAPI document."""

    def __init__(self, title: str, version: str, authorize: Authorizer) -> None:
        self.authorize = authorize
        self.title = title
        self.version = version
        self.tables: list[ApiRoutes] = []
        self._document: dict[str, Any] | None = None

    def add(self, app: web.Application, table: ApiRoutes) -> None:
        """Document the table's operations and route them on ``app``."""
        self.tables.append(table)
        self._document = None
        for op in table.operations:
            app.router.add_route(
                op.method, op.full_path, endpoint_for(op, self.authorize), name=op.operation_id
            )

    @property
    def operations(self) -> list[Operation]:
        return [op for table in self.tables for op in table.operations]

    def document(self) -> dict[str, Any]:
        if self._document is None:
            self._document = self._build()
        return self._document

    def _build(self) -> dict[str, Any]:
        models: list[tuple[Any, JsonSchemaMode]] = [(ErrorBody, "serialization")]
        for op in self.operations:
            if op.body is not None:
                models.append((op.body, "validation"))
            if isinstance(op.response, type) and issubclass(op.response, BaseModel):
                models.append((op.response, "serialization"))
        refs, defs = models_json_schema(
            list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
        )
        schemas: dict[str, Any] = dict(defs.get("$defs", {}))
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            path = _PATH_PARAM.sub(r"{\1}", op.full_path)
            paths.setdefault(path, {})[op.method.lower()] = self._operation(op, refs, schemas)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "servers": [{"url": "/"}],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                    "oauth2": {
                        "type": "oauth2",
                        "flows": {
                            "password": {"tokenUrl": f"{API_PREFIX}/auth/token", "scopes": {}}
                        },
                    },
                },
            },
        }

    def _operation(
        self,
        op: Operation,
        refs: dict[tuple[Any, JsonSchemaMode], dict[str, Any]],
        schemas: dict[str, Any],
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "responses": {},
        }
        if op.description:
            spec["description"] = op.description
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAM.findall(op.path)
        ]
        if op.query is not None:
            parameters.extend(_query_parameters(op.query, schemas))
        if parameters:
            spec["parameters"] = parameters
        if op.body is not None:
            media = {
                "json": "application/json",
                "form": "application/x-www-form-urlencoded",
                "multipart": "multipart/form-data",
            }[op.body_kind]
            spec["requestBody"] = {
                "required": True,
                "content": {media: {"schema": refs[(op.body, "validation")]}},
            }
        spec["responses"][str(op.status)] = _success_response(op, refs, schemas)
        error_ref = refs[(ErrorBody, "serialization")]
        statuses = set(op.errors) | {500}
        if op.body is not None:
            statuses |= {400, 413, 415, 422}
        if op.query is not None:
            statuses.add(422)
        if op.roles is not None:
            statuses |= {401, 403}
            spec["security"] = [{"bearerAuth": []}, {"oauth2": []}]
            spec["x-roles"] = sorted(op.roles)
        statuses.add(429)
        for status in sorted(statuses):
            spec["responses"][str(status)] = {
                "description": _REASONS.get(status, "Error"),
                "content": {"application/json": {"schema": error_ref}},
            }
        return spec


def _success_response(
    op: Operation,
    refs: dict[tuple[Any, JsonSchemaMode], dict[str, Any]],
    schemas: dict[str, Any],
) -> dict[str, Any]:
    if op.status == 204 or op.response is None:
        return {"description": "No content" if op.status == 204 else "Success"}
    if (op.response, "serialization") in refs:
        schema = refs[(op.response, "serialization")]
    else:
        adapter_schema = TypeAdapter(op.response).json_schema(
            mode="serialization", ref_template="#/components/schemas/{model}"
        )
        schemas.update(adapter_schema.pop("$defs", {}))
        schema = adapter_schema
    return {"description": "Success", "content": {"application/json": {"schema": schema}}}


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {
            "name": field_info.alias or name,
            "in": "query",
            "required": (field_info.alias or name) in required,
            "schema": schema["properties"][field_info.alias or name],
        }
        for name, field_info in model.model_fields.items()
    ]


_REASONS = {
    400: "Malformed request",
    401: "Missing or invalid credentials",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    410: "Gone",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Rate limited",
    500: "Internal error",
    503: "Unavailable",
}
