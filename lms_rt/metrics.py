"""Prometheus metrics, one registry per application (no process globals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from lms_rt.realtime.bus import Bus


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
        self.events_published = Gauge(
            "lms_events_published",
            "Events this process has published on the bus since it started",
            registry=self.registry,
        )
        self.ws_connections = Gauge(
            "lms_ws_connections",
            "Open websocket connections in this process",
            registry=self.registry,
        )
        self.ws_subscriptions = Gauge(
            "lms_ws_subscriptions",
            "Channel subscriptions of this process's sockets",
            registry=self.registry,
        )
        self.ws_events_delivered = Counter(
            "lms_ws_events_delivered_total",
            "Event frames queued to sockets",
            registry=self.registry,
        )
        self.ws_replayed = Counter(
            "lms_ws_resume_replayed_total",
            "Events replayed from history to resuming sockets",
            registry=self.registry,
        )
        self.ws_resets = Counter(
            "lms_ws_resets_total",
            "Times subscribers were told to refetch (reset)",
            registry=self.registry,
        )
        self.ws_slow_closes = Counter(
            "lms_ws_slow_consumer_closes_total",
            "Sockets closed with 4429 for falling behind",
            registry=self.registry,
        )
        self.ws_closes = Counter(
            "lms_ws_closes_total",
            "Sockets closed by the server, by close code",
            ["code"],
            registry=self.registry,
        )

    def track_bus(self, bus: Bus) -> None:
        self.events_published.set_function(lambda: bus.published)

    def render(self) -> bytes:
        return generate_latest(self.registry)
