"""Unit administration (the organisation tree): add a unit, change its name, type, parent, head,
office hours and routing keys (the packs' handling tags that send work to it), stop or restart
it. Called by the console's units pages.

Every change is audited in Django's admin log (``LogEntry``), the log the Django admin already
writes for units, so the admin's "history" of a unit and the console's list of changes show the
same entries: who, when, which unit, and the fields before and after, kept in the entry's
``change_message`` beside the keys the admin reads (``[{"changed": {"fields": […]},
"before": {…}, "after": {…}}]``). A refused change raises ``ValidationFailed`` (a message per
field, in the console's language) or ``Forbidden`` and stores nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.org.models import Unit, User, validate_office_hours
from tousu.rules.errors import ErrorCode, FieldError, Forbidden, NotFound, ValidationFailed
from tousu.rules.lifecycle import Role
from tousu.rules.units import cycle_through

CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_NAME = 100
# the audited fields, in the order they are shown, with their names in the console's words
FIELDS = {
    "code": gettext_lazy("代码"),
    "name": gettext_lazy("名称"),
    "kind": gettext_lazy("类型"),
    "parent": gettext_lazy("上级"),
    "head": gettext_lazy("负责人"),
    "office_hours": gettext_lazy("办公时间"),
    "routing_keys": gettext_lazy("路由标签"),
    "active": gettext_lazy("状态"),
}


@dataclass(frozen=True)
class UnitInput:
    """What the unit form holds: codes and usernames, empty for none."""

    name: str
    kind: str
    parent: str = ""  # a unit code
    head: str = ""  # a username
    office_hours: str = ""
    routing_keys: tuple[str, ...] | None = None  # None: left as they are


def known_routing_keys() -> dict[str, str]:
    """The routing keys of the active packs, code → name (names of one code joined when
    packs name it differently), in code order."""
    from tousu.packs.registry import active_packs  # packs sit above org in the import order

    names: dict[str, list[str]] = {}
    for active in active_packs():
        for key in active.pack.routing_keys:
            if key.name not in names.setdefault(key.code, []):
                names[key.code].append(key.name)
    return {code: " / ".join(names[code]) for code in sorted(names)}


def snapshot(unit: Unit) -> dict[str, Any]:
    """The audited fields of ``unit``: codes and usernames, as the log keeps them."""
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent_id else None,  # type: ignore[union-attr]
        "head": unit.head.username if unit.head_id else None,  # type: ignore[union-attr]
        "office_hours": unit.office_hours or None,
        "routing_keys": list(unit.routing_keys or []),
        "active": unit.active,
    }


def _may_edit(user: User) -> None:
    if user.role_code != Role.ADMIN:
        raise Forbidden(f"role '{user.role}' may not change units")


def _tree() -> dict[int, tuple[str, int | None]]:
    """Every unit's code and parent id, locked: moves are serialised, so two moves at once
    cannot close a loop between them. FOR NO KEY UPDATE, as every lock here: it waits for a
    dispatch holding one of the units (FOR SHARE), while the dispatch's foreign-key checks at
    commit (FOR KEY SHARE on the other units its rows name) do not wait for it, so the two
    never wait for each other in a circle."""
    rows = Unit.objects.select_for_update(no_key=True).values_list("id", "code", "parent_id")
    return {pk: (code, parent) for pk, code, parent in rows}


def check(data: UnitInput, unit: Unit | None) -> tuple[dict[str, Any], list[FieldError]]:
    """The new values of the fields (model objects for parent and head) and every problem of
    ``data`` for a new unit (``unit`` None) or for ``unit``; the code is checked apart."""
    errors: list[FieldError] = []

    def refuse(field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        errors.append(FieldError(field, code, message))

    name = data.name.strip()
    if not name:
        refuse("name", _("请填写部门名称。"))
    elif len(name) > MAX_NAME:
        refuse("name", _("名称最多 %(n)d 个字。") % {"n": MAX_NAME})
    if data.kind not in Unit.Kind.values:
        refuse("kind", _("请选择部门类型。"), ErrorCode.UNKNOWN)
    parent = None
    if data.parent:
        parent = Unit.objects.filter(code=data.parent).first()
        if parent is None:
            refuse("parent", _("没有代码为 %(code)s 的部门。") % {"code": data.parent},
                   ErrorCode.UNKNOWN)
        elif not parent.active and (unit is None or unit.parent_id != parent.pk):
            refuse("parent", _("“%(name)s”已停用，不能作为上级。") % {"name": parent.name})
        elif unit is not None:
            tree = _tree()
            parent_of = {code: tree[p][0] if p else None for code, p in tree.values()}
            chain = cycle_through(parent_of, unit.code, parent.code)
            if chain:
                names = dict(Unit.objects.filter(code__in=chain).values_list("code", "name"))
                if len(chain) == 1:
                    refuse("parent", _("部门不能做自己的上级。"))
                else:
                    path = " → ".join(names[c] for c in reversed(chain))
                    refuse("parent", _("不能移到自己的下级之下：%(path)s，这样会形成循环。")
                           % {"path": path})
    head = None
    if data.head:
        head = User.objects.filter(username=data.head, is_active=True).first()
        if head is None:
            refuse("head", _("没有用户名为 %(name)s 的在职员工。") % {"name": data.head},
                   ErrorCode.UNKNOWN)
    hours = data.office_hours.strip() or None
    if hours is not None:
        try:
            validate_office_hours(hours)
        except ValidationError as error:
            refuse("office_hours", " ".join(error.messages))
    values: dict[str, Any] = {"name": name, "kind": data.kind, "parent": parent, "head": head,
                              "office_hours": hours}
    if data.routing_keys is not None:
        keys = sorted(set(data.routing_keys))
        # a key no active pack names any more may stay on a unit that has it, not be added
        kept = set(unit.routing_keys or []) if unit is not None else set()
        known = known_routing_keys()
        unknown = [k for k in keys if k not in known and k not in kept]
        if unknown:
            refuse("routing_keys", _("行业包里没有这些路由标签：%(keys)s。")
                   % {"keys": "、".join(unknown)}, ErrorCode.UNKNOWN)
        values["routing_keys"] = keys
    return values, errors


def audit_entry(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The changed fields of a unit, before and after, as a log entry keeps them beside the
    keys Django's admin reads."""
    changed = [key for key in FIELDS if before.get(key) != after.get(key)]
    return {"before": {k: before.get(k) for k in changed},
            "after": {k: after.get(k) for k in changed}}


def _log(by: User, unit: Unit, flag: int, before: dict[str, Any], after: dict[str, Any],
         now: datetime | None) -> None:
    entry: dict[str, Any] = {"added": {}} if flag == ADDITION else {}
    values = audit_entry(before, after)
    if flag != ADDITION:
        entry["changed"] = {"fields": [str(FIELDS[k]) for k in values["after"]]}
    entry |= values | {"by": "console"}
    row = LogEntry(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(Unit),
        object_id=str(unit.pk),
        object_repr=str(unit)[:200],
        action_flag=flag,
        change_message=json.dumps([entry], ensure_ascii=False),
    )
    if now is not None:
        row.action_time = now
    row.save()


@transaction.atomic
def create_unit(*, by: User, code: str, data: UnitInput, now: datetime | None = None) -> Unit:
    """A new unit under ``data.parent`` (or at the top); refuses a taken or malformed code."""
    _may_edit(by)
    code = code.strip()
    values, errors = check(data, None)
    if not CODE.fullmatch(code):
        errors.insert(0, FieldError("code", ErrorCode.INVALID, _(
            "代码用小写字母、数字、下划线或连字符，1 至 40 位，如 eng 或 branch-01。")))
    elif (taken := Unit.objects.filter(code=code).first()) is not None:
        errors.insert(0, FieldError("code", ErrorCode.INVALID, _(
            "代码 %(code)s 已被“%(name)s”使用。") % {"code": code, "name": taken.name}))
    if errors:
        raise ValidationFailed("the unit was not added", errors)
    unit = Unit.objects.create(code=code, **values)
    _log(by, unit, ADDITION, {}, snapshot(unit), now)
    return unit


def _locked(code: str) -> Unit:
    unit = Unit.objects.select_for_update(no_key=True).filter(code=code).first()
    if unit is None:
        raise NotFound(f"no unit '{code}'")
    return unit


@transaction.atomic
def change_unit(*, by: User, code: str, data: UnitInput, now: datetime | None = None) -> Unit:
    """Rename, retype, move (never under itself or its own sub-units), set the head and the
    office hours of one unit, all or nothing. Nothing changed: nothing logged."""
    _may_edit(by)
    if data.parent:
        # the whole tree first, in code order like every unit lock (check() reads it to refuse
        # a loop): taking this unit's row before it, two edits at once each held their own
        # unit and waited for the other's
        _tree()
    unit = _locked(code)
    before = snapshot(unit)
    values, errors = check(data, unit)
    if errors:
        raise ValidationFailed("the unit was not changed", errors)
    for name, value in values.items():
        setattr(unit, name, value)
    after = snapshot(unit)
    if after != before:
        unit.save()
        _log(by, unit, CHANGE, before, after, now)
    return unit


def stop_refusal(unit: Unit) -> str:
    """Why ``unit`` may not be stopped now, or "" when it may."""
    live = unit.work_orders.model.LIVE  # type: ignore[attr-defined]
    open_orders = unit.work_orders.filter(status__in=live).count()  # type: ignore[attr-defined]
    if open_orders:
        return _("“%(name)s”还有 %(n)d 张在办的处理单，请先办结或转给其他部门，再停用。") % {
            "name": unit.name, "n": open_orders}
    children = list(unit.children.filter(active=True).values_list("name", flat=True))
    if children:
        return _("“%(name)s”下还有在用的下级部门（%(children)s），请先停用或移走它们。") % {
            "name": unit.name, "children": "、".join(children)}
    return ""


@transaction.atomic
def set_unit_active(*, by: User, code: str, active: bool, now: datetime | None = None) -> Unit:
    """Stop a unit (no new work is sent to it), refused while it holds open work orders or has
    sub-units still working; or start it again."""
    _may_edit(by)
    unit = _locked(code)  # FOR NO KEY UPDATE: a dispatch share-locks its units (cases.services.
    # common.lock_units), so one to this unit has committed, its order counted below, or waits
    # and then finds the unit stopped
    if unit.active == active:
        return unit
    if not active and (refusal := stop_refusal(unit)):
        raise ValidationFailed.one("active", refusal)
    before = snapshot(unit)
    unit.active = active
    unit.save(update_fields=["active"])
    _log(by, unit, CHANGE, before, snapshot(unit), now)
    return unit


@dataclass(frozen=True)
class UnitChange:
    """One audited change of a unit, for the console's list."""

    at: datetime
    user: str
    unit: str  # as the log names it: "name (code)"
    unit_id: int
    added: bool
    changes: list[tuple[str, Any, Any]]  # (field label, before, after)


def unit_changes(unit: Unit | None = None, *, limit: int = 30) -> list[UnitChange]:
    """The latest audited changes of units (of ``unit`` alone if given), newest first; entries
    the Django admin wrote have no before/after and list no values."""
    rows = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Unit))
    if unit is not None:
        rows = rows.filter(object_id=str(unit.pk))
    found = []
    for row in rows.select_related("user").order_by("-action_time", "-id")[:limit]:
        try:
            entry = json.loads(row.change_message or "[]")
        except ValueError:
            entry = []
        item = entry[0] if entry and isinstance(entry[0], dict) else {}
        before, after = item.get("before", {}), item.get("after", {})
        changes = [(str(label), before.get(key), after.get(key))
                   for key, label in FIELDS.items() if key in after or key in before]
        found.append(UnitChange(row.action_time, row.user.get_username(), row.object_repr,
                                int(row.object_id or 0), row.action_flag == ADDITION, changes))
    return found
