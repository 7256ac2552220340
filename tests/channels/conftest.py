from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def mail_folder(tmp_path):
    """A copy of the fixture folder (tests may add files to it)."""
    folder = tmp_path / "mail"
    shutil.copytree(FIXTURES, folder)
    return folder


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
