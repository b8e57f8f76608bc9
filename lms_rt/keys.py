"""Every object shared on the application, under a typed ``web.AppKey``."""

from __future__ import annotations

from aiohttp import ClientSession, web
from redis.asyncio import Redis

from lms_rt.config import Settings
from lms_rt.deps import Deps
from lms_rt.files.storage import Storage
from lms_rt.http.openapi import ApiRegistry
from lms_rt.http.ratelimit import Limiter
from lms_rt.jobs.queue import JobQueue
from lms_rt.mail.mailer import Mailer
from lms_rt.metrics import Metrics
from lms_rt.realtime.bus import Bus

SETTINGS = web.AppKey("settings", Settings)
DEPS = web.AppKey("deps", Deps)
REDIS: web.AppKey[Redis | None] = web.AppKey("redis")
BUS = web.AppKey("bus", Bus)
JOBS = web.AppKey("jobs", JobQueue)
STORAGE = web.AppKey("storage", Storage)
MAILER = web.AppKey("mailer", Mailer)
HTTP = web.AppKey("http", ClientSession)
METRICS = web.AppKey("metrics", Metrics)
RATE_LIMITER: web.AppKey[Limiter] = web.AppKey("rate_limiter")
API = web.AppKey("api", ApiRegistry)
