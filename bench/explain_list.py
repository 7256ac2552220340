"""EXPLAIN ANALYZE of the case list's queries on the database a benchmark run left behind:
the page and its capped count, as the API builds them for a supervisor.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tousu_bench \\
        .venv/bin/python bench/explain_list.py "overdue=false" "created_after=2026-11-05" "q=漏水"

Each argument is one list's query string (the API's filter names). Prints, per query, the
planner's plan with actual times (the first lines: the plan's shape and the total time).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import parse_qsl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
os.environ.setdefault("TOUSU_SECRET_KEY", "bench-secret-not-for-prod")


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from tousu.cases import queries
    from tousu.org.models import User

    user = User.objects.get(username=os.environ.get("BENCH_USER", "bench_supervisor"))
    lines = int(os.environ.get("EXPLAIN_LINES", "25"))
    for arg in sys.argv[1:] or ["status=processing"]:
        params = dict(parse_qsl(arg))
        kw: dict = {}
        for key, value in params.items():
            if key in ("created_after", "created_before"):
                parsed = parse_datetime(value if "T" in value else value + "T00:00:00+08:00")
                kw[key] = parsed
            elif key == "overdue":
                kw[key] = value == "true"
            elif key not in ("page", "page_size"):
                kw[key] = value
        filters = queries.CaseFilters(**kw)
        page = int(params.get("page", 1))
        with CaptureQueriesContext(connection) as captured:
            result = queries.case_page(user, filters, page=page, now=timezone.now())
        print(
            f"=== {arg}: {len(result.items)} rows, count {result.count} exact {result.count_exact}"
        )
        settings = ""  # a SET LOCAL the query ran under (search.text_index_plans)
        for q in captured.captured_queries:
            sql = q["sql"]
            if sql.startswith("SET LOCAL"):
                settings = sql
            if not sql.lstrip().upper().startswith("SELECT") or "cases_case" not in sql:
                continue
            with transaction.atomic(), connection.cursor() as cur:
                if settings:
                    cur.execute(settings)
                cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
                plan = [r[0] for r in cur.fetchall()]
            print(
                f"--- {q['time']} s in Django{' (' + settings + ')' if settings else ''}: {sql[:160]}…"
            )
            settings = ""
            print("\n".join(plan[:lines]))
            if len(plan) > lines:
                print(f"  … {len(plan) - lines} more lines; {plan[-1].strip()}")


if __name__ == "__main__":
    main()
