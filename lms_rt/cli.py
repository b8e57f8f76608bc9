"""``lms-rt``: serve, worker, migrate, create-admin, seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lms_rt.config import ConfigurationError, Settings, load_settings
from lms_rt.jobs.registry import QUEUES
from lms_rt.logs import configure_logging
from lms_rt.supervisor import SHUTDOWN_TIMEOUT, control_socket, follow_parent, supervise


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lms-rt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the REST API, /ws and the pages")
    serve.add_argument("--host", help="address to bind (LMS_HOST)")
    serve.add_argument("--port", type=int, help="port to bind (LMS_PORT)")
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="run N server processes on the one port under a supervisor (services mode for "
        "N > 1); SIGHUP restarts them one at a time",
    )
    serve.add_argument(
        "--control-dir",
        type=Path,
        metavar="DIR",
        help="each server process also answers on the Unix socket DIR/<pid>.sock, so that one "
        "process of several sharing a port can be probed (default with --workers: a private "
        "temporary folder)",
    )
    # Set by the supervisor on its children: stop when it dies, even by SIGKILL.
    serve.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)

    worker = commands.add_parser("worker", help="run ARQ workers (services mode)")
    worker.add_argument(
        "--queue", action="append", choices=QUEUES, help="serve only this queue (repeatable)"
    )
    worker.add_argument("--burst", action="store_true", help="stop once the queues are empty")
    worker.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="jobs run at once per queue (LMS_WORKER_CONCURRENCY)",
    )

    commands.add_parser("migrate", help="apply migrations (PostgreSQL) or create the schema")

    admin = commands.add_parser(
        "create-admin",
        help="create an admin account (password from LMS_ADMIN_PASSWORD or a prompt)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Administrator", help="full name")

    commands.add_parser("seed-demo", help="create demo accounts (and, as domains land, content)")
    return parser


def _serve(
    settings: Settings, host: str | None, port: int | None, control_dir: Path | None = None
) -> None:
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
        # Started after the TCP site: once this answers, so does the shared port.
        path=str(control_socket(control_dir, os.getpid())) if control_dir else None,
        access_log=None,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        backlog=settings.backlog,
        # Several processes may serve one port; the kernel spreads connections among them.
        reuse_port=sys.platform.startswith("linux"),
        print=lambda message: print(message, file=sys.stderr),
    )


def _control_dir_problem(control_dir: Path) -> str | None:
    # sun_path holds 108 bytes with its terminating NUL; pids go up to 2**22 on Linux.
    longest = control_socket(control_dir.resolve(), 2**22)
    if len(os.fsencode(longest)) > 107:
        return f"--control-dir {control_dir} is too long a path for a Unix socket"
    return None


def _workers_problem(settings: Settings, workers: int) -> str | None:
    if workers < 1:
        return "--workers must be at least 1"
    if not sys.platform.startswith("linux"):
        return "--workers needs Linux (processes share the port through SO_REUSEPORT)"
    if workers > 1 and (settings.embedded or settings.is_sqlite):
        return (
            f"--workers {workers} needs services mode (LMS_DATABASE_URL=postgres://... and "
            "LMS_REDIS_URL=redis://...): the embedded default keeps its event bus and job "
            "runner inside one process, so several processes would not see each other's events"
        )
    return None


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.command == "worker" and args.concurrency is not None:
        overrides["worker_concurrency"] = args.concurrency
    try:
        settings = load_settings(**overrides)
    except ConfigurationError as exc:
        sys.exit(f"lms-rt: configuration error: {exc}")
    configure_logging(settings.log_level, settings.log_json)

    if args.command == "serve":
        if args.control_dir is not None:
            problem = _control_dir_problem(args.control_dir)
            if problem:
                sys.exit(f"lms-rt serve: {problem}")
            args.control_dir.mkdir(parents=True, exist_ok=True)
        if args.workers is not None:
            problem = _workers_problem(settings, args.workers)
            if problem:
                sys.exit(f"lms-rt serve: {problem}")
            child = [sys.executable, "-m", "lms_rt", "serve"]
            child += ["--host", args.host or settings.host]
            child += ["--port", str(args.port or settings.port)]
            supervise(child, args.workers, args.control_dir)
            return
        if args.parent_pid is not None:
            follow_parent(args.parent_pid)
        _serve(settings, args.host, args.port, args.control_dir)
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
