"""Stored pack versions: every load of a pack file is kept with its checksum."""

from django.db import models


class PackVersion(models.Model):
    code = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    checksum = models.CharField(max_length=64)
    source_text = models.TextField()
    filename = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "checksum"], name="pack_code_checksum"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(active=True), name="one_active_pack_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
