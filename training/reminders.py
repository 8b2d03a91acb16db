"""Reminder emails: each agent's digest of reviews due and overdue assignments, sent over SMTP."""

from __future__ import annotations

import copy
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from core.config import ConfigError, Settings

__all__ = [
    "MAX_LISTED_ASSIGNMENTS",
    "Digest",
    "FailedDelivery",
    "OverdueAssignment",
    "SendReport",
    "SmtpSettings",
    "compose_digest",
    "missing_smtp_settings",
    "send_digests",
]

MAX_LISTED_ASSIGNMENTS = 5  # more would not fit a phone screen; the rest are counted
_TIMEOUT_SECONDS = 30.0  # a mail server that does not answer must not hang the daily cron job


# An assignment (a lesson a lead gave the agent) whose due date has passed.
@dataclass(frozen=True)
class OverdueAssignment:
    title: str
    due: date


# What one agent's reminder says: the counts come from the database, the wording from here.
@dataclass(frozen=True)
class Digest:
    email: str
    name: str
    reviews_due: int
    overdue: tuple[OverdueAssignment, ...]
    app_url: str

    def __post_init__(self) -> None:
        if self.reviews_due < 0:
            raise ValueError(f"reviews_due cannot be negative, got {self.reviews_due}")


# How to reach the mail server; built from the SMTP_* settings with `from_settings`.
@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int = 587  # mail submission
    username: str | None = None  # None: the server needs no sign-in
    password: str | None = field(default=None, repr=False)  # kept out of logs and tracebacks
    sender: str  # the From header, e.g. "Callcoach <callcoach@example.com>"
    starttls: bool = True  # upgrade to TLS before signing in

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings:
        """The mail server settings of the app.

        Raises:
            ConfigError: a required SMTP setting is missing; the message names it.
        """
        missing = missing_smtp_settings(settings)
        if missing:
            raise ConfigError(f"Reminder emails need {', '.join(missing)} set (see .env.example)")
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        return cls(
            host=str(settings.smtp_host).strip(),
            port=settings.smtp_port,
            username=(settings.smtp_username or "").strip() or None,
            password=password or None,
            sender=str(settings.smtp_sender).strip(),
            starttls=settings.smtp_starttls,
        )


# One reminder that did not go out, and the mail server's or the network's reason.
@dataclass(frozen=True)
class FailedDelivery:
    email: str
    reason: str


# The outcome of one sending run: who got their reminder, who did not and why.
@dataclass(frozen=True)
class SendReport:
    sent: tuple[str, ...]
    failed: tuple[FailedDelivery, ...]


def missing_smtp_settings(settings: Settings) -> list[str]:
    """Name the environment variables still to set before reminders can be emailed.

    SMTP_HOST and SMTP_SENDER are always needed; SMTP_USERNAME and SMTP_PASSWORD go together
    (both or neither). Empty values, as in a copied `.env.example`, count as missing.
    """
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
    given = {
        "SMTP_HOST": settings.smtp_host,
        "SMTP_SENDER": settings.smtp_sender,
        "SMTP_USERNAME": settings.smtp_username,
        "SMTP_PASSWORD": password,
    }
    present = {name for name, value in given.items() if value and value.strip()}
    needed = ["SMTP_HOST", "SMTP_SENDER"]
    if present & {"SMTP_USERNAME", "SMTP_PASSWORD"}:
        needed += ["SMTP_USERNAME", "SMTP_PASSWORD"]
    return [name for name in needed if name not in present]


def compose_digest(digest: Digest) -> EmailMessage | None:
    """Write the agent's reminder email: short plain text with a link to the app.

    Returns None when nothing is due or overdue: an agent is never emailed about nothing. The
    From, Date and Message-ID headers are added by `send_digests`.
    """
    if digest.reviews_due == 0 and not digest.overdue:
        return None
    first_name = digest.name.split()[0] if digest.name.strip() else "there"
    lines = [f"Hi {first_name},", ""]
    if digest.reviews_due:
        lines += [
            f"{_count(digest.reviews_due, 'review question')} "
            f"{'is' if digest.reviews_due == 1 else 'are'} waiting for you.",
            "A few minutes now keep what you learnt fresh.",
            "",
        ]
    if digest.overdue:
        lines.append(f"{_count(len(digest.overdue), 'assignment')} past due:")
        shown = sorted(digest.overdue, key=lambda item: (item.due, item.title))
        lines += [
            f"- {item.title} (due {_short_date(item.due)})"
            for item in shown[:MAX_LISTED_ASSIGNMENTS]
        ]
        if len(shown) > MAX_LISTED_ASSIGNMENTS:
            lines.append(f"- and {len(shown) - MAX_LISTED_ASSIGNMENTS} more")
        lines.append("")
    lines += [
        f"Open Callcoach: {digest.app_url}",
        "",
        "You can turn these reminders off on your Profile page in Callcoach.",
    ]
    subject = []
    if digest.reviews_due:
        subject.append(f"{_count(digest.reviews_due, 'review')} due")
    if digest.overdue:
        subject.append(f"{_count(len(digest.overdue), 'assignment')} overdue")

    message = EmailMessage()
    message["To"] = digest.email
    message["Subject"] = "Callcoach: " + ", ".join(subject)
    message.set_content("\n".join(lines) + "\n")
    return message


def send_digests(messages: Iterable[EmailMessage], *, smtp: SmtpSettings) -> SendReport:
    """Send the reminder emails over one connection to the mail server.

    A recipient the server refuses is reported and the rest still go out. If the connection
    cannot be opened (or signed into) or drops, every message not yet sent is reported failed
    with the reason. The messages are copied, not changed: each copy gets the From header
    (`smtp.sender`), Date and Message-ID where missing.
    """
    pending = list(messages)
    sent: list[str] = []
    failed: list[FailedDelivery] = []
    sender_address = parseaddr(smtp.sender)[1]
    domain = sender_address.partition("@")[2] or "localhost"  # avoid a DNS lookup of this host
    try:
        connection = _connect(smtp)
    except (smtplib.SMTPException, OSError) as exc:
        reason = f"could not connect to {smtp.host}:{smtp.port}: {_describe(exc)}"
        return SendReport(sent=(), failed=tuple(FailedDelivery(_to(m), reason) for m in pending))
    try:
        for index, original in enumerate(pending):
            message = copy.deepcopy(original)
            if message["From"] is None:
                message["From"] = smtp.sender
            if message["Date"] is None:
                message["Date"] = formatdate(localtime=False)
            if message["Message-ID"] is None:
                message["Message-ID"] = make_msgid(domain=domain)
            recipient = _to(message)
            try:
                refused = connection.send_message(message, from_addr=sender_address)
            except smtplib.SMTPRecipientsRefused as exc:
                failed.append(FailedDelivery(recipient, _refusals(exc.recipients)))
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                failed.append(FailedDelivery(recipient, _describe(exc)))
            except (smtplib.SMTPException, OSError) as exc:
                # The connection is gone (or in an unknown state): stop, report the rest.
                reason = f"connection to the mail server lost: {_describe(exc)}"
                failed += [FailedDelivery(_to(m), reason) for m in pending[index:]]
                break
            else:
                if refused:  # some of several recipients refused; a digest has one
                    failed.append(FailedDelivery(recipient, _refusals(refused)))
                else:
                    sent.append(recipient)
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return SendReport(sent=tuple(sent), failed=tuple(failed))


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    connection = smtplib.SMTP(smtp.host, smtp.port, timeout=_TIMEOUT_SECONDS)
    try:
        if smtp.starttls:
            connection.starttls(context=ssl.create_default_context())
        if smtp.username:
            connection.login(smtp.username, smtp.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def _to(message: EmailMessage) -> str:
    return str(message["To"] or "")


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


def _refusals(recipients: dict[str, tuple[int, bytes]]) -> str:
    reasons = [
        f"refused by the mail server: {code} {reply.decode(errors='replace')}"
        for code, reply in recipients.values()
    ]
    return "; ".join(reasons) or "the message has no recipient"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"  # "Fri 20 Nov": short enough for a phone line
