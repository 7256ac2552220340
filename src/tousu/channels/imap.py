"""The IMAP poller (stdlib ``imaplib``): fetch the unread messages of one mailbox, hand each
to a handler, then flag it on the server.

A message the handler took in (or had already taken in) is marked ``\\Seen``; one that cannot
become a case is marked ``\\Seen`` and ``\\Flagged``, so that a person finds it in the mail
client. When the handler raises (the database is down, …) the message stays unread and the
next poll tries it again.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"imap": 143, "imaps": 993}
PASSWORD_ENV = "TOUSU_IMAP_PASSWORD"


class ImapError(ValueError):
    """A URL or a server answer the poller cannot work with."""


@dataclass(frozen=True)
class ImapSource:
    host: str
    port: int
    tls: bool
    user: str
    password: str
    mailbox: str

    def __str__(self) -> str:  # never shows the password
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.mailbox}"


def parse_imap_url(url: str, environ: dict[str, str] | None = None) -> ImapSource:
    """``imap[s]://USER[:PASSWORD]@HOST[:PORT][/MAILBOX]``; without a password in the URL it
    is read from ``$TOUSU_IMAP_PASSWORD`` (keeps it out of the process list)."""
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ImapError(f"'{url}': the scheme must be imap:// or imaps://")
    if not parts.hostname or not parts.username:
        raise ImapError(f"'{url}': expected imap[s]://USER@HOST[:PORT][/MAILBOX]")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ImapError(f"'{url}': the port is not a number") from None
    password = unquote(parts.password) if parts.password else env.get(PASSWORD_ENV, "")
    if not password:
        raise ImapError(f"no password: put it in the URL or in ${PASSWORD_ENV}")
    return ImapSource(
        host=parts.hostname,
        port=port,
        tls=parts.scheme == "imaps",
        user=unquote(parts.username),
        password=password,
        mailbox=unquote(parts.path.strip("/")) or "INBOX",
    )


def _check(answer: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise ImapError(f"IMAP {what} refused: {data!r}")
    return data


def _connect(source: ImapSource, timeout: float) -> imaplib.IMAP4:
    if source.tls:
        return imaplib.IMAP4_SSL(source.host, source.port, timeout=timeout)
    return imaplib.IMAP4(source.host, source.port, timeout=timeout)


def poll(
    source: ImapSource,
    handle: Callable[[str, bytes], bool],
    *,
    unread_only: bool = True,
    timeout: float = 30.0,
) -> int:
    """Fetch the (unread) messages and call ``handle(uid, raw)`` on each; it returns True when
    the message was taken in, False when it cannot become a case. Returns the number fetched."""
    conn = _connect(source, timeout)
    try:
        try:
            conn.login(source.user, source.password)
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"{source}: login refused: {exc}") from None
        _check(conn.select(mailbox_name(source.mailbox)), f"SELECT {source.mailbox}")
        found = _check(conn.uid("SEARCH", "UNSEEN" if unread_only else "ALL"), "SEARCH")
        uids = found[0].decode().split() if found and isinstance(found[0], bytes) else []
        for uid in uids:
            raw = _fetch(conn, uid)
            flags = r"(\Seen)" if handle(uid, raw) else r"(\Seen \Flagged)"
            _check(conn.uid("STORE", uid, "+FLAGS", flags), "STORE")
        return len(uids)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def mailbox_name(mailbox: str) -> str:
    """The quoted name IMAP expects: non-ASCII in modified UTF-7 (RFC 3501 §5.1.3)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in mailbox:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch(conn: imaplib.IMAP4, uid: str) -> bytes:
    """The whole message, without setting \\Seen (BODY.PEEK): flags are set after handling."""
    data = _check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), f"FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    raise ImapError(f"IMAP FETCH {uid} returned no message")
