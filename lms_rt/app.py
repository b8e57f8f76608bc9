"""``create_app(settings)``: the only way the web application is built."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp_cors
import aiohttp_jinja2
import jinja2
from aiohttp import web
from swagger_ui_bundle import swagger_ui_path

import lms_rt
from lms_rt import keys
from lms_rt.analytics import views as analytics_views
from lms_rt.announcements import views as announcements_views
from lms_rt.assignments import views as assignments_views
from lms_rt.audit import views as audit_views
from lms_rt.audit.trail import audit_context
from lms_rt.auth import views as auth_views
from lms_rt.auth.permissions import authorize
from lms_rt.auth.realtime import session_authenticator
from lms_rt.certificates import pages as certificate_pages
from lms_rt.certificates import views as certificates_views
from lms_rt.config import Settings
from lms_rt.courses import realtime as courses_realtime
from lms_rt.courses import views as courses_views
from lms_rt.dashboards import live_pages
from lms_rt.dashboards import views as dashboard_views
from lms_rt.enrollments import views as enrollments_views
from lms_rt.files import views as files_views
from lms_rt.gradebook import views as gradebook_views
from lms_rt.http import headers, middlewares
from lms_rt.http.forwarded import forwarded
from lms_rt.http.openapi import ApiRegistry, ApiRoutes
from lms_rt.jobs.cron import inline_cron_context
from lms_rt.live import realtime as live_realtime
from lms_rt.live import views as live_views
from lms_rt.metrics import Metrics
from lms_rt.notifications import views as notifications_views
from lms_rt.pages import auth_pages, lesson_page
from lms_rt.paths import STATIC_DIR, TEMPLATES_DIR
from lms_rt.payments import views as payments_views
from lms_rt.payments.providers import gateways_context
from lms_rt.privacy import views as privacy_views
from lms_rt.quizzes import realtime as quizzes_realtime
from lms_rt.quizzes import views as quizzes_views
from lms_rt.realtime.registry import RealtimeRegistry
from lms_rt.realtime.setup import setup_realtime
from lms_rt.resources import CLEANUP_CONTEXTS
from lms_rt.system import pages
from lms_rt.system import views as system_views
from lms_rt.users import realtime as users_realtime
from lms_rt.users import views as users_views


def api_tables() -> list[ApiRoutes]:
    """Every domain's ``/api/v1`` route table, in the order they appear in the docs."""
    return [
        auth_views.api,
        users_views.api,
        privacy_views.api,
        courses_views.api,
        enrollments_views.api,
        quizzes_views.api,
        assignments_views.api,
        gradebook_views.api,
        live_views.api,
        certificates_views.api,
        payments_views.api,
        analytics_views.api,
        announcements_views.api,
        notifications_views.api,
        files_views.api,
        audit_views.api,
        system_views.api,
    ]


def realtime_kinds() -> list[Callable[[RealtimeRegistry, web.Application], None]]:
    """Every domain's channel kinds and websocket methods."""
    return [
        users_realtime.register,
        courses_realtime.register,
        quizzes_realtime.register,
        live_realtime.register,
    ]


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[
            forwarded(settings.trusted_proxies),
            middlewares.request_context,
            middlewares.render_errors,
            middlewares.rate_limit(settings.trusted_proxies),
            audit_context,
        ],
    )
    app[keys.SETTINGS] = settings
    app[keys.METRICS] = Metrics()
    app.cleanup_ctx.extend(CLEANUP_CONTEXTS)
    app.cleanup_ctx.append(inline_cron_context)
    app.cleanup_ctx.append(gateways_context)
    app.on_response_prepare.append(headers.add_security_headers)

    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(default=True),
    )

    registry = ApiRegistry(title="lms_rt API", version=lms_rt.__version__, authorize=authorize)
    for table in api_tables():
        registry.add(app, table)
    app[keys.API] = registry

    realtime = RealtimeRegistry()
    for register in realtime_kinds():
        register(realtime, app)
    setup_realtime(app, realtime, session_authenticator)

    app.router.add_routes(system_views.routes)
    app.router.add_routes(pages.routes)
    app.router.add_routes(certificate_pages.routes)
    app.router.add_routes(auth_pages.routes)
    app.router.add_routes(lesson_page.routes)
    app.router.add_routes(dashboard_views.routes)
    app.router.add_routes(live_pages.routes)
    app.router.add_routes(files_views.routes)
    app.router.add_static("/static/", STATIC_DIR, name="static")
    app.router.add_static("/api/docs/assets/", swagger_ui_path, name="swagger_ui")
    _enable_cors(app, settings.cors_origins)
    return app


def _enable_cors(app: web.Application, origins: list[str]) -> None:
    """Cross-origin access to the API for the configured origins only."""
    if not origins:
        return
    options = aiohttp_cors.ResourceOptions(
        allow_credentials=True,
        expose_headers=("X-Request-ID", "Retry-After"),
        allow_headers=("Authorization", "Content-Type", "X-Request-ID", "X-CSRF-Token"),
        allow_methods=("GET", "POST", "PUT", "PATCH", "DELETE"),
        max_age=600,
    )
    cors = aiohttp_cors.setup(app, defaults={origin: options for origin in origins})
    for route in list(app.router.routes()):
        if route.resource is not None and route.resource.canonical.startswith("/api/v1"):
            cors.add(route)
