"""Schemathesis against the live API as a student, an instructor and an admin in turn."""

from __future__ import annotations

import pytest

from lms_rt import keys
from tests.fuzz.bridge import off_loop
from tests.fuzz.figures import record, tally
from tests.fuzz.openapi_runner import run
from tests.fuzz.scale import SCALE
from tests.fuzz.world import build_world
from tests.harness.myfatoorah_standin import MyFatoorahStandIn
from tests.harness.stripe_standin import StripeStandIn

STRIPE_KEY = "sk_test_lms"
MYFATOORAH_KEY = "mf_test_token"
# Findings in code that another change owns: reported to its owner, not fixed here.
# (operation, check) -> (what the owner was told, text the failure report must contain).
REPORTED_ELSEWHERE: dict[tuple[str, str], tuple[str, str]] = {}

EXAMPLES_PER_OPERATION = 3 * SCALE


def _served(client) -> int:
    return int(
        sum(
            sample.value
            for metric in client.app[keys.METRICS].http_requests.collect()
            for sample in metric.samples
            if sample.name.endswith("_total") and sample.labels["route"].startswith("/api/v1")
        )
    )


@pytest.fixture
async def stripe():
    standin = StripeStandIn(STRIPE_KEY)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def myfatoorah():
    async with MyFatoorahStandIn(api_key=MYFATOORAH_KEY) as standin:
        yield standin


def _reported(finding) -> bool:
    return all(
        (finding.operation, check) in REPORTED_ELSEWHERE
        and REPORTED_ELSEWHERE[(finding.operation, check)][1] in finding.report
        for check in finding.checks
    )


# Schemathesis' negative strategies draw from ``random`` inside Hypothesis (its own code).
@pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module:hypothesis.errors.HypothesisDeprecationWarning"
)
async def test_every_operation_survives_schemathesis(make_client, stripe, myfatoorah):
    client = await make_client(
        # The fuzzer signs in before each operation and sends wrong passwords by the hundred.
        login_failures_per_ip="1000000/minute",
        login_failures_per_account="1000000/minute",
        certificate_verifications="1000000/minute",
        # The providers are local stand-ins: payment operations run end to end.
        stripe_api_key=STRIPE_KEY,
        stripe_api_base=stripe.url,
        stripe_webhook_secret="whsec_fuzz",
        myfatoorah_api_key=MYFATOORAH_KEY,
        myfatoorah_base_url=myfatoorah.url,
        myfatoorah_webhook_secret="mf_fuzz_secret",
    )
    world = await build_world(client)
    document = await (await client.get("/api/v1/openapi.json")).json()
    base_url = str(client.make_url("")).rstrip("/")
    served_before = _served(client)
    report = await off_loop(lambda bridge: run(document, base_url, world, EXAMPLES_PER_OPERATION))
    everything = sorted(report.findings.values(), key=lambda f: (f.operation, f.role))
    known = [f for f in everything if _reported(f)]
    findings = [f for f in everything if not _reported(f)]
    record(
        "schemathesis",
        operations=report.operations,
        roles="student, instructor, admin",
        examples_per_operation_and_mode=EXAMPLES_PER_OPERATION,
        cases=f"{sum(report.cases.values())} ({tally(report.cases)})",
        requests_served=_served(client) - served_before,
        statuses=tally(report.statuses),
        operations_without_cases=tally(report.unsatisfiable),
        failing_cases=report.failed_cases,
        distinct_failures=len(findings),
        reported_elsewhere=sorted({f"{f.operation}: {', '.join(f.checks)}" for f in known}),
    )
    for finding in findings:
        print(f"\n=== {finding.role} {finding.operation} {finding.checks}\n{finding.report}")
    assert not findings, "\n".join(
        f"{f.role} {f.operation}: {', '.join(f.checks)} ({f.status})" for f in findings
    )
