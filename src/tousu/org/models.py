"""Units (a tree: centre, departments, branches, external partners) and staff users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from tousu.rules.lifecycle import Role


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

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


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
