"""Fixtures for the training tests: the real lesson library, and a mail server on loopback that
keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from core.config import PROJECT_ROOT
from training.lessons import Lesson, load_library
from training.reminders import SmtpSettings

SENDER = "Callcoach <callcoach@example.com>"
REFUSED = "gone@example.com"  # the one mailbox the test mail server refuses
LIBRARY = PROJECT_ROOT / "training" / "lessons"


@pytest.fixture(scope="session")
def library() -> tuple[Lesson, ...]:
    """The real lesson library."""
    return load_library(LIBRARY).lessons


@pytest.fixture
def lessons(library) -> list[Lesson]:
    """Six real lessons: enough to search, quick to index with the fake embedder."""
    return list(library[:6])


# A mail server's inbox: what it received (envelope sender, recipients, message).
@dataclass
class Inbox:
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_mail(inbox: Inbox, **server_options) -> Controller:
    """Start an aiosmtpd server on 127.0.0.1 delivering into `inbox`; the caller stops it."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **server_options)
    controller.start()
    return controller


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    """A plain (no TLS, no sign-in) mail server on loopback and the settings to reach it."""
    inbox = Inbox()
    controller = serve_mail(inbox)
    try:
        yield (
            inbox,
            SmtpSettings(host="127.0.0.1", port=controller.port, sender=SENDER, starttls=False),
        )
    finally:
        controller.stop()
