"""The ``tousu`` command, called in-process: createuser, load-pack, demo data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.factories import at
from tousu import demo
from tousu.cli import CommandError, main, server_argv
from tousu.org.models import Unit, User
from tousu.packs.loader import builtin_pack_paths, load_pack_file
from tousu.packs.models import PackVersion

PROPERTY_YAML = next(p for p in builtin_pack_paths() if p.stem == "property")


def test_help_does_not_import_django():
    code = "import sys, tousu.cli; tousu.cli.build_parser(); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "createuser" in capsys.readouterr().out


def test_serve_runs_granian_with_the_wsgi_app():
    argv = server_argv("127.0.0.1:9000", 3, 4)
    assert argv[1:6] == ["-m", "granian", "--interface", "wsgi", "tousu.wsgi:application"]
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "9000"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "4"


def test_serve_answers_over_http(tmp_path):
    """The production server for real: migrate a fresh SQLite database, start ``tousu serve``
    with one worker, and fetch the API's schema and a page of the console."""
    env = {**os.environ, "TOUSU_DATA_DIR": str(tmp_path), "TOUSU_SECRET_KEY": "serve-test-key"}
    env.pop("DATABASE_URL", None)
    tousu = [sys.executable, "-m", "tousu.cli"]
    subprocess.run([*tousu, "migrate"], env=env, check=True, capture_output=True, timeout=300)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bind = f"127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*tousu, "serve", "--bind", bind, "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        schema = _get_when_up(f"http://{bind}/api/v1/openapi.json", server)
        assert schema.status == 200
        assert b'"/api/v1/cases"' in schema.read()
        login = urllib.request.urlopen(f"http://{bind}/console/login/", timeout=10)  # noqa: S310
        assert "登录" in login.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _get_when_up(url: str, server: subprocess.Popen, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10)  # noqa: S310 - a loopback URL
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)


@pytest.mark.parametrize(
    ("bind", "where"),
    [
        ("[::]:8000", ["--host", "::", "--port", "8000"]),
        ("unix:/run/tousu.sock", ["--uds", "/run/tousu.sock"]),
    ],
    ids=["ipv6", "unix_socket"],
)
def test_serve_binds_where_asked(bind, where):
    argv = server_argv(bind, 1)
    start = argv.index(where[0])
    assert argv[start : start + len(where)] == where


@pytest.mark.parametrize(
    "bind", ["8000", "localhost:", "host:port"], ids=["no_host", "no_port", "bad_port"]
)
def test_serve_refuses_a_bind_it_cannot_read(bind):
    with pytest.raises(CommandError, match="--bind"):
        server_argv(bind, 1)


# --- createuser -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Full-strength password hashing takes most of a second per user; these tests need none."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def units(db):
    hq = Unit.objects.create(code="hq", name="客服中心", kind="centre")
    for code, name in (("eng", "工程部"), ("env", "环境部")):
        Unit.objects.create(code=code, name=name, kind="department", parent=hq)


def test_createuser_with_role_and_unit(units, capsys):
    code = main(
        ["createuser", "wang", "--password", "s3cret-pw", "--role", "handler", "--unit", "eng"]
    )
    assert code == 0
    user = User.objects.get(username="wang")
    assert (user.role, user.unit.code) == ("handler", "eng")
    assert user.check_password("s3cret-pw")
    assert "created user 'wang'" in capsys.readouterr().out


def test_createuser_admin_may_use_the_admin_site(db):
    assert main(["createuser", "root2", "--password", "pw", "--role", "admin"]) == 0
    user = User.objects.get(username="root2")
    assert user.is_staff and user.is_superuser and user.unit is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--role", "boss", "--unit", "eng"], "unknown role 'boss'", id="unknown_role_case"
        ),
        pytest.param(
            ["--role", "agent", "--unit", "nowhere"],
            "unknown unit 'nowhere'",
            id="unknown_unit_case",
        ),
        pytest.param(
            ["--role", "handler"], "role 'handler' needs --unit", id="handler_without_unit_case"
        ),
    ],
)
def test_createuser_refusals_exit_2_naming_the_problem(units, capsys, args, message):
    assert main(["createuser", "li", "--password", "pw", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not User.objects.filter(username="li").exists()


def test_createuser_unknown_unit_lists_known_units(units, capsys):
    main(["createuser", "li", "--password", "pw", "--role", "agent", "--unit", "nowhere"])
    assert "known units: eng, env, hq" in capsys.readouterr().err


def test_createuser_refuses_an_existing_username(units, capsys):
    assert main(["createuser", "agent", "--password", "pw", "--role", "agent"]) == 0
    assert main(["createuser", "agent", "--password", "pw2", "--role", "quality"]) == 2
    assert "user 'agent' already exists" in capsys.readouterr().err
    assert User.objects.get(username="agent").role == "agent"


# --- load-pack ------------------------------------------------------------------------------


def _active(code: str) -> PackVersion:
    return PackVersion.objects.get(code=code, active=True)


def _edited_property(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of property.yaml with one line changed; returns the file and that line."""
    text = PROPERTY_YAML.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "property.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def test_load_pack_broken_file_exits_2_with_line_and_keeps_previous(packs, tmp_path, capsys):
    before = _active("property")
    path, line = _edited_property(
        tmp_path, "default_severity: minor", "default_severity: catastrophic"
    )

    assert main(["load-pack", str(path)]) == 2

    err = capsys.readouterr().err
    assert f"{path}:{line}: default_severity:" in err
    assert "previous version stays active" in err
    assert _active("property").pk == before.pk


def test_load_pack_yaml_syntax_error_names_the_line(packs, tmp_path, capsys):
    path, line = _edited_property(tmp_path, "default_severity: minor", "default_severity: [minor")
    assert main(["load-pack", str(path)]) == 2
    assert f"{path}:" in capsys.readouterr().err
    assert _active("property").filename == "property.yaml"


def test_load_pack_valid_file_becomes_the_active_version(packs, tmp_path, capsys):
    before = _active("property")
    path, _ = _edited_property(tmp_path, 'version: "2026.1"', 'version: "2026.1-local"')

    assert main(["load-pack", str(path)]) == 0

    now_active = _active("property")
    assert now_active.pk != before.pk and now_active.version == "2026.1-local"
    assert "pack 'property' version 2026.1-local is active" in capsys.readouterr().out


def test_load_pack_accepts_a_builtin_code(db, capsys):
    assert main(["load-pack", "telecom"]) == 0
    assert _active("telecom").filename == "telecom.yaml"


def test_load_pack_missing_file_exits_2(db, tmp_path, capsys):
    assert main(["load-pack", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


# --- demo data ------------------------------------------------------------------------------


def test_demo_units_cover_every_routing_key_of_every_builtin_pack():
    keys = {k for _code, _name, _kind, _parent, ks in demo.UNITS for k in ks}
    for path in builtin_pack_paths():
        pack = load_pack_file(path)
        missing = {k.code for k in pack.routing_keys} - keys
        assert not missing, f"{pack.code}: no demo unit for routing keys {sorted(missing)}"


def test_ensure_demo_data_is_idempotent(db):
    now = at("2026-11-20 10:00")
    first = demo.ensure_demo_data(cases=30, now=now)

    assert first.failures == []
    total = 30 + demo.SURGE_CASES  # the planted rise of the 预警 panel comes on top
    assert (first.cases_created, first.cases_total) == (total, total)
    assert len(set(first.packs)) == 6
    assert sum(1 for count in first.by_status.values() if count) >= 5
    roles = {u.role for u in first.users}
    assert roles == {
        "admin",
        "agent",
        "dispatcher",
        "handler",
        "supervisor",
        "manager",
        "quality",
        "auditor",
        "crisis",
    }
    counts = (Unit.objects.count(), User.objects.count())

    second = demo.ensure_demo_data(cases=30, now=at("2026-11-21 10:00"))

    assert (second.cases_created, second.cases_total) == (0, total)
    assert second.by_status == first.by_status
    assert (Unit.objects.count(), User.objects.count()) == counts


def test_demo_users_log_in_with_the_printed_passwords(db):
    summary = demo.ensure_demo_data(cases=0)
    for info in summary.users[:3]:
        assert User.objects.get(username=info.username).check_password(info.password)


def test_demo_command_without_serving_prints_users_and_url(db, settings, tmp_path, capsys):
    settings.STATIC_ROOT = tmp_path / "static"
    assert main(["demo", "--no-serve", "--cases", "5", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert "demo-dispatcher-2026" in out
    assert "handler_eng" in out


# --- sweep, worker --------------------------------------------------------------------------


def test_sweep_reports_what_it_did(packs, capsys):
    assert main(["sweep", "--now", "2026-11-02T09:00"]) == 0
    assert "sweep as of 2026-11-02T09:00:00+08:00: nothing to do" in capsys.readouterr().out


def test_sweep_refuses_a_time_that_is_not_iso(db, capsys):
    assert main(["sweep", "--now", "yesterday"]) == 2
    assert "'yesterday' is not an ISO time" in capsys.readouterr().err


def test_worker_without_a_broker_explains(db, settings, capsys):
    settings.BROKER_URL = ""
    assert main(["worker"]) == 2
    assert "no broker configured" in capsys.readouterr().err
