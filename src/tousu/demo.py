"""Demo organisation, users and cases for ``tousu demo``.

Everything is deterministic (``random.Random(SEED)``) and every case is written through the
lifecycle services, exactly as the console and the API would: intake by an agent, then the
actions that bring it to its target status, with ``now`` values spread over the last 60 days.
``ensure_demo_data()`` is idempotent: units and users are matched by code/username, and each
demo case carries an Idempotency-Key (``demo-0001`` …), so a second run creates nothing new.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.utils import timezone

from tousu import demo_text as text
from tousu.cases import services
from tousu.cases.models import Case, IdempotencyKey
from tousu.cases.services import Actor, IntakeData
from tousu.org.models import Unit, User
from tousu.packs.registry import active_packs, install_builtin_packs
from tousu.packs.schema import Category, Pack
from tousu.rules.errors import RuleError
from tousu.rules.lifecycle import Action, Role, Status

log = logging.getLogger(__name__)

SEED = 20261124
DEFAULT_CASES = 300
SPAN_DAYS = 60
KEY_PREFIX = "demo-"
# A planted rise for the dashboard's 预警 panel: SURGE_CASES complaints of one category at one
# place over the last SURGE_DAYS days (their own random stream, so the other cases stay put).
SURGE_CASES = 8
SURGE_DAYS = 3
SURGE_PACK = "property"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# code, name, kind, parent, routing keys (every routing key of every builtin pack has a unit;
# tests/test_cli.py checks this against the packs).
UNITS: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    ("cs", "客服中心", "centre", None, ("customer_service", "window", "complaint_center")),
    ("eng", "工程部", "department", "cs", ("engineering",)),
    ("sec", "安保部", "department", "cs", ("security", "loss_prevention")),
    ("env", "环境部", "department", "cs", ("environment",)),
    ("prop", "物业管理部", "department", "cs", ("property_dept",)),
    ("ops", "运营管理部", "department", "cs", ("operations", "dispatch_center")),
    ("svc", "综合服务部", "department", "cs", ("after_sales", "claims", "purchasing", "finance")),
    ("mkt", "市场经营部", "department", "cs", ("marketing", "product", "merchant_management")),
    (
        "net",
        "网络运维部",
        "department",
        "cs",
        ("provincial_maintenance", "support_center", "tech_support", "e_banking"),
    ),
    ("review", "内容审核部", "department", "cs", ("content_review", "report_center")),
    ("legal", "法务合规部", "department", "cs", ("legal", "compliance", "public_relations")),
    (
        "fin",
        "金融业务部",
        "department",
        "cs",
        ("retail_banking", "corporate_banking", "card_center", "credit"),
    ),
    ("north", "北区分公司", "branch", "cs", ("branch", "branch_office", "outlet", "store")),
    ("lift", "电梯维保公司", "partner", "eng", ("outsourced",)),
    ("dev", "开发商工程部", "partner", "prop", ("developer",)),
    ("sp", "短信合作商", "partner", "net", ("sp",)),
    ("repair", "终端维修中心", "partner", "net", ("terminal_service",)),
    ("supplier", "商品供应商", "partner", "svc", ("supplier",)),
)
FALLBACK_UNIT = "svc"  # takes any routing key that no unit above lists (a pack edited later)

# username, role, unit, display name
USERS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.ADMIN, "cs", "系统管理员"),
    ("agent", Role.AGENT, "cs", "李晓雯"),
    ("dispatcher", Role.DISPATCHER, "cs", "周建国"),
    ("supervisor", Role.SUPERVISOR, "cs", "陈静"),
    ("manager", Role.MANAGER, "cs", "王志强"),
    ("quality", Role.QUALITY, "ops", "刘芳"),
    ("auditor", Role.AUDITOR, "cs", "赵敏"),
    ("crisis", Role.CRISIS, "cs", "孙浩"),
)

# How the demo cases end up: status -> weight.
TARGETS: dict[Status, int] = {
    Status.REGISTERED: 9,
    Status.DISPATCHED: 8,
    Status.PROCESSING: 14,
    Status.RESOLVED: 8,
    Status.REPLIED: 10,
    Status.CLOSED: 39,
    Status.INVALID: 6,
    Status.WITHDRAWN: 6,
}
# How long ago a case of each target status may have started (days), so clocks look real.
AGE_DAYS: dict[Status, float] = {
    Status.REGISTERED: 2,
    Status.DISPATCHED: 3,
    Status.PROCESSING: 12,
    Status.RESOLVED: 10,
    Status.REPLIED: 15,
}


def password_for(role: str) -> str:
    """Demo passwords are printed by ``tousu demo``; they are not secret."""
    return f"demo-{role}-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    unit: str  # unit name


@dataclass
class DemoSummary:
    units: int
    users: list[DemoUser]
    packs: list[str]
    cases_total: int
    cases_created: int
    by_status: dict[str, int]
    seconds: float
    failures: list[str] = field(default_factory=list)


# --- organisation ---------------------------------------------------------------------------


def ensure_units(packs: list[Pack]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, name, kind, parent, keys in UNITS:
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units.get(parent or ""),
                "routing_keys": list(keys),
                "active": True,
            },
        )
        units[code] = unit
    _cover_routing_keys(units, packs)
    return units


def _cover_routing_keys(units: dict[str, Unit], packs: list[Pack]) -> None:
    covered = {key for unit in units.values() for key in unit.routing_keys}
    missing = sorted({k.code for p in packs for k in p.routing_keys} - covered)
    if missing:
        fallback = units[FALLBACK_UNIT]
        fallback.routing_keys = [*fallback.routing_keys, *missing]
        fallback.save(update_fields=["routing_keys"])


def handler_username(unit_code: str) -> str:
    return f"handler_{unit_code}"


def _demo_hash(password: str) -> str:
    """A quick PBKDF2 hash: the demo passwords are printed for all to see, so a full-strength
    hash (about 0.7 s each) would only slow the start. Django upgrades it at the first login."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt(), iterations=1000)


def ensure_users(units: dict[str, Unit]) -> dict[str, User]:
    rows = list(USERS)
    for i, (code, *_rest) in enumerate(UNITS):  # one handler per unit: each takes work orders
        name = text.SURNAMES[i] + text.GIVEN[i % len(text.GIVEN)]
        rows.append((handler_username(code), Role.HANDLER, code, name))
    users: dict[str, User] = {}
    for username, role, unit_code, display in rows:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                role=role.value,
                unit=units[unit_code],
                display_name=display,
                password=_demo_hash(password_for(role.value)),
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
        users[username] = user
    return users


# --- case plans -----------------------------------------------------------------------------


@dataclass
class Step:
    after: timedelta  # since the previous step
    who: str  # username
    action: Action
    payload: dict[str, Any]


@dataclass
class Plan:
    index: int
    pack: Pack
    data: IntakeData
    steps: list[Step]
    start: datetime = field(default_factory=timezone.now)

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.index:04d}"


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


class Planner:
    """Draws one case and the actions that bring it to a target status."""

    def __init__(self, rng: random.Random, packs: list[Pack], units: dict[str, Unit]) -> None:
        self.rng = rng
        self.packs = packs
        self.units = units

    def plan(self, index: int, now: datetime) -> Plan:
        rng = self.rng
        pack = rng.choices(
            self.packs, weights=[text.PACK_WEIGHTS.get(p.code, 1) for p in self.packs]
        )[0]
        target = rng.choices(list(TARGETS), weights=list(TARGETS.values()))[0]
        category = rng.choice([c for c in pack.categories if not pack.children(c.code)])
        request_type = self._request_type(pack, category, target)
        data = text.intake_data(rng, pack, category, request_type)
        steps = self._steps(pack, data, target)
        plan = Plan(index, pack, data, steps)
        plan.start = self._start(plan, target, now)
        data.received_at = plan.start
        data.occurred_at = plan.start - _minutes(rng, 30, 60 * 24 * 3)
        return plan

    def surge(self, first_index: int, now: datetime) -> list[Plan]:
        """SURGE_CASES new complaints, one category and one place, in the last SURGE_DAYS days:
        far above that group's weekly level, so the warnings task raises an alert."""
        rng = random.Random(SEED + 1)
        pack = next((p for p in self.packs if p.code == SURGE_PACK), self.packs[0])
        category = next(c for c in pack.categories if not pack.children(c.code))
        request_type = "complaint" if "complaint" in pack.request_types else pack.request_types[0]
        plans, place = [], ""
        for n in range(SURGE_CASES):
            data = text.intake_data(rng, pack, category, request_type)
            place = place or data.location
            data.location = place
            plan = Plan(first_index + n, pack, data, Flow(rng, pack, False).registered())
            total = sum((s.after for s in plan.steps), timedelta())
            ago = timedelta(days=SURGE_DAYS) * (n + 0.5) / SURGE_CASES
            plan.start = (now - ago - total).replace(microsecond=0)
            data.received_at = plan.start
            data.occurred_at = plan.start - _minutes(rng, 30, 600)
            plans.append(plan)
        return plans

    def _request_type(self, pack: Pack, category: Category, target: Status) -> str:
        needs_follow_up = sorted(pack.follow_up.required_for & set(pack.request_types))
        if target == Status.REPLIED and needs_follow_up:
            return self.rng.choice(needs_follow_up)
        if preferred := text.preferred_request_type(pack, category):
            return preferred
        weights = [text.REQUEST_TYPE_WEIGHTS.get(t, 1) for t in pack.request_types]
        return self.rng.choices(pack.request_types, weights=weights)[0]

    def _start(self, plan: Plan, target: Status, now: datetime) -> datetime:
        total = sum((s.after for s in plan.steps), timedelta())
        span = timedelta(days=AGE_DAYS.get(target, SPAN_DAYS))
        latest = now - total - timedelta(minutes=5)
        start = now - timedelta(seconds=self.rng.uniform(0, span.total_seconds()))
        local = start.astimezone(SHANGHAI)
        start = local.replace(
            hour=self.rng.randint(8, 20),
            minute=self.rng.randint(0, 59),
            second=self.rng.randint(0, 59),
            microsecond=0,
        )
        return min(start, latest)

    def _route(self, pack: Pack, category: str) -> str:
        key = pack.route_for(category) or ""
        codes = [code for code, unit in self.units.items() if key in unit.routing_keys]
        return self.rng.choice(codes) if codes else FALLBACK_UNIT

    def _steps(self, pack: Pack, data: IntakeData, target: Status) -> list[Step]:
        rng = self.rng
        flow = Flow(rng, pack, data.request_type in pack.follow_up.required_for)
        if target == Status.INVALID and not pack.invalid_reasons:
            target = Status.WITHDRAWN
        if target == Status.REGISTERED:
            return flow.registered()
        if target == Status.INVALID:
            return flow.invalid()
        if target == Status.WITHDRAWN:
            return flow.withdrawn(self._route(pack, data.category))
        window_ok = data.request_type in text.WINDOW_TYPES and target in (
            Status.REPLIED,
            Status.CLOSED,
        )
        if window_ok and rng.random() < 0.7:
            return flow.at_window(target)
        units = [self._route(pack, data.category)]
        if rng.random() < 0.12:  # a second unit helps on some cases
            extra = rng.choice(
                [c for c in self.units if c not in units and self.units[c].routing_keys]
            )
            units.append(extra)
        return flow.handled(target, units)


class Flow:
    """The actions of one case, by target status. Times are gaps since the previous step."""

    def __init__(self, rng: random.Random, pack: Pack, follow_up: bool) -> None:
        self.rng = rng
        self.pack = pack
        self.follow_up = follow_up  # the request type needs a 回访 before it closes
        self.steps: list[Step] = []

    def add(self, low: float, high: float, who: str, action: Action, **payload: Any) -> None:
        self.steps.append(Step(_minutes(self.rng, low, high), who, action, payload))

    def triage(self) -> None:
        validity = "assist" if self.rng.random() < 0.15 else "valid"
        classes = [c.code for c in self.pack.responsibility_classes] or ["class1"]
        self.add(
            2,
            15,
            "dispatcher",
            Action.TRIAGE,
            validity=validity,
            responsibility_class=classes[0] if validity == "valid" else self.rng.choice(classes),
        )

    def registered(self) -> list[Step]:
        if self.rng.random() < 0.5:
            self.triage()
        if self.rng.random() < 0.25:
            self.add(60, 600, "agent", Action.URGE, note=self.rng.choice(text.URGE_NOTES))
        return self.steps

    def invalid(self) -> list[Step]:
        reasons = sorted(self.pack.invalid_reasons)
        self.add(
            5,
            240,
            "dispatcher",
            Action.MARK_INVALID,
            validity_reason=self.rng.choice(reasons),
            reason=self.rng.choice(text.INVALID_NOTES),
        )
        return self.steps

    def withdrawn(self, unit: str) -> list[Step]:
        self.triage()
        if self.rng.random() < 0.5:
            self.add(3, 30, "dispatcher", Action.DISPATCH, units=[unit])
        self.add(30, 1440, "agent", Action.WITHDRAW, reason=self.rng.choice(text.WITHDRAW_REASONS))
        return self.steps

    def at_window(self, target: Status) -> list[Step]:
        self.add(
            3, 20, "agent", Action.CLOSE_AT_WINDOW, wording=self.rng.choice(text.WINDOW_WORDING)
        )
        if target == Status.CLOSED and self.follow_up:
            self.add(600, 3000, "quality", Action.FOLLOW_UP, satisfaction="satisfied")
        return self.steps

    def handled(self, target: Status, units: list[str]) -> list[Step]:
        rng = self.rng
        self.triage()
        if rng.random() < 0.07 and len(units) == 1 and units[0] != FALLBACK_UNIT:
            self.add(3, 20, "dispatcher", Action.DISPATCH, units=[FALLBACK_UNIT])
            self.add(
                20,
                120,
                handler_username(FALLBACK_UNIT),
                Action.RETURN,
                reason="不属于本部门职责范围，请改派" + self.pack.name + "相关部门",
            )
        self.add(3, 30, "dispatcher", Action.DISPATCH, units=units)
        if target == Status.DISPATCHED:
            return self._maybe_urge()
        for unit in units:
            self.add(5, 90, handler_username(unit), Action.ACKNOWLEDGE)
        if rng.random() < 0.6:
            self.add(
                120,
                1200,
                handler_username(units[0]),
                Action.PROGRESS,
                note=rng.choice(text.PROGRESS_NOTES),
            )
        if target == Status.PROCESSING and rng.random() < 0.6:
            return self._maybe_urge()
        self._propose(units[0], final_round=target == Status.PROCESSING)
        if target == Status.PROCESSING:
            return self.steps
        self._resolve(units)
        if target == Status.RESOLVED:
            return self.steps
        self.add(60, 480, "agent", Action.REPLY, message=rng.choice(text.REPLY_MESSAGES))
        if target != Status.CLOSED or not self.follow_up:
            return self.steps  # without a follow-up the reply closed the case
        if rng.random() < 0.1:
            self._dissatisfied_loop(units)
        self.add(
            600,
            4000,
            "quality",
            Action.FOLLOW_UP,
            satisfaction=rng.choices(["satisfied", "basically_satisfied"], [3, 1])[0],
            comment=rng.choice(text.FOLLOW_UP_COMMENTS),
        )
        return self.steps

    def _maybe_urge(self) -> list[Step]:
        if self.rng.random() < 0.3:
            self.add(120, 1440, "agent", Action.URGE, note=self.rng.choice(text.URGE_NOTES))
        if self.rng.random() < 0.1:
            self.add(
                30,
                300,
                "dispatcher",
                Action.ESCALATE,
                to="supervisor",
                reason="客户多次来电，处理进度滞后，提请主管督办",
            )
        return self.steps

    def _propose(self, unit: str, final_round: bool) -> None:
        rng = self.rng
        handler = handler_username(unit)
        self.add(
            240,
            1800,
            handler,
            Action.PROPOSE,
            solutions=text.solutions(rng),
            findings=rng.choice(text.FINDINGS),
        )
        if not self.pack.confirmation_required:
            return
        if final_round:
            return  # the proposal awaits the customer's answer
        if rng.random() < 0.12:
            self.add(
                60, 600, "agent", Action.CUSTOMER_REJECT, reason=rng.choice(text.REJECT_REASONS)
            )
            self.add(
                240,
                1440,
                handler,
                Action.PROPOSE,
                solutions=text.solutions(rng, better=True),
                final=True,
            )
        self.add(60, 600, "agent", Action.CUSTOMER_ACCEPT, note="客户电话确认接受方案")

    def _resolve(self, units: list[str]) -> None:
        for unit in units:
            self.add(
                60,
                1440,
                handler_username(unit),
                Action.RESOLVE,
                findings=self.rng.choice(text.FINDINGS),
                root_cause=self.rng.choice(text.ROOT_CAUSES),
            )

    def _dissatisfied_loop(self, units: list[str]) -> None:
        self.add(
            600,
            3000,
            "quality",
            Action.FOLLOW_UP,
            satisfaction="dissatisfied",
            comment="客户表示问题仍未彻底解决",
        )
        self.add(
            120, 1440, handler_username(units[0]), Action.PROGRESS, note="重新上门复查，已二次处理"
        )
        self._resolve(units)
        self.add(60, 480, "agent", Action.REPLY, message="已完成二次处理并告知客户复查结果")


# --- running the plans ----------------------------------------------------------------------


def _run(plan: Plan, users: dict[str, User]) -> bool:
    """Create one case and take its actions, all or nothing. False if it already existed."""
    with transaction.atomic():
        result = services.intake_case(
            actor=Actor(users["agent"]),
            data=plan.data,
            now=plan.start,
            idempotency_key=plan.key,
            raw_payload={"demo_case": plan.index},
        )
        if not result.created:
            return False
        at = plan.start
        for step in plan.steps:
            at += step.after
            services.ACTIONS[step.action](
                actor=Actor(users[step.who]), number=result.case.number, now=at, **step.payload
            )
    return True


def _plans(count: int, packs: list[Pack], units: dict[str, Unit], now: datetime) -> Iterator[Plan]:
    planner = Planner(random.Random(SEED), packs, units)
    plans = [planner.plan(i + 1, now) for i in range(count)]
    plans += planner.surge(count + 1, now) if count else []
    yield from sorted(plans, key=lambda p: p.start)  # numbers follow intake time


def ensure_demo_data(cases: int = DEFAULT_CASES, now: datetime | None = None) -> DemoSummary:
    """Install the builtin packs, the demo units and users, and ``cases`` demo cases plus the
    ``SURGE_CASES`` of the planted rise, once."""
    started = time.monotonic()
    now = now or timezone.now()
    install_builtin_packs()
    packs = [a.pack for a in active_packs()]
    units = ensure_units(packs)
    users = ensure_users(units)
    existing = IdempotencyKey.objects.filter(user=users["agent"], key__startswith=KEY_PREFIX)
    created, failures = 0, []
    if existing.count() < cases + (SURGE_CASES if cases else 0):
        for plan in _plans(cases, packs, units, now):
            try:
                created += _run(plan, users)
            except RuleError as exc:  # a pack edited after the demo was written: skip the case
                failures.append(f"{plan.key} ({plan.pack.code}): {exc}")
                log.warning("demo case %s skipped: %s", plan.key, exc)
    return _summary(units, users, packs, created, failures, time.monotonic() - started)


def _summary(
    units: dict[str, Unit],
    users: dict[str, User],
    packs: list[Pack],
    created: int,
    failures: list[str],
    seconds: float,
) -> DemoSummary:
    counts = Counter(Case.objects.values_list("status", flat=True))
    return DemoSummary(
        units=len(units),
        users=[
            DemoUser(u.username, u.role, password_for(u.role), u.unit.name if u.unit else "")
            for u in users.values()
        ],
        packs=[p.code for p in packs],
        cases_total=sum(counts.values()),
        cases_created=created,
        by_status={s.value: counts.get(s.value, 0) for s in Status},
        seconds=seconds,
        failures=failures,
    )
