"""The benchmarks' own PostgreSQL databases: each benchmark names one (``tousu_<area>_bench``) on
the server ``$BENCH_PG`` and points Django at it before Django is imported."""

from __future__ import annotations

import os

SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def use_database(name: str) -> None:
    """Point Django (settings read ``DATABASE_URL``) at the benchmark's database."""
    os.environ["DATABASE_URL"] = f"{SERVER}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")


def fresh_database(name: str) -> None:
    """Drop and create the database: a run that starts from nothing."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(name: str) -> None:
    """Create the database unless it exists: a run that reuses rows loaded before."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(*, packs: bool = True) -> None:
    """Start Django, migrate, and (``packs``) install the builtin packs."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if packs:
        from tousu.packs.registry import install_builtin_packs

        install_builtin_packs()
