"""Which version of a pack is active: this process's own installs count at once; another
process's activation (a row changed behind the registry's back) within a second."""

from __future__ import annotations

import pytest

from tests.factories import install_packs
from tousu.packs import registry
from tousu.packs.models import PackVersion
from tousu.packs.registry import active_pack, install_pack_text

pytestmark = pytest.mark.django_db


def _edited(row: PackVersion) -> str:
    version = registry.pack_of_version(row).version
    return row.source_text.replace(f'version: "{version}"', 'version: "2099.1"', 1)


def test_an_install_in_this_process_is_used_at_once():
    old = install_packs()["property"]
    assert active_pack("property").version.pk == old.pk
    new = install_pack_text(_edited(old), "property.yaml")
    assert new.pk != old.pk
    assert active_pack("property").version.pk == new.pk


def test_another_process_activation_is_used_once_the_second_is_over(monkeypatch):
    old = install_packs()["property"]
    new = install_pack_text(_edited(old), "property.yaml")
    assert active_pack("property").version.pk == new.pk
    # what `tousu load-pack` of the earlier file does in another process
    PackVersion.objects.filter(pk=new.pk).update(active=False)
    PackVersion.objects.filter(pk=old.pk).update(active=True)
    assert active_pack("property").version.pk == new.pk  # remembered for up to a second
    clock = registry.time.monotonic() + registry.ACTIVE_ID_SECONDS + 0.01
    monkeypatch.setattr(registry.time, "monotonic", lambda: clock)
    assert active_pack("property").version.pk == old.pk
