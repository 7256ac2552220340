"""A small valid pack used by the loader tests; each error test changes one line of it."""

from __future__ import annotations

from tousu.packs.loader import load_pack_text
from tousu.packs.schema import Pack

MINIMAL = """\
code: demo
name: 示例行业
version: "2026.1"
source: "tousu tests"
request_types: [inquiry, complaint]
routing_keys:
  front_desk: 前台
  repair: 维修组
routing_default: front_desk
positions:
  handler: {name: 处理人, role: handler}
  manager: {name: 部门经理, role: manager}
  general_manager: {name: 总经理, role: manager, scope: organisation}
categories:
  - {code: facilities, name: 设施, route: repair, source: "tests"}
  - {code: lift, name: 电梯, parent: facilities}
  - {code: service, name: 服务, source: "tests"}
severities:
  - {code: minor, name: 轻微, rank: 1, definition: 小事, source: tests}
  - {code: major, name: 重大, rank: 2, definition: 大事, source: tests}
default_severity: minor
validity:
  source: tests
  valid: 属实且在服务范围内
  reasons:
    - {code: malicious, name: 恶意, definition: 无理取闹, malicious: true}
    - {code: time_barred, name: 超过时效, definition: 过期}
  time_bars:
    - {code: general, name: 一般事项, months: 24, reason: time_barred, source: tests}
grading:
  - code: big_loss
    name: 损失较大
    when: {economic_loss: {at_least: 500}}
    severity: major
    source: tests
follow_up: {required_for: [complaint], within: 3d, source: tests}
appeal_window: 15d
confirmation_required: true
rejection_limit: 2
sla:
  source: tests
  warning_margin: 1h
  policies:
    - {code: base, dispatch: 10min, resolve: 2d, reply: 1d, source: tests}
    - {code: major, severity: major, resolve: 1d, progress_due_by: "17:00", source: tests}
  escalation:
    - {code: tell_handler, after: 0min, notify: [handler], mark_overdue: true, source: tests}
  extension_approvers: {minor: manager, major: general_manager}
compensation:
  source: tests
  approvals:
    - {amount: 200, inclusive: false, approver: manager, source: tests}
    - {amount: 500, inclusive: true, approver: general_manager, source: tests}
intake:
  source: tests
scripts:
  - code: lift_stuck
    name: 电梯停运
    category: lift
    window_may_close: true
    source: tests
    questions:
      - {code: power_cut, text: 是否整栋停电？, kind: yes_no, expected: true}
      - code: floor
        text: 停在哪一层？
        kind: choice
        choices: {ground: 一层, upper: 其他楼层}
    rules:
      - when: {power_cut: true}
        outcome: close_at_window
        wording: power_cut
      - when: {power_cut: false, floor: [ground, upper]}
        outcome: dispatch
        target: repair
        wording: dispatch_notice
    wordings:
      power_cut: 停电时电梯无法运行，来电后即可恢复。
      dispatch_notice: 已通知维修组，稍后会有人联系您。
"""


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    """Replace one exact, unique fragment of the sample (fails loudly if it is not there)."""
    assert text.count(old) == 1, f"fragment not unique in sample: {old!r}"
    return text.replace(old, new)


def line_of(fragment: str, text: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def minimal_pack() -> Pack:
    return load_pack_text(MINIMAL, "demo.yaml")
