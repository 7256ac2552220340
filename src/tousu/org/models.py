"""Units (a tree: centre, departments, branches, external partners) and staff users."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tousu.rules.lifecycle import Role
from tousu.rules.office_hours import OfficeHours, OfficeHoursError, parse_office_hours

# the office-hours parser's problems (tousu.rules.office_hours) in the console's words
_OFFICE_HOURS_PROBLEMS = {
    "bad_range": _("“%(part)s”不是时间段：请按 HH:MM-HH:MM 填写，如 08:30-12:00。"),
    "bad_time": _("“%(part)s”里有无效的时刻：请用 24 小时制的 HH:MM。"),
    "reversed": _("时间段 %(part)s 的开始时刻须早于结束时刻（不能跨过午夜）。"),
    "overlap": _("时间段 %(part)s 与另一个时间段重叠。"),
    "empty": _("请至少填一个时间段，如 08:30-12:00；不单独设置请留空。"),
}


def validate_office_hours(text: str) -> None:
    """A unit's office hours, checked by the same parser as the packs' (``rules.office_hours``)."""
    try:
        parse_office_hours(text)
    except OfficeHoursError as error:
        message = _OFFICE_HOURS_PROBLEMS[error.code]
        raise ValidationError(message, code=error.code, params={"part": error.part}) from None


@lru_cache(maxsize=256)
def _parsed_office_hours(text: str) -> OfficeHours | None:
    try:
        return parse_office_hours(text)
    except OfficeHoursError:
        return None  # refused on every edit (validate_office_hours); never stops a clock


class Unit(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", "客服中心"
        DEPARTMENT = "department", "处理部门"
        BRANCH = "branch", "分支机构"
        PARTNER = "partner", "外部合作方"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Routing keys this unit handles (pack categories route to a key, e.g. "engineering").
    routing_keys = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    # When this unit's working-hour clocks run, e.g. "09:00-18:00" or "08:30-12:00, 13:30-17:30";
    # empty: the pack's office hours (pack key sla.office_hours), else the calendar's default.
    office_hours = models.CharField(
        _("办公时间"),
        max_length=200,
        null=True,
        blank=True,
        validators=[validate_office_hours],
        help_text=_("如 08:30-12:00, 13:30-17:30；留空则按行业包或默认的办公时间。"),
    )

    # the person in charge (负责人), e.g. the department manager; set on the console's units page
    head = models.ForeignKey(
        "org.User",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def parsed_office_hours(self) -> OfficeHours | None:
        """The unit's own office hours, or None when it has none (the pack's then apply)."""
        text = (self.office_hours or "").strip()
        return _parsed_office_hours(text) if text else None


class User(AbstractUser):
    """A staff member with one role and, for most roles, a home unit."""

    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role])
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    display_name = models.CharField(max_length=60, blank=True)

    @property
    def role_code(self) -> Role:
        return Role(self.role)

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """Bearer tokens for the REST API. Only a hash of the token is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
