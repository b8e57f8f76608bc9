"""``lms-rt``: serve, worker, migrate, create-admin, seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from lms_rt.config import ConfigurationError, Settings, load_settings
from lms_rt.jobs.registry import QUEUES
from lms_rt.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lms-rt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the REST API, /ws and the pages")
    serve.add_argument("--host", help="address to bind (LMS_HOST)")
    serve.add_argument("--port", type=int, help="port to bind (LMS_PORT)")

    worker = commands.add_parser("worker", help="run ARQ workers (services mode)")
    worker.add_argument(
        "--queue", action="append", choices=QUEUES, help="serve only this queue (repeatable)"
    )
    worker.add_argument("--burst", action="store_true", help="stop once the queues are empty")

    commands.add_parser("migrate", help="apply migrations (PostgreSQL) or create the schema")

    admin = commands.add_parser(
        "create-admin",
        help="create an admin account (password from LMS_ADMIN_PASSWORD or a prompt)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Administrator", help="full name")

    commands.add_parser("seed-demo", help="create demo accounts (and, as domains land, content)")
    return parser


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    from aiohttp import web

    from lms_rt.app import create_app

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    # Give in-flight requests time to finish and sockets time to hear 1001 before exit.
    web.run_app(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        access_log=None,
        shutdown_timeout=10,
        backlog=settings.backlog,
        # Several processes may serve one port; the kernel spreads connections among them.
        reuse_port=sys.platform.startswith("linux"),
        print=lambda message: print(message, file=sys.stderr),
    )


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        sys.exit(f"lms-rt: configuration error: {exc}")
    configure_logging(settings.log_level, settings.log_json)

    if args.command == "serve":
        _serve(settings, args.host, args.port)
    elif args.command == "worker":
        from lms_rt.jobs.worker import run_workers

        try:
            asyncio.run(run_workers(settings, args.queue or QUEUES, burst=args.burst))
        except ConfigurationError as exc:
            sys.exit(f"lms-rt: {exc}")
    elif args.command == "migrate":
        from lms_rt.migrate import migrate

        applied = asyncio.run(migrate(settings))
        print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")
    elif args.command == "create-admin":
        from lms_rt.users.admin_cli import AdminError, create_admin, read_password

        try:
            user = asyncio.run(create_admin(settings, args.email, args.name, read_password()))
        except AdminError as exc:
            sys.exit(f"lms-rt create-admin: {exc}")
        print(f"admin {user.email} created ({user.id})")
    elif args.command == "seed-demo":
        from lms_rt.demo import DEMO_PASSWORD, seed_demo

        for line in asyncio.run(seed_demo(settings)):
            print(line)
        print(f"every demo account signs in with the password {DEMO_PASSWORD!r}")


if __name__ == "__main__":
    main()
