"""Every object shared on the application, under a typed ``web.AppKey``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import ClientSession, web

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from lms_rt.config import Settings
    from lms_rt.deps import Deps
    from lms_rt.files.storage import Storage
    from lms_rt.http.openapi import ApiRegistry
    from lms_rt.http.ratelimit import RateLimiter
    from lms_rt.jobs.queue import JobQueue
    from lms_rt.mail.mailer import Mailer
    from lms_rt.metrics import Metrics
    from lms_rt.realtime.bus import Bus

SETTINGS = web.AppKey["Settings"]("settings")
DEPS = web.AppKey["Deps"]("deps")
REDIS = web.AppKey["Redis | None"]("redis")
BUS = web.AppKey["Bus"]("bus")
JOBS = web.AppKey["JobQueue"]("jobs")
STORAGE = web.AppKey["Storage"]("storage")
MAILER = web.AppKey["Mailer"]("mailer")
HTTP = web.AppKey[ClientSession]("http")
METRICS = web.AppKey["Metrics"]("metrics")
RATE_LIMITER = web.AppKey["RateLimiter"]("rate_limiter")
API = web.AppKey["ApiRegistry"]("api")
