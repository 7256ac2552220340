"""The IMAP poller against a real Dovecot (Debian's dovecot-imapd, installed by .ci/run),
started for these tests with its own configuration, user file and mail folder."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.channels.conftest import fixture_bytes
from tousu.cases.models import Case
from tousu.channels.imap import ImapError, mailbox_name, parse_imap_url
from tousu.channels.models import InboundMail
from tousu.cli import main

USER, PASSWORD = "mailer", "mail-pw-1"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accounts(root: Path) -> tuple[str, str, str]:
    """(uid, gid, extra config): as root, mail belongs to 'nobody'; otherwise Dovecot runs
    entirely as the current user."""
    if os.geteuid() == 0:
        shutil.chown(root / "home", "nobody", "nogroup")
        return "nobody", "nogroup", ""
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    users = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
    return str(os.getuid()), str(os.getgid()), users


@pytest.fixture(scope="module")
def dovecot():
    if not Path(DOVECOT).exists():
        pytest.fail("dovecot is not installed: apt-get install dovecot-imapd (see .ci/run)")
    root = Path(tempfile.mkdtemp(prefix="tousu-dovecot-"))
    root.chmod(0o755)  # the mail user must reach its home below
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    uid, gid, users = _accounts(root)
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(root=root, port=port, uid=uid, gid=gid, users=users))
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(port, server, root)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(port: int, server: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot exited: {server.stdout.read().decode()} {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("dovecot did not listen within 20 s")


@pytest.fixture
def mailbox(dovecot):
    """An empty INBOX on the server; returns a function that delivers fixture files."""
    conn = imaplib.IMAP4("127.0.0.1", dovecot)
    conn.login(USER, PASSWORD)
    conn.select("INBOX")
    _, found = conn.uid("SEARCH", "ALL")
    for uid in found[0].split():
        conn.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
    conn.expunge()

    def deliver(*names: str) -> None:
        for name in names:
            status, _ = conn.append("INBOX", None, None, fixture_bytes(name))
            assert status == "OK"

    deliver.flags = lambda: _flags(conn)  # type: ignore[attr-defined]
    yield deliver
    conn.logout()


def _flags(conn: imaplib.IMAP4) -> list[set[str]]:
    conn.select("INBOX")
    _, found = conn.uid("SEARCH", "ALL")
    out = []
    for uid in found[0].split():
        _, data = conn.uid("FETCH", uid, "(FLAGS)")
        text = data[0].decode()
        out.append({f for f in ("\\Seen", "\\Flagged") if f in text})
    return out


def test_poll_takes_unread_mail_in_and_flags_it(org, dovecot, mailbox, monkeypatch, capsys):
    mailbox("gbk_body.eml", "reply_case_number.eml", "malformed.eml")
    monkeypatch.setenv("TOUSU_IMAP_PASSWORD", PASSWORD)
    url = f"imap://{USER}@127.0.0.1:{dovecot}/INBOX"

    assert main(["ingest-mail", "--imap", url, "--pack", "property"]) == 1
    out = capsys.readouterr().out
    case = Case.objects.get()
    assert (case.channel, case.customer.email, case.urge_count) == (
        "email",
        "li.jianguo@example.cn",
        1,
    )
    assert f"{url} UID 3: 无法受理: From: no sender address" in out
    assert "新案件 1，催办 1，结案后再次来信 0，已处理过 0，无法受理 1" in out
    assert mailbox.flags() == [{"\\Seen"}, {"\\Seen"}, {"\\Seen", "\\Flagged"}]

    assert main(["ingest-mail", "--imap", url, "--pack", "property"]) == 0  # nothing unread
    assert "本次取信 0 封" in capsys.readouterr().out

    assert main(["ingest-mail", "--imap", url, "--pack", "property", "--all"]) == 1
    assert "已处理过 2，无法受理 1" in capsys.readouterr().out
    assert Case.objects.count() == 1 and InboundMail.objects.count() == 2


def test_password_in_url_and_a_wrong_one(org, dovecot, mailbox, capsys):
    mailbox("utf8_qp.eml")
    good = f"imap://{USER}:{PASSWORD}@127.0.0.1:{dovecot}"  # no folder: INBOX
    assert main(["ingest-mail", "--imap", good, "--pack", "retail"]) == 0
    assert Case.objects.get().pack == "retail"
    capsys.readouterr()

    bad = f"imap://{USER}:wrong@127.0.0.1:{dovecot}/INBOX"
    assert main(["ingest-mail", "--imap", bad, "--pack", "retail"]) == 2
    err = capsys.readouterr().err
    assert "login refused" in err and "wrong" not in err  # the password is never printed


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("pop3://u:p@host", "scheme must be imap:// or imaps://"),
        ("imap://host", "expected imap[s]://USER@HOST"),
        ("imap://u@host", "no password"),
        ("imap://u:p@host:port", "port is not a number"),
    ],
    ids=["scheme_case", "no_user_case", "no_password_case", "bad_port_case"],
)
def test_bad_imap_urls_are_named(url, problem):
    with pytest.raises(ImapError) as refused:
        parse_imap_url(url, environ={})
    assert problem in str(refused.value)


def test_imap_url_parts():
    source = parse_imap_url("imaps://kefu%40example.cn:p%2Fw@mail.example.cn/%E6%8A%95%E8%AF%89")
    assert (source.host, source.port, source.tls, source.user, source.password) == (
        "mail.example.cn",
        993,
        True,
        "kefu@example.cn",
        "p/w",
    )
    assert source.mailbox == "投诉"
    assert "p/w" not in str(source)
    assert parse_imap_url("imap://u@h", environ={"TOUSU_IMAP_PASSWORD": "x"}).port == 143


def test_chinese_folder_name(org, dovecot, mailbox, capsys):
    conn = imaplib.IMAP4("127.0.0.1", dovecot)
    conn.login(USER, PASSWORD)
    name = mailbox_name("投诉邮件")
    assert name == '"&YpWLyZCuTvY-"'
    conn.create(name)
    assert conn.append(name, None, None, fixture_bytes("gb18030.eml"))[0] == "OK"
    conn.logout()
    url = f"imap://{USER}:{PASSWORD}@127.0.0.1:{dovecot}/%E6%8A%95%E8%AF%89%E9%82%AE%E4%BB%B6"
    assert main(["ingest-mail", "--imap", url, "--pack", "logistics"]) == 0
    assert "𠮷字牌茶具" in Case.objects.get().description
