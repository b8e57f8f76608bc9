"""Prometheus metrics, one registry per application (no process globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "lms_http_requests_total",
            "HTTP requests served, by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "lms_http_request_duration_seconds",
            "Time from request received to response ready, by route template",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.jobs_enqueued = Counter(
            "lms_jobs_enqueued_total",
            "Jobs handed to the job queue",
            ["job"],
            registry=self.registry,
        )
        self.events_published = Counter(
            "lms_events_published_total",
            "Events published on the bus",
            ["kind"],
            registry=self.registry,
        )
        self.ws_connections = Gauge(
            "lms_ws_connections",
            "Open websocket connections in this process",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
