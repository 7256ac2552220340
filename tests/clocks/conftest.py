"""Fixtures for the clock tests."""

from __future__ import annotations

import email
import email.message
import email.policy
import socket

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The demo organisation sets a dozen passwords; PBKDF2 at full strength costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Calendar overrides live in the database; drop the cached calendar around each test."""
    from tousu.clocks import store

    store.invalidate()
    yield
    store.invalidate()


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in the test process even when the environment names a broker."""
    from tousu.jobs import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Messages received by the in-process SMTP server."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port, with tousu's e-mail pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.TOUSU_EMAIL_ENABLED = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def sms_log(settings, tmp_path):
    settings.TOUSU_SMS_BACKEND = "tousu.notify.backends.FileSmsGateway"
    settings.TOUSU_SMS_LOG = tmp_path / "sms.log"
    return settings.TOUSU_SMS_LOG
