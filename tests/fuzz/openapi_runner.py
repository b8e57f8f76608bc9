"""Schemathesis over every operation of ``/api/v1/openapi.json``, as each role in turn.

For each role and operation, Hypothesis draws ``examples`` positive cases (valid by the
schema) and as many negative ones (which the schema forbids); each is sent to the live test
server and checked with schemathesis' default checks (no 5xx; status, content type and body as
documented; negative data rejected; positive data accepted; auth not ignored...) plus
``validation_agrees_with_schema``. Path parameters are drawn from the real objects of the
seeded world as well as at random, so the checks reach handlers past their 404s.

Runs synchronously in a worker thread (see ``bridge.py``): ``requests`` blocks, the server's
loop does not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import FailureGroup

from lms_rt.users.models import Role
from tests.fuzz.scale import DERANDOMIZE
from tests.fuzz.world import ROLES, World

MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
SESSION_PATHS = ("/api/v1/auth/", "/api/v1/users/")
FORM_MEDIA_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # Schema-valid input the API may still refuse for reasons no JSON Schema states:
            # rules across fields or rows (422 naming the field), unknown or expired links and
            # unsigned webhooks (400), links used up (410), a file whose bytes are not of a
            # type accepted there (415: content is sniffed). ``validation_agrees_with_schema``
            # keeps the part of the check these statuses would hide.
            "positive_data_acceptance": {
                "expected-statuses": [
                    *("2xx", "3xx", "400", "401", "403", "404", "409", "410", "415", "422"),
                    "429",
                ]
            },
            # A body past the size limit is refused before it is parsed: 413 is a refusal too.
            "negative_data_rejection": {
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "413", "415", "422"),
                    *("428", "429"),
                ]
            },
        }
    }
)

# Pydantic error types of constraints the document states (lengths, bounds, patterns, types,
# required and unknown fields). A custom validator's ``value_error`` (an IANA time zone, a
# deliverable email domain, "percent_off or amount_off") is a rule the schema cannot state.
SCHEMA_EXPRESSIBLE_ERRORS = frozenset(
    {
        *("missing", "extra_forbidden", "model_type", "dict_type", "list_type"),
        *("string_type", "string_too_short", "string_too_long", "string_pattern_mismatch"),
        *("int_type", "int_parsing", "int_from_float", "float_type", "float_parsing"),
        *("bool_type", "bool_parsing", "too_short", "too_long", "multiple_of"),
        *("greater_than", "greater_than_equal", "less_than", "less_than_equal"),
        *("enum", "literal_error", "union_tag_invalid", "union_tag_not_found"),
        *("uuid_type", "uuid_parsing", "url_type", "url_parsing"),
        *("datetime_type", "datetime_parsing", "datetime_from_date_parsing", "date_parsing"),
    }
)


@dataclass
class Finding:
    role: str
    operation: str
    checks: tuple[str, ...]
    status: int
    report: str


@dataclass
class Report:
    operations: int = 0
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    findings: dict[tuple[str, str, tuple[str, ...]], Finding] = field(default_factory=dict)
    failed_cases: int = 0
    unsatisfiable: Counter[str] = field(default_factory=Counter)

    def add(self, finding: Finding) -> None:
        self.failed_cases += 1
        self.findings.setdefault((finding.role, finding.operation, finding.checks), finding)


def validation_agrees_with_schema(ctx: Any, response: Any, case: Case) -> bool | None:
    """A schema-valid request refused by the very model the schema was generated from, on a
    constraint the schema states: the document and the validator disagree."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 422:
        return None
    try:
        details = response.json()["error"]["details"]
    except (ValueError, KeyError, TypeError):
        return None
    disagreements = [
        d
        for d in details
        if isinstance(d, dict)
        and d.get("type") in SCHEMA_EXPRESSIBLE_ERRORS
        and not _null_in_a_form(case, str(d.get("field", "")))
    ]
    if disagreements:
        raise AssertionError(f"schema-valid input refused by the request model: {disagreements}")
    return None


def _null_in_a_form(case: Case, field: str) -> bool:
    """A form has no null: a JSON null is sent as the text "null", which no UUID or enum
    field takes. Browsers leave such a field out instead."""
    return (
        case.media_type in FORM_MEDIA_TYPES
        and isinstance(case.body, dict)
        and field in case.body
        and case.body[field] is None
    )


def _real_path_parameters(schema: Any, world: World) -> None:
    """Real ids join the random ones: a case takes all its path parameters from one side."""

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        operation = context.operation
        if operation is None or not path_parameters:
            return st.just(path_parameters)
        real = {name: world.real_values(operation.path, name) for name in path_parameters}
        if not all(real.values()):
            return st.just(path_parameters)
        chosen = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in real.items()})
        return st.one_of(st.just(path_parameters), chosen)


def _file_part_last(schema: Any) -> None:
    """The upload reads its fields before the file it streams, so the file part goes last, as
    the operation says and as browsers' FormData and ``curl -F`` send it. Order alone never
    makes a case valid or invalid by the schema."""

    @schema.hook
    def map_body(context: Any, body: Any) -> Any:
        if isinstance(body, dict) and "file" in body:
            return {**{k: v for k, v in body.items() if k != "file"}, "file": body["file"]}
        return body


def _modes(operation: Any) -> tuple[GenerationMode, ...]:
    """Negative cases need something the schema constrains beyond "a string in the path"."""
    if operation.query.items or len(operation.body) or operation.headers.items:
        return MODES
    return (GenerationMode.POSITIVE,)


def _sign_in(session: requests.Session, base_url: str, world: World, role: Role) -> dict[str, str]:
    """A fresh session of the role's user."""
    response = session.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": world.users[role].email, "password": world.password},
        timeout=30,
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _check_names(exc: FailureGroup) -> tuple[str, ...]:
    return tuple(sorted({type(failure).__name__ for failure in exc.exceptions}))


def run(document: dict[str, Any], base_url: str, world: World, examples: int) -> Report:
    schema = schemathesis.openapi.from_dict(document, config=CONFIG)
    _real_path_parameters(schema, world)
    _file_part_last(schema)
    report = Report()
    http = requests.Session()
    operations = [result.ok() for result in schema.get_all_operations()]
    report.operations = len(operations)
    for role in ROLES:
        headers = _sign_in(http, base_url, world, role)
        for operation in operations:
            for mode in _modes(operation):
                _fuzz(report, http, base_url, headers, role, operation, mode, examples)
            if operation.path.startswith(SESSION_PATHS):
                # It may have signed the fuzzer out (logout, password change, ended sessions).
                headers = _sign_in(http, base_url, world, role)
    return report


def _fuzz(
    report: Report,
    http: requests.Session,
    base_url: str,
    headers: dict[str, str],
    role: Role,
    operation: Any,
    mode: GenerationMode,
    examples: int,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        # Findings are collected, not raised: there is nothing to shrink.
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    def send(case: Case) -> None:
        report.cases[role.value] += 1
        try:
            response = case.call_and_validate(
                base_url=base_url,
                session=http,
                headers=headers,
                additional_checks=[validation_agrees_with_schema],
                timeout=30,
            )
            report.statuses[response.status_code] += 1
        except FailureGroup as exc:
            report.add(
                Finding(
                    role=role.value,
                    operation=operation.label,
                    checks=_check_names(exc),
                    status=getattr(exc.exceptions[0], "status_code", 0) or 0,
                    report=str(exc)[:3000],
                )
            )

    try:
        send()
    except Unsatisfiable:
        # Nothing the schema forbids fits this operation: there is no such case to send.
        report.unsatisfiable[mode.value] += 1
