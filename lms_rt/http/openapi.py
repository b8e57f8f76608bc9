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
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import core_schema

from lms_rt.http.parsing import parse_form, parse_json, parse_query

API_PREFIX = "/api/v1"
Handler = Callable[..., Awaitable[Any]]
# Given the request and the roles an operation admits, returns the caller or raises 401/403.
Authorizer = Callable[[web.Request, frozenset[str]], Awaitable[Any]]
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")
REF_TEMPLATE = "#/components/schemas/{model}"


class _ApiJsonSchema(GenerateJsonSchema):
    """Pydantic's schemas, with dict keys constrained as the validator constrains them."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        """A key pattern becomes ``propertyNames`` and the values ``additionalProperties``:
        under ``patternProperties`` alone, keys that miss the pattern would be allowed, with
        any value, where the validator refuses them."""
        generated = super().dict_schema(schema)
        patterns = generated.get("patternProperties")
        if (
            isinstance(patterns, dict)
            and len(patterns) == 1
            and "additionalProperties" not in generated
        ):
            [(pattern, values)] = patterns.items()
            del generated["patternProperties"]
            generated["propertyNames"] = {**generated.get("propertyNames", {}), "pattern": pattern}
            generated["additionalProperties"] = values
        return generated

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        """Request strings are stripped before their length is checked, so a minimum length
        counts from the first to the last non-space character: "  " is too short for 1."""
        generated = super().str_schema(schema)
        strips = schema.get("strip_whitespace", self._config.str_strip_whitespace)
        shortest = generated.get("minLength", 0)
        if self.mode == "validation" and strips and shortest >= 1 and "pattern" not in generated:
            kept = f"[^{_strippable_class()}]"
            generated["pattern"] = (
                kept if shortest == 1 else rf"{kept}[\s\S]{{{shortest - 2},}}{kept}"
            )
        return generated


@functools.cache
def _strippable_class() -> str:
    """What ``str.strip()`` removes, as a character class body in four-digit ``\\u`` escapes that
    both ECMA (the schema's regex dialect) and Python read the same way (``\\s`` differs)."""
    codes = [code for code in range(0x110000) if chr(code).isspace()]
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}"
        for first, last in ranges
    )


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
    # Other success statuses answered without a body (a delete that may only archive).
    empty: tuple[int, ...] = ()

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
        empty: Iterable[int] = (),
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
                empty=tuple(empty),
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
        # One generation pass over every model: same-named models of different domains
        # (``SessionOut`` of auth and of live) get distinct component names instead of one
        # overwriting the other.
        wanted: dict[tuple[Any, JsonSchemaMode], None] = {(ErrorBody, "serialization"): None}
        for op in self.operations:
            if op.body is not None:
                wanted[(op.body, "validation")] = None
            if op.query is not None:
                wanted[(op.query, "validation")] = None
            if op.response is not None and op.status != 204:
                wanted[(op.response, "serialization")] = None
        refs, defs = TypeAdapter.json_schemas(
            [(kind, mode, TypeAdapter(kind)) for kind, mode in wanted],
            ref_template=REF_TEMPLATE,
            schema_generator=_ApiJsonSchema,
        )
        schemas: dict[str, Any] = dict(defs.get("$defs", {}))
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            path = _PATH_PARAM.sub(r"{\1}", op.full_path)
            paths.setdefault(path, {})[op.method.lower()] = self._operation(op, refs, schemas)
        bodies = {op.body for op in self.operations}
        for op in self.operations:
            if op.query is not None and op.query not in bodies:
                # Query models are documented as parameters, not as components.
                schemas.pop(_ref_name(refs[(op.query, "validation")]) or "", None)
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
            parameters.extend(_query_parameters(op.query, refs, schemas))
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
        for status in op.empty:
            spec["responses"][str(status)] = {"description": "No content"}
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
    content: dict[str, Any] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    if op.query is not None and _offers_csv(_resolve(refs[(op.query, "validation")], schemas)):
        content["text/csv"] = {"schema": {"type": "string"}}
    return {"description": "Success", "content": content}


def _offers_csv(query_schema: dict[str, Any]) -> bool:
    """A ``format`` query parameter that admits ``csv`` switches the answer to a CSV table."""
    field = query_schema.get("properties", {}).get("format", {})
    if "csv" in field.get("enum", ()) or field.get("const") == "csv":
        return True
    pattern = field.get("pattern")
    return isinstance(pattern, str) and re.search(pattern, "csv") is not None


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    name = _ref_name(schema)
    return schemas[name] if name is not None else schema


def _query_parameters(
    model: type[BaseModel],
    refs: dict[tuple[Any, JsonSchemaMode], dict[str, Any]],
    schemas: dict[str, Any],
) -> list[dict[str, Any]]:
    schema = _resolve(refs[(model, "validation")], schemas)
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
