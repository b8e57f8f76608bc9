"""Every benchmark of tests/bench, one after the other, and ``tests/bench/REPORT.md`` from them.

What ``make bench`` runs (``make bench BENCH_ARGS=--quick`` for a fast pass). Each benchmark
starts its own throwaway PostgreSQL and Redis, its own server processes (two wherever it serves
clients) or workers, and writes its figures as JSON (``--json``); its printed report goes into
REPORT.md as well. The report gives the machine, the date, and one table per benchmark with
each figure, its target from issue 11 (where it sets one), whether it was met, and the ratio
to the comparison the issue names (python-socketio and the bare ceiling for fan-out, the bare
aiohttp handler for REST).

A benchmark that loses anything, fails its own correctness checks or does not finish makes
this runner exit non-zero, after the report is written. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from tests.harness.services import ServiceError, find_pg_bin  # noqa: E402

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
STDERR_TAIL = 40


@dataclass(frozen=True)
class Benchmark:
    key: str
    script: str
    title: str


BENCHMARKS = (
    Benchmark("ws_fanout", "ws_fanout.py", "Realtime fan-out"),
    Benchmark("live_quiz_burst", "live_quiz_burst.py", "Live quiz burst"),
    Benchmark("rest_catalog", "rest_catalog.py", "REST: catalog, course page, progress"),
    Benchmark("job_throughput", "job_throughput.py", "Job throughput: certificates and emails"),
)


@dataclass
class Outcome:
    benchmark: Benchmark
    returncode: int
    seconds: float
    output: str
    stderr_tail: list[str]
    summary: dict[str, Any] | None

    @property
    def failed(self) -> bool:
        return self.returncode != 0 or self.summary is None or not self.summary.get("ok")

    @property
    def verdict(self) -> str:
        if self.summary is None:
            return f"did not finish (exit {self.returncode})"
        if not self.summary.get("ok"):
            return "CHECKS FAILED: something was lost or wrong"
        if self.returncode != 0:
            return f"exit {self.returncode}"
        return "checks passed"


def log(message: str) -> None:
    print(f"[run_all] {message}", file=sys.stderr, flush=True)


def run_benchmark(benchmark: Benchmark, quick: bool, workdir: Path) -> Outcome:
    """The script as its own process: its progress (stderr) passes through, its report
    (stdout) and figures (JSON) are kept."""
    summary_path = workdir / f"{benchmark.key}.json"
    stdout_path = workdir / f"{benchmark.key}.txt"
    argv = [sys.executable, str(HERE / benchmark.script), "--json", str(summary_path)]
    if quick:
        argv.append("--quick")
    log(f"{benchmark.key}: {' '.join(argv[1:])}")
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL)
    began = time.monotonic()
    with stdout_path.open("wb") as stdout:
        process = subprocess.Popen(
            argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE
        )
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace")
            sys.stderr.write(line)
            tail.append(line.rstrip("\n"))
        returncode = process.wait()
    seconds = time.monotonic() - began
    summary = None
    if summary_path.exists():
        summary = orjson.loads(summary_path.read_bytes())
    outcome = Outcome(
        benchmark,
        returncode,
        seconds,
        stdout_path.read_text(errors="replace"),
        list(tail),
        summary,
    )
    log(f"{benchmark.key}: {outcome.verdict} in {seconds:.0f} s")
    return outcome


# --- the machine ---------------------------------------------------------------------------


def _first_line(argv: list[str]) -> str:
    with contextlib.suppress(OSError):
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
        lines = (done.stdout or done.stderr).strip().splitlines()
        if lines:
            return lines[0]
    return "not found"


def _cpuinfo() -> tuple[str, int]:
    model, processors = "unknown", 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            elif line.startswith("processor"):
                processors += 1
    return model, processors


def _mem_total_gib() -> float | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return None


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def machine() -> list[tuple[str, str]]:
    model, processors = _cpuinfo()
    memory = _mem_total_gib()
    try:
        postgres = _first_line([str(find_pg_bin() / "postgres"), "--version"])
    except ServiceError:
        postgres = "not found"
    redis = _first_line(["redis-server", "--version"]).split(" sha=")[0]
    uname = os.uname()
    return [
        ("CPU", model),
        (
            "cores",
            f"{os.cpu_count()} online ({processors} in /proc/cpuinfo, "
            f"{len(os.sched_getaffinity(0))} usable by this process)",
        ),
        ("RAM", f"{memory:.1f} GiB" if memory is not None else "unknown"),
        ("kernel", f"{uname.sysname} {uname.release} {uname.machine}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("PostgreSQL", postgres),
        ("Redis", redis),
        ("wrk", _first_line(["wrk", "--version"]).split(" Copyright")[0]),
        (
            "libraries",
            f"aiohttp {_package('aiohttp')}, python-socketio {_package('python-socketio')}, "
            f"arq {_package('arq')}, asyncpg {_package('asyncpg')}, uvloop {_package('uvloop')}",
        ),
    ]


def source_state() -> str:
    commit = _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    with contextlib.suppress(OSError):
        done = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=False,
        )
        changed = len(done.stdout.splitlines())
        if changed:
            return f"{commit} with {changed} uncommitted changes in the working tree"
    return commit


# --- tables --------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    cells: list[str]
    target: str = "—"
    met: bool | None = None
    # A verdict taken at another size than the target's (a quick pass): indicative only.
    approximate: bool = False
    ratios: list[str] = field(default_factory=list)


def met_text(row: Row) -> str:
    if row.met is None:
        return "—"
    text = "yes" if row.met else "**no**"
    return text + ("*" if row.approximate else "")


def table(headers: list[str], rows: list[Row], ratio_headers: list[str]) -> list[str]:
    head = ["figure", *headers, "target", "met", *ratio_headers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ratios = row.ratios + ["—"] * (len(ratio_headers) - len(row.ratios))
        cells = [row.figure, *row.cells, row.target, met_text(row), *ratios]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def num(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}"


def _get(data: dict[str, Any] | None, *path: str) -> Any:
    current: Any = data
    for key in path:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


# --- per benchmark -------------------------------------------------------------------------

FANOUT_COLUMNS = ("lms_rt", "python-socketio", "ceiling")
IDLE_TARGET_SOCKETS = 10_000
IDLE_TARGET_KIB = 40.0
FANOUT_TARGET_SUBSCRIBERS = 5_000
FANOUT_TARGET_P99_MS = 100.0
DELIVERIES_TARGET = 50_000
LIVE_TARGET_ANSWERS = 1_000
LIVE_TARGET_P99_MS = 200.0
LIVE_CLOSE_TARGET_MS = 500.0
REST_TARGET_RATIO = 0.40
REST_TARGET_PROCESSES = 2


def fanout_rows(s: dict[str, Any]) -> list[Row]:
    columns = [_get(s, "columns", name) for name in FANOUT_COLUMNS]

    def three(pick: Callable[[dict[str, Any]], float | None]) -> list[float | None]:
        return [pick(c) if isinstance(c, dict) else None for c in columns]

    def row(figure: str, values: list[float | None], digits: int, **extra: Any) -> Row:
        return Row(
            figure,
            [num(v, digits) for v in values],
            ratios=[ratio(values[0], values[1]), ratio(values[0], values[2])],
            **extra,
        )

    rows = []
    idle = three(lambda c: c.get("idle_kib_per_socket"))
    sockets = int(_get(s, "sizes", "idle") or 0)
    lms_idle = idle[0]
    rows.append(
        row(
            f"idle memory per websocket, KiB, {sockets:,} sockets",
            idle,
            1,
            target=f"≤ {IDLE_TARGET_KIB:.0f} KiB at {IDLE_TARGET_SOCKETS:,}",
            met=None if lms_idle is None else lms_idle <= IDLE_TARGET_KIB,
            approximate=sockets != IDLE_TARGET_SOCKETS,
        )
    )
    sizes = [int(size) for size in _get(s, "sizes", "fanout") or []]
    # The target's size when it was measured, else the largest that was (a quick pass).
    judged = (
        FANOUT_TARGET_SUBSCRIBERS
        if FANOUT_TARGET_SUBSCRIBERS in sizes
        else max(sizes, default=FANOUT_TARGET_SUBSCRIBERS)
    )
    for size in sizes:
        for pct in ("p50", "p99"):
            values = [_get(c, "fanout", str(size), f"{pct}_ms") for c in columns]
            judge = pct == "p99" and size == judged
            rows.append(
                row(
                    f"broadcast to {size:,} subscribers, {pct} ms",
                    values,
                    1,
                    target=f"≤ {FANOUT_TARGET_P99_MS:.0f} ms at {FANOUT_TARGET_SUBSCRIBERS:,}"
                    if judge
                    else "—",
                    met=values[0] <= FANOUT_TARGET_P99_MS
                    if judge and values[0] is not None
                    else None,
                    approximate=judge and size != FANOUT_TARGET_SUBSCRIBERS,
                )
            )
    channels = _get(s, "sizes", "channels") or 0
    per_channel = _get(s, "sizes", "per_channel") or 0
    events = three(lambda c: _get(c, "sustained", "events_per_second"))
    rows.append(
        row(
            f"sustained events/s, {channels * per_channel:,} subscribers over {channels} channels",
            events,
            0,
        )
    )
    deliveries = three(lambda c: _get(c, "sustained", "deliveries_per_second"))
    unbroken = [bool(_get(c, "ladder_never_broke")) for c in columns]
    delivered = row("sustained delivered events/s (events × subscribers)", deliveries, 0)
    delivered.cells = [
        ("≥ " if lower and cell != "—" else "") + cell
        for cell, lower in zip(delivered.cells, unbroken, strict=True)
    ]
    delivered.target = f"≥ {DELIVERIES_TARGET:,}"
    if deliveries[0] is not None:
        delivered.met = deliveries[0] >= DELIVERIES_TARGET
        delivered.approximate = bool(s.get("quick"))
    rows.append(delivered)
    rows.append(row("server RSS, warm and empty, MiB", three(lambda c: c.get("base_rss_mib")), 0))
    return rows


def fanout_section(o: Outcome) -> list[str]:
    s = o.summary or {}
    lines = table(
        list(FANOUT_COLUMNS),
        fanout_rows(s),
        ["lms_rt ÷ python-socketio", "lms_rt ÷ ceiling"],
    )
    lines.append("")
    lines.append(
        "Two server processes per column on one Redis, one load-generator process (uvloop, "
        "orjson) on the same cores. Memory and latency: lower is better (a ratio below 1 "
        'favours lms_rt); throughput: higher is better. "≥": the rate ladder never broke, '
        "so the figure is a lower bound. Throughput is the last step of the ladder at which "
        f"every delivery arrived with p99 ≤ {num(s.get('throughput_p99_limit_ms'))} ms."
    )
    if s.get("foreign_load"):
        lines.append("")
        lines.append(f"Measured beside other work on the machine: {s['foreign_load']}.")
    return lines


def live_rows(s: dict[str, Any]) -> list[Row]:
    participants = int(s.get("participants") or 0)
    acknowledged, stored, distinct = s.get("acknowledged"), s.get("stored"), s.get("distinct")
    p99 = s.get("ack_p99")
    close_last = s.get("close_last")
    lost = None if acknowledged is None or stored is None else acknowledged - stored
    intact = lost == 0 and stored == distinct
    return [
        Row(
            f"answers within {num(s.get('burst_seconds'), 0)} s, two processes",
            [f"{participants:,}"],
            target=f"{LIVE_TARGET_ANSWERS:,}, none lost",
            met=intact,
            approximate=participants < LIVE_TARGET_ANSWERS,
        ),
        Row("acknowledgement p50, ms", [num(_ms(s.get("ack_p50")))]),
        Row(
            "acknowledgement p99, ms",
            [num(_ms(p99))],
            target=f"≤ {LIVE_TARGET_P99_MS:.0f} ms",
            met=None if p99 is None else p99 * 1000 <= LIVE_TARGET_P99_MS,
            approximate=participants != LIVE_TARGET_ANSWERS,
        ),
        Row("acknowledgement max, ms", [num(_ms(s.get("ack_max")))]),
        Row(
            "answers acknowledged / stored / distinct",
            [f"{acknowledged} / {stored} / {distinct}"],
            target="equal (zero lost)",
            met=intact,
        ),
        Row("answers refused", [f"{s.get('refused_count')} {s.get('refused') or ''}".strip()]),
        Row(
            "participants who got `question.closed`",
            [f"{s.get('closed_received')} of {participants}"],
            target="all",
            met=s.get("closed_received") == participants,
        ),
        Row(
            "closes_at → last `question.closed`, ms",
            [num(_ms(close_last))],
            target=f"≤ {LIVE_CLOSE_TARGET_MS:.0f} ms (issue 7)",
            met=None if close_last is None else close_last * 1000 <= LIVE_CLOSE_TARGET_MS,
            approximate=participants != LIVE_TARGET_ANSWERS,
        ),
    ]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def live_section(o: Outcome) -> list[str]:
    lines = table(["measured"], live_rows(o.summary or {}), [])
    lines.append("")
    lines.append(
        "Each participant answers once at a random moment within the burst; two `lms-rt "
        "serve` processes on PostgreSQL and Redis, the load generator on the same cores. The "
        "issue names no comparison for this one."
    )
    return lines


def rest_rows(s: dict[str, Any]) -> list[Row]:
    figures = s.get("figures") or []
    by_key = {(f["endpoint"], f["processes"], f["system"]): f for f in figures}
    seen: list[tuple[str, str, int]] = []
    for f in figures:
        key = (f["endpoint"], f["label"], f["connections"])
        if key not in seen:
            seen.append(key)
    rows = []
    for endpoint, label, connections in seen:
        for processes in sorted({p for (e, p, _) in by_key if e == endpoint}):
            lms = by_key.get((endpoint, processes, "lms_rt"))
            ceiling = by_key.get((endpoint, processes, "ceiling"))
            lms_rate = lms["requests_per_second"] if lms else None
            ceiling_rate = ceiling["requests_per_second"] if ceiling else None
            judged = endpoint == "catalog" and processes == REST_TARGET_PROCESSES
            share = None if not lms_rate or not ceiling_rate else lms_rate / ceiling_rate
            rows.append(
                Row(
                    f"`{label}` (-c{connections}), {processes} process"
                    + ("es" if processes > 1 else ""),
                    [
                        num(lms_rate),
                        num(lms["p99_ms"] if lms else None, 1),
                        num(ceiling_rate),
                        num(ceiling["p99_ms"] if ceiling else None, 1),
                    ],
                    target=f"≥ {REST_TARGET_RATIO:.0%} of the ceiling" if judged else "—",
                    met=share >= REST_TARGET_RATIO if judged and share is not None else None,
                    approximate=judged and bool(s.get("quick")),
                    ratios=[ratio(lms_rate, ceiling_rate)],
                )
            )
    return rows


def rest_section(o: Outcome) -> list[str]:
    s = o.summary or {}
    lines = table(
        ["lms_rt req/s", "lms_rt p99 ms", "ceiling req/s", "ceiling p99 ms"],
        rest_rows(s),
        ["lms_rt ÷ ceiling"],
    )
    durations = s.get("durations") or {}
    lines.append("")
    lines.append(
        f"wrk with a fixed connection count, {durations.get('measure', '?')} s per figure "
        f"({durations.get('crowd_measure', '?')} s with 500 connections) after "
        f"{durations.get('warmup', '?')} s of warm-up, against {num(s.get('courses'))} seeded "
        "courses on PostgreSQL; the ceiling is a bare aiohttp handler serving the same bytes "
        "from memory, with the same process layout (processes share one port). The target is "
        "judged on the catalog with two processes; the other rows are for context."
    )
    return lines


JOB_KINDS = ("certificates", "certificate_emails", "emails")


def job_rows(s: dict[str, Any]) -> list[Row]:
    kinds = [_get(s, "kinds", k) for k in JOB_KINDS]

    def each(key: str, digits: int) -> list[str]:
        return [num(_get(k, key), digits) for k in kinds]

    checks = s.get("checks") or {}
    jobs = s.get("jobs")
    rows = [
        Row("jobs", each("jobs", 0)),
        Row("time to drain (first enqueue → last finished), s", each("drain_seconds", 2)),
        Row("jobs/s over the drain", each("jobs_per_second", 1)),
        Row("latency enqueue → finished, p50 ms", each("latency_p50_ms", 0)),
        Row("latency enqueue → finished, p99 ms", each("latency_p99_ms", 0)),
        Row("run time of one job, p50 ms", each("run_p50_ms", 0)),
    ]
    done = [
        checks.get("certificates"),
        checks.get("certificate_emails_received"),
        checks.get("emails_received"),
    ]
    rows.append(
        Row(
            "certificates (with a stored PDF) / emails received",
            [
                f"{checks.get('certificates')} ({checks.get('pdfs_stored')} PDFs)",
                f"{done[1]}",
                f"{done[2]}",
            ],
            target=f"{jobs} each",
            met=bool(checks) and all(d == jobs for d in done) and checks.get("pdfs_stored") == jobs,
        )
    )
    rows.append(
        Row(
            "Message-IDs at the SMTP sink: distinct / expected / missing / twice / unexpected",
            [
                f"{checks.get('message_ids_distinct')} / {checks.get('message_ids_expected')} / "
                f"{checks.get('message_ids_missing')} / {checks.get('message_ids_twice')} / "
                f"{checks.get('message_ids_unexpected')}",
                "",
                "",
            ],
            target="all, once",
            met=bool(checks)
            and checks.get("message_ids_missing") == 0
            and checks.get("message_ids_twice") == 0
            and checks.get("message_ids_unexpected") == 0,
        )
    )
    return rows


def job_section(o: Outcome) -> list[str]:
    s = o.summary or {}
    lines = table(["certificates", "certificate emails", "emails"], job_rows(s), [])
    lines.append("")
    lines.append(
        "Two `lms-rt worker` processes (`--queue certificates`, `--queue emails`, ARQ "
        f"max_jobs {s.get('arq_max_jobs', '?')} each) on PostgreSQL and Redis; N jobs of a "
        'kind enqueued at once onto warm workers. "certificate emails" are the emails the '
        "certificate jobs enqueue after their commits, sent while certificates are still "
        "being issued and timed from the first certificate enqueue. Latencies come from "
        "ARQ's own job records. Message-ID counts include the warm-up jobs. Issue 11 sets no "
        "figure to reach and names no comparison for jobs."
    )
    return lines


SECTIONS: dict[str, Callable[[Outcome], list[str]]] = {
    "ws_fanout": fanout_section,
    "live_quiz_burst": live_section,
    "rest_catalog": rest_section,
    "job_throughput": job_section,
}


# --- the report ----------------------------------------------------------------------------


def report(
    outcomes: list[Outcome],
    quick: bool,
    started: datetime,
    wall: float,
    loads: tuple[str, str],
    machine_rows: list[tuple[str, str]],
) -> str:
    failed = [o for o in outcomes if o.failed]
    lines = ["# lms_rt benchmarks", ""]
    if quick:
        lines += [
            "> **QUICK PASS** (`make bench BENCH_ARGS=--quick`): small sizes and short runs, "
            "to check that every benchmark works end to end. These are **not** the figures "
            "issue 11 asks for: the verdicts below are marked * where the size differs from "
            "the target's, and all of them are indicative only. Run `make bench` on a quiet "
            "machine for the real report.",
            "",
        ]
    lines += [
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}, {wall / 60:.0f} min in all",
        f"- command: `make bench{' BENCH_ARGS=--quick' if quick else ''}` "
        f"(`python tests/bench/run_all.py{' --quick' if quick else ''}`)",
        f"- source: {source_state()}",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}",
        "- outcome: "
        + (
            "every benchmark finished and passed its correctness checks"
            if not failed
            else f"**{len(failed)} benchmark(s) failed**: "
            + ", ".join(f"{o.benchmark.key} ({o.verdict})" for o in failed)
        ),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine_rows),
        "",
        "## How",
        "",
        "As `/work/shared/BENCHMARKING.md` prescribes: each benchmark starts its own throwaway "
        "PostgreSQL and Redis, runs two server processes wherever it serves clients, and "
        "measures lms_rt side by side with the comparison the issue names, in one run, with "
        "the same load generator, which shares the cores with everything else (its cost is "
        "inside every figure, for every column alike). On a shared, noisy machine the ratios "
        "are what count; absolute figures are indicative. Every benchmark counts what it "
        "sent against what arrived or was stored and fails loudly on any loss.",
        "",
        "## Targets of issue 11",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *target_summary(outcomes),
    ]
    if quick:
        lines += ["", "\\* judged at a smaller size than the target's (quick pass)."]
    for outcome in outcomes:
        b = outcome.benchmark
        lines += [
            "",
            f"## {b.title} (`tests/bench/{b.script}`)",
            "",
            f"{outcome.verdict}; {outcome.seconds:.0f} s.",
            "",
        ]
        if outcome.summary is not None:
            lines += SECTIONS[b.key](outcome)
            problems = outcome.summary.get("problems") or []
            if problems:
                lines += ["", "**Problems:**", "", *(f"- {p}" for p in problems)]
        else:
            lines += ["No figures: the benchmark did not finish. The end of its log:", ""]
            lines += ["```text", *outcome.stderr_tail, "```"]
        if outcome.output.strip():
            lines += [
                "",
                "<details><summary>Its own report</summary>",
                "",
                "```text",
                outcome.output.rstrip(),
                "```",
                "",
                "</details>",
            ]
    return "\n".join(lines) + "\n"


def target_summary(outcomes: list[Outcome]) -> list[str]:
    """One line per target of issue 11, taken from the benchmark tables."""
    by_key = {o.benchmark.key: o for o in outcomes}
    targets: list[tuple[str, str, Callable[[dict[str, Any]], list[Row]], str, str]] = [
        (
            f"{IDLE_TARGET_SOCKETS:,} idle websockets ≤ {IDLE_TARGET_KIB:.0f} KiB each",
            "ws_fanout",
            fanout_rows,
            "idle memory",
            "python-socketio",
        ),
        (
            f"broadcast to {FANOUT_TARGET_SUBSCRIBERS:,} subscribers, p99 ≤ "
            f"{FANOUT_TARGET_P99_MS:.0f} ms",
            "ws_fanout",
            fanout_rows,
            "broadcast to",
            "python-socketio",
        ),
        (
            f"≥ {DELIVERIES_TARGET:,} delivered events/s",
            "ws_fanout",
            fanout_rows,
            "sustained delivered",
            "python-socketio",
        ),
        (
            f"{LIVE_TARGET_ANSWERS:,} live answers in one second, zero lost",
            "live_quiz_burst",
            live_rows,
            "answers within",
            "",
        ),
        (
            f"live answers: p99 acknowledgement ≤ {LIVE_TARGET_P99_MS:.0f} ms",
            "live_quiz_burst",
            live_rows,
            "acknowledgement p99",
            "",
        ),
        (
            f"`GET /courses` ≥ {REST_TARGET_RATIO:.0%} of the bare-aiohttp ceiling",
            "rest_catalog",
            rest_rows,
            "`GET /api/v1/courses?",
            "the ceiling",
        ),
    ]
    lines = []
    for target, key, rows, start, comparison in targets:
        outcome = by_key.get(key)
        found = None
        if outcome is not None and outcome.summary is not None:
            judged = [r for r in rows(outcome.summary) if r.met is not None]
            found = next((r for r in judged if r.figure.startswith(start)), None)
        if found is None:
            lines.append(f"| {target} | not measured | — |")
            continue
        measured = f"{found.figure}: {found.cells[0]}"
        if comparison and found.ratios and found.ratios[0] != "—":
            measured += f" (lms_rt ÷ {comparison}: {found.ratios[0]})"
        lines.append(f"| {target} | {measured} | {met_text(found)} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's --quick")
    parser.add_argument(
        "--only",
        action="append",
        choices=[b.key for b in BENCHMARKS],
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument("--report", type=Path, default=REPORT, help=f"default: {REPORT}")
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.key in args.only]
    started = datetime.now(UTC)
    load_before = load_average()
    machine_rows = machine()
    began = time.monotonic()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="lms-bench-all-") as tmp:
        for benchmark in chosen:
            outcomes.append(run_benchmark(benchmark, args.quick, Path(tmp)))
    text = report(
        outcomes,
        args.quick,
        started,
        time.monotonic() - began,
        (load_before, load_average()),
        machine_rows,
    )
    args.report.write_text(text)
    log(f"report written to {args.report}")
    failed = [o for o in outcomes if o.failed]
    for outcome in failed:
        log(f"FAILED: {outcome.benchmark.key}: {outcome.verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
