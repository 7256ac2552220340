"""The ``tousu`` command (SPEC §10): demo, serve, migrate, sweep, worker, createuser, load-pack.

Every command reads the same environment settings (``tousu.settings``): the database is
``$DATABASE_URL``, else an SQLite file in ``$TOUSU_DATA_DIR`` (default ``./tousu-data``).
Django is imported inside the handlers so that ``tousu --help`` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_USAGE = 2  # bad input: unknown role/unit, invalid pack file, …

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A refusal the user can fix; printed as ``tousu: message`` with exit code 2."""


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    import django

    django.setup()


def _migrate(verbosity: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


# --- demo -----------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    if (
        args.host not in ("127.0.0.1", "localhost", "::1")
        and "TOUSU_ALLOWED_HOSTS" not in os.environ
    ):
        os.environ["TOUSU_ALLOWED_HOSTS"] = "*"  # the demo was asked to listen beyond loopback
    started = time.monotonic()
    _django()
    _migrate(verbosity=0)
    from tousu.demo import ensure_demo_data

    summary = ensure_demo_data(cases=args.cases)
    _collect_static()
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
    url = f"http://{shown}:{args.port}/"
    _print_demo(summary, url, time.monotonic() - started)
    if args.no_serve:
        return 0
    print(_start_background_jobs(), flush=True)
    return _serve_in_process(args.host, args.port)


def _start_background_jobs() -> str:
    """With no broker, every beat task now (the overdue queue and the warnings fill at once),
    then each at its interval on a daemon thread; with a broker, that is a worker's job."""
    from django.conf import settings

    from tousu import jobs

    if settings.BROKER_URL:
        return "Background jobs go to the broker: run 'tousu worker' beside the demo."
    jobs.run_schedule_once()
    jobs.start_inprocess_scheduler()
    every = ", ".join(
        f"{entry['task'].rsplit('.', 1)[-1]} {int(jobs.every_seconds(entry))} s"
        for entry in jobs.BEAT_SCHEDULE.values()
    )
    return f"Background jobs in-process: {every}."


def _collect_static() -> None:
    """Copy static files into DATA_DIR/static, where WhiteNoise serves them from."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _print_demo(summary: Any, url: str, seconds: float) -> None:
    from django.conf import settings

    print(f"tousu demo — data in {settings.DATA_DIR} (SQLite unless DATABASE_URL is set)")
    print(
        f"  cases: {summary.cases_total} ({summary.cases_created} created now) "
        f"{_counts(summary.by_status)}"
    )
    print(f"  packs: {', '.join(summary.packs)}")
    for failure in summary.failures[:5]:
        print(f"  warning: demo case not created: {failure}")
    print("\nDemo users (demo passwords, not secret):")
    width = max(len(u.username) for u in summary.users)
    for user in summary.users:
        print(f"  {user.username:<{width}}  {user.role:<10}  {user.password:<20}  {user.unit}")
    print(f"\nReady in {seconds:.1f} s.  Open {url}")
    print(f"  Customer portal: {url}portal/")
    print(f"  API: {url}api/v1/docs  (OpenAPI: {url}api/v1/openapi.json)")
    sys.stdout.flush()


def _counts(counts: dict[str, int]) -> str:
    return "[" + ", ".join(f"{k} {v}" for k, v in counts.items()) + "]"


def _serve_in_process(host: str, port: int) -> int:
    """A threaded WSGI server in this process (the demo needs no granian, no services)."""
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    print("Serving; press Ctrl-C to stop.", flush=True)
    try:
        run(
            host,
            port,
            get_wsgi_application(),
            ipv6=":" in host,
            threading=True,
            server_cls=WSGIServer,
        )
    except KeyboardInterrupt:
        print("\nStopped.")
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return 0


# --- serve, migrate --------------------------------------------------------------------------


def server_argv(bind: str, workers: int, threads: int = 1) -> list[str]:
    """granian serving the WSGI app: HTTP is parsed and answered in Rust, which left an intake
    ~0.6 ms of CPU (of ~5) cheaper than gunicorn's threaded workers (bench/README.md). Each
    worker process runs ``threads`` requests at once (granian's blocking threads); one thread
    per process gave the most cases per second, since threads of one process take turns at
    the GIL. Clients' connections are kept alive. Each thread holds its own database
    connection: ``workers × threads`` per machine. ``bind``: ``HOST:PORT`` or ``unix:PATH``."""
    if bind.startswith("unix:"):
        where = ["--uds", bind.removeprefix("unix:")]
    else:
        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--bind must be HOST:PORT or unix:PATH, not '{bind}'")
        where = ["--host", host.strip("[]"), "--port", port]
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "tousu.wsgi:application",
        *where,
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--access-log",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Replace this process with granian. Migrations are not run: use ``tousu migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    argv = server_argv(args.bind, args.workers, args.threads)
    os.execv(argv[0], argv)  # noqa: S606 - argv is fixed above, not user text
    return 0  # not reached


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    _migrate(verbosity=1)
    return 0


# --- createuser -----------------------------------------------------------------------------


def cmd_createuser(args: argparse.Namespace) -> int:
    _django()
    from tousu.org.models import User

    role = _role(args.role)
    unit = _unit(args.unit) if args.unit else None
    if role == "handler" and unit is None:
        raise CommandError("role 'handler' needs --unit: a handler works the orders of one unit")
    if not args.password:
        raise CommandError("--password must not be empty")
    if User.objects.filter(username=args.username).exists():
        raise CommandError(f"user '{args.username}' already exists")
    user = User(
        username=args.username,
        role=role,
        unit=unit,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    user.set_password(args.password)
    user.save()
    print(f"created user '{user.username}' (role {role}, unit {unit.code if unit else '-'})")
    return 0


def _role(code: str) -> str:
    from tousu.rules.lifecycle import Role

    roles = [r.value for r in Role]
    if code not in roles:
        raise CommandError(f"unknown role '{code}'; roles: {', '.join(roles)}")
    return code


def _unit(code: str) -> Any:
    from tousu.org.models import Unit

    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        known = list(Unit.objects.order_by("code").values_list("code", flat=True)[:30])
        hint = f"known units: {', '.join(known)}" if known else "no units exist yet"
        raise CommandError(f"unknown unit '{code}'; {hint}")
    return unit


# --- load-pack ------------------------------------------------------------------------------


def cmd_load_pack(args: argparse.Namespace) -> int:
    """Validate and install a pack file; an invalid file changes nothing."""
    _django()
    from tousu.packs.loader import BUILTIN_CODES, DATA_DIR
    from tousu.packs.registry import PackError, install_pack_file

    path = Path(args.file)
    if not path.exists() and args.file in BUILTIN_CODES:
        path = DATA_DIR / f"{args.file}.yaml"
    if not path.is_file():
        raise CommandError(
            f"{args.file}: no such file (or builtin pack code: {', '.join(BUILTIN_CODES)})"
        )
    try:
        row = install_pack_file(path)
    except PackError as exc:
        print(f"{exc.file}:{exc.line or '?'}: {exc.field}: {exc.problem}", file=sys.stderr)
        print("tousu: pack not installed; the previous version stays active", file=sys.stderr)
        return EXIT_USAGE
    print(f"pack '{row.code}' version {row.version} is active (checksum {row.checksum[:12]})")
    return 0


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tousu",
        description="tousu — complaint handling platform (投诉处理平台)",
        epilog="Settings come from the environment: DATABASE_URL, TOUSU_DATA_DIR, "
        "TOUSU_SECRET_KEY, TOUSU_BROKER_URL/REDIS_URL, TOUSU_ALLOWED_HOSTS, "
        "TOUSU_TIME_ZONE. See README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    demo = add("demo", cmd_demo, "set up SQLite, packs and demo data once, then serve the demo")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="prepare the data and exit")
    demo.add_argument("--cases", type=int, default=300, help="number of demo cases (300)")

    serve = add("serve", cmd_serve, "serve with granian (run 'tousu migrate' first)")
    serve.add_argument("--bind", default="0.0.0.0:8000")  # noqa: S104 - a server's default
    serve.add_argument("--workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 9))
    serve.add_argument("--threads", type=int, default=1, help="requests served at once per worker")

    add("migrate", cmd_migrate, "create or update the database tables")

    from tousu.clock_cli import register as register_clocks  # sweep, worker, calendar

    register_clocks(sub)

    user = add("createuser", cmd_createuser, "create a staff user")
    user.add_argument("username")
    user.add_argument("--password", required=True)
    user.add_argument(
        "--role",
        required=True,
        help="admin, agent, dispatcher, handler, supervisor, manager, quality, auditor or crisis",
    )
    user.add_argument("--unit", help="code of the user's unit")

    pack = add("load-pack", cmd_load_pack, "validate and install an industry pack file")
    pack.add_argument("file", help="a pack YAML file, or the code of a builtin pack")

    from tousu.cases.history_cli import register as register_history  # argparse only
    from tousu.channels.cli import register as register_channels  # argparse only, no Django
    from tousu.reports.cli import register as register_report  # argparse only, no Django

    register_report(sub)
    register_channels(sub)
    register_history(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except CommandError as exc:
        print(f"tousu {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
