"""Test data built through the real services (no shortcuts around the lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tousu.cases import services
from tousu.cases.models import Case
from tousu.cases.services import Actor, CustomerData, IntakeData
from tousu.org.models import Unit, User
from tousu.packs.registry import install_builtin_packs
from tousu.rules.lifecycle import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "pw-for-tests-1"


def at(text: str) -> datetime:
    """A Shanghai wall-clock time: at('2026-11-02 09:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def install_packs():
    return {row.code: row for row in install_builtin_packs()}


@dataclass
class Org:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return Actor(self.users[name])


UNITS = [
    # code, name, kind, parent, routing keys
    ("hq", "总部客服中心", "centre", None, []),
    ("eng", "工程部", "department", "hq", ["engineering"]),
    ("sec", "安保部", "department", "hq", ["security"]),
    ("env", "环境部", "department", "hq", ["environment"]),
    ("svc", "综合服务部", "department", "hq", ["service"]),
    ("north", "北区分公司", "branch", "hq", ["branch"]),
    ("lift_co", "电梯维保合作方", "partner", "eng", ["partner"]),
]

USERS = [
    # username, role, unit
    ("admin", Role.ADMIN, "hq"),
    ("agent", Role.AGENT, "hq"),
    ("agent_north", Role.AGENT, "north"),
    ("dispatcher", Role.DISPATCHER, "hq"),
    ("handler_eng", Role.HANDLER, "eng"),
    ("handler_eng2", Role.HANDLER, "eng"),
    ("handler_sec", Role.HANDLER, "sec"),
    ("supervisor", Role.SUPERVISOR, "hq"),
    ("manager", Role.MANAGER, "hq"),
    ("quality", Role.QUALITY, "hq"),
    ("auditor", Role.AUDITOR, "hq"),
    ("crisis", Role.CRISIS, "hq"),
]


def make_org() -> Org:
    org = Org()
    for code, name, kind, parent, keys in UNITS:
        org.units[code] = Unit.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=org.units.get(parent) if parent else None,
            routing_keys=keys,
        )
    for username, role, unit in USERS:
        user = User(username=username, role=role.value, unit=org.units[unit])
        user.set_password(PASSWORD)
        user.save()
        org.users[username] = user
    return org


def intake_data(**overrides: Any) -> IntakeData:
    customer = overrides.pop("customer", None) or CustomerData(
        name="王女士", phone="13800138000", address="幸福小区3栋502", household="3-502"
    )
    values: dict[str, Any] = {
        "pack": "property",
        "channel": "phone",
        "request_type": "complaint",
        "description": "地下车库顶板漏水严重，车辆被淋湿",
        "demand": "尽快维修",
        "location": "幸福小区地下车库",
        "customer": customer,
    }
    values.update(overrides)
    return IntakeData(**values)


def intake(org: Org, *, by: str = "agent", now: datetime | None = None, **overrides: Any) -> Case:
    result = services.intake_case(actor=org.actor(by), data=intake_data(**overrides), now=now)
    return result.case


def act(org: Org, who: str, action: str, case: Case | str, **payload: Any) -> Case:
    """Take a lifecycle action by its API code, as the API does."""
    from tousu.rules.lifecycle import Action

    number = case if isinstance(case, str) else case.number
    return services.ACTIONS[Action(action)](actor=org.actor(who), number=number, **payload)
