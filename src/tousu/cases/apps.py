from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_fulltext(using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    from tousu.cases.fulltext_schema import ensure_fulltext

    ensure_fulltext(connections[using])


class CasesConfig(AppConfig):
    name = "tousu.cases"
    label = "cases"
    verbose_name = "投诉单"

    def ready(self) -> None:
        # SQLite table rebuilds in later migrations drop the FTS triggers; restore them.
        post_migrate.connect(_ensure_fulltext, sender=self, dispatch_uid="tousu-fulltext")
