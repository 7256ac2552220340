"""Django side of the benchmark: set up packs/org/users, and bulk-load realistic cases.

    python bench/bulk_load.py setup            # packs, a small org, the API users
    python bench/bulk_load.py load 100000      # cases + customers + work orders + events

Run with the same environment as the server (DATABASE_URL / TOUSU_DATA_DIR). Prints one JSON
object on the last line of stdout. Rows go straight into the tables with ``bulk_create``; the
search text is built by ``tousu.cases.search.search_text_for`` exactly as intake does (jieba in
a 2-process pool), numbers are YYYYMM + serial continuing ``CaseSerial``, and each case gets the
event history its status implies, starting with ``case.registered``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")

from dataset import SEED, Mapper, generate_rows, load_packs  # noqa: E402

PASSWORD = "bench-pass-1"
USERS = [("bench_agent", "agent"), ("bench_supervisor", "supervisor")]
UNITS = [  # code, name, kind, parent, routing keys
    ("hq", "客服中心", "centre", None, ["customer_service"]),
    ("eng", "工程部", "department", "hq", ["engineering"]),
    ("sec", "秩序维护部", "department", "hq", ["security"]),
    ("env", "环境部", "department", "hq", ["environment"]),
    ("pm", "物业管理部", "department", "hq", ["property_dept", "developer"]),
    ("ops", "运营管理部", "department", "hq", ["operations"]),
    ("vendor", "外包服务商", "partner", "hq", ["outsourced"]),
]
# status of the shared rows (1 open, 3 resolved, 4 closed) -> tousu statuses with weights
STATUS_SPLIT = {
    1: {"registered": 20, "dispatched": 30, "processing": 50},
    3: {"resolved": 30, "replied": 70},
    4: {"closed": 94, "invalid": 4, "withdrawn": 2},
}
CHAIN = {  # event kinds after case.registered, with the status each one leads to
    "registered": [],
    "dispatched": [("case.dispatched", "dispatched")],
    "processing": [("case.dispatched", "dispatched"), ("case.processing", "processing")],
    "resolved": [
        ("case.dispatched", "dispatched"),
        ("case.processing", "processing"),
        ("case.resolved", "resolved"),
    ],
    "replied": [
        ("case.dispatched", "dispatched"),
        ("case.processing", "processing"),
        ("case.resolved", "resolved"),
        ("case.replied", "replied"),
    ],
    "closed": [
        ("case.dispatched", "dispatched"),
        ("case.processing", "processing"),
        ("case.resolved", "resolved"),
        ("case.replied", "replied"),
        ("case.followed_up", "closed"),
    ],
    "invalid": [("case.marked_invalid", "invalid")],
    "withdrawn": [("case.withdrawn", "withdrawn")],
}
ORDER_STATE = {
    "dispatched": "issued",
    "processing": "acknowledged",
    "resolved": "done",
    "replied": "done",
    "closed": "done",
}


def _segment(chunk: list[tuple[str, str, str, str]]) -> list[str]:
    from tousu.cases.search import search_text_for

    return [search_text_for(*parts) for parts in chunk]


def setup() -> dict:
    import django

    django.setup()
    from tousu.org.models import Unit, User
    from tousu.packs.registry import install_builtin_packs

    packs = [f"{row.code} {row.version}" for row in install_builtin_packs()]
    units: dict[str, Unit] = {}
    for code, name, kind, parent, keys in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units.get(parent),
                "routing_keys": keys,
            },
        )
    for username, role in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.unit, user.display_name = role, units["hq"], username
        user.set_password(PASSWORD)
        user.save()
    return {"packs": packs, "users": [u for u, _ in USERS], "password": PASSWORD}


def load(n: int, batch: int = 2000) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction

    from tousu.cases import clocks
    from tousu.cases.models import Case, CaseSerial, Customer, Event, WorkOrder
    from tousu.cases.numbering import month_of
    from tousu.org.models import Unit, User
    from tousu.packs.models import PackVersion
    from tousu.packs.registry import pack_of_version

    t0 = time.perf_counter()
    rows = sorted(generate_rows(n), key=lambda r: r["created"])
    mapper = Mapper(load_packs(), SEED)
    rng = random.Random(SEED + 3)
    versions = {v.code: v for v in PackVersion.objects.filter(active=True)}
    packs = {code: pack_of_version(v) for code, v in versions.items()}
    agent = User.objects.get(username="bench_agent")
    units = {k: u for u in Unit.objects.all() for k in u.routing_keys}
    hq = Unit.objects.get(code="hq")
    serials = dict(CaseSerial.objects.values_list("month", "last"))

    # plain values first: numbers, people, fields (cheap), then the search text (jieba, pooled)
    plan = []
    for row in rows:
        f = mapper.fields(row["queue_slug"], row["title"], row["description"])
        month = month_of(row["created"])
        serials[month] = serials.get(month, 0) + 1
        split = STATUS_SPLIT[row["status"]]
        status = rng.choices(list(split), weights=list(split.values()))[0]
        plan.append((row, f, f"{month}{serials[month]:06d}", status))
    t_plan = time.perf_counter() - t0
    texts = [
        (num, f["customer"]["name"], f["description"], f["location"]) for _r, f, num, _s in plan
    ]
    connection.close()  # nothing inherited by the forked pool
    counts = Counter()
    t_seg_db = time.perf_counter()
    with get_context("fork").Pool(2) as pool:
        chunks = (texts[i : i + batch] for i in range(0, len(texts), batch))
        for start, search_texts in zip(
            range(0, len(plan), batch), pool.imap(_segment, chunks), strict=False
        ):
            part = plan[start : start + batch]
            with transaction.atomic():
                customers = Customer.objects.bulk_create(
                    [
                        Customer(
                            name=f["customer"]["name"],
                            phone=f["customer"]["phone"],
                            email=row["email"],
                            address=f["location"],
                        )
                        for row, f, _n, _s in part
                    ]
                )
                cases, orders, events = [], [], []
                for (row, f, number, status), customer, text in zip(
                    part, customers, search_texts, strict=True
                ):
                    case, times = _case(
                        row,
                        f,
                        number,
                        status,
                        customer,
                        text,
                        agent,
                        hq,
                        versions,
                        packs,
                        rng,
                        clocks,
                    )
                    cases.append((case, times))
                Case.objects.bulk_create([c for c, _t in cases], batch_size=500)
                for case, times in cases:
                    counts[case.status] += 1
                    pack = packs[case.pack]
                    if case.status in ORDER_STATE:
                        unit = units.get(pack.route_for(case.category) or "", hq)
                        orders.append(
                            WorkOrder(
                                case=case,
                                unit=unit,
                                status=ORDER_STATE[case.status],
                                issued_at=times[1][1],
                                acknowledged_at=times[2][1] if len(times) > 2 else None,
                                done_at=times[3][1] if len(times) > 3 else None,
                            )
                        )
                    prev = ""
                    for (kind, at), (_k, after) in zip(
                        times, [("", "registered")] + CHAIN[case.status], strict=True
                    ):
                        data = (
                            {
                                "channel": case.channel,
                                "request_type": case.request_type,
                                "pack_version": versions[case.pack].version,
                            }
                            if kind == "case.registered"
                            else {}
                        )
                        events.append(
                            Event(
                                case=case,
                                kind=kind,
                                actor=agent,
                                at=at,
                                before={"status": prev} if prev else {},
                                after={"status": after},
                                data=data,
                            )
                        )
                        prev = after
                WorkOrder.objects.bulk_create(orders, batch_size=1000)
                Event.objects.bulk_create(events, batch_size=2000)
                counts["events"] += len(events)
                counts["work_orders"] += len(orders)
    t_seg_db = time.perf_counter() - t_seg_db

    t_fin = time.perf_counter()
    for month, last in serials.items():
        CaseSerial.objects.update_or_create(month=month, defaults={"last": last})
    if connection.vendor == "postgresql":
        # what autovacuum does soon after a bulk insert (it is off on the test server): the
        # statistics, and the visibility map that allows index-only scans for the counts
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    t_fin = time.perf_counter() - t_fin

    numbers = [num for _r, _f, num, _s in plan]
    cats = Counter(f["category"] for _r, f, _n, s in plan if s == "processing")
    return {
        "rows": n,
        "seconds": round(time.perf_counter() - t0, 1),
        "seconds_plan": round(t_plan, 1),
        "seconds_segment_and_insert": round(t_seg_db, 1),
        "seconds_finish": round(t_fin, 1),
        "rows_per_s": round(n / (time.perf_counter() - t0)),
        "counts": dict(counts),
        "total_cases": Case.objects.count(),
        "sample_numbers": random.Random(1).sample(numbers, min(2000, len(numbers))),
        "busy_category": cats.most_common(1)[0][0] if cats else "",
        "keyword_hits": sum(1 for t in texts if "漏水" in t[2]),
    }


def info() -> dict:
    """What the read measurements need from a database a previous run filled."""
    import django

    django.setup()
    from tousu.cases.models import Case

    numbers = list(Case.objects.values_list("number", flat=True))
    cats = Counter(Case.objects.filter(status="processing").values_list("category", flat=True))
    return {
        "password": PASSWORD,
        "packs": [],
        "total_cases": len(numbers),
        "sample_numbers": random.Random(1).sample(numbers, min(2000, len(numbers))),
        "busy_category": cats.most_common(1)[0][0] if cats else "",
    }


def _case(row, f, number, status, customer, text, agent, hq, versions, packs, rng, clocks):
    """One unsaved Case and its (event kind, time) history."""
    from tousu.cases.models import Case
    from tousu.rules.incidents import normalise

    pack = packs[f["pack"]]
    created, modified = row["created"], row["modified"]
    span = modified - created
    steps = {
        "case.dispatched": timedelta(minutes=8),
        "case.processing": timedelta(minutes=25),
        "case.resolved": max(span * 0.6, timedelta(hours=2)),
        "case.replied": max(span * 0.8, timedelta(hours=3)),
        "case.followed_up": max(span, timedelta(hours=4)),
        "case.marked_invalid": timedelta(minutes=15),
        "case.withdrawn": timedelta(hours=1),
    }
    times = [("case.registered", created)] + [(k, created + steps[k]) for k, _s in CHAIN[status]]
    last = times[-1][1]
    sev = pack.severity(pack.default_severity)
    severity = "important" if rng.random() < 0.12 and pack.severity("important") else sev.code
    done = status in ("resolved", "replied", "closed")
    case = Case(
        number=number,
        pack=pack.code,
        pack_version=versions[pack.code],
        status=status,
        channel=f["channel"],
        request_type=f["request_type"],
        category=f["category"],
        validity="" if status == "registered" else ("invalid" if status == "invalid" else "valid"),
        responsibility_class="class1" if done else "",
        severity=severity,
        severity_rank=pack.severity(severity).rank,
        escalation_level=pack.escalation_levels[0].code if pack.escalation_levels else "",
        customer=customer,
        description=f["description"],
        demand=f["demand"],
        received_at=created,
        location=f["location"],
        place_key=normalise(f["location"]),  # as intake keeps it (tousu.cases.incidents)
        first_owner=agent,
        intake_unit=hq,
        search_text=text,
        version=len(times),
        created_at=created,
        updated_at=last,
        replied_at=dict(times).get("case.replied"),
        closed_at=last if status in ("closed", "invalid", "withdrawn") else None,
        satisfaction=rng.choice(["satisfied", "satisfied", "basically_satisfied", "dissatisfied"])
        if status == "closed"
        else "",
        findings=(row["resolution"] or "") if done else "",
    )
    clocks.refresh_due(case, pack, last)
    return case, times


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        result = setup()
    elif command == "info":
        result = info()
    elif command == "load":
        result = load(int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
    else:
        sys.exit(__doc__)
    print(json.dumps(result, ensure_ascii=False, default=str))
