from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.config import ConfigError, Settings
from tests.training.conftest import REFUSED, SENDER, Inbox, free_port, serve_mail
from training.reminders import (
    MAX_LISTED_ASSIGNMENTS,
    Digest,
    OverdueAssignment,
    SmtpSettings,
    compose_digest,
    missing_smtp_settings,
    send_digests,
)

APP_URL = "https://callcoach.example.com"
USER, PASSWORD = "callcoach", "s3cret-smtp"


def _digest(email="amara.okafor@example.com", name="Amara Okafor", reviews=3, overdue=()):
    return Digest(email=email, name=name, reviews_due=reviews, overdue=overdue, app_url=APP_URL)


def _body(message: EmailMessage) -> str:
    return message.get_content()


def _check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: let the server answer 535 itself (aiosmtpd's default, True, answers nothing)
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mail_server_with_login() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    # Sign-in without TLS is allowed only because this server is on loopback for the test.
    controller = serve_mail(inbox, authenticator=_check_login, auth_require_tls=False)
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def test_a_digest_says_how_many_reviews_are_due_lists_overdue_work_and_links_the_app():
    overdue = (
        OverdueAssignment("Calm an angry caller", date(2026, 11, 20)),
        OverdueAssignment("Ask permission before hold", date(2026, 11, 18)),
    )
    message = compose_digest(_digest(reviews=3, overdue=overdue))
    assert message["To"] == "amara.okafor@example.com"
    assert message["Subject"] == "Callcoach: 3 reviews due, 2 assignments overdue"
    body = _body(message)
    assert body.startswith("Hi Amara,\n")
    assert "3 review questions are waiting for you" in body
    assert "2 assignments past due:\n" in body
    oldest_first = (
        "- Ask permission before hold (due Wed 18 Nov)\n- Calm an angry caller (due Fri 20 Nov)"
    )
    assert oldest_first in body
    assert f"Open Callcoach: {APP_URL}" in body
    assert "turn these reminders off" in body
    assert max(len(line) for line in body.splitlines()) <= 80  # readable on a phone
    assert message.get_content_type() == "text/plain"


def test_one_of_each_is_worded_in_the_singular_and_empty_parts_are_left_out():
    message = compose_digest(_digest(reviews=1))
    assert message["Subject"] == "Callcoach: 1 review due"
    assert "1 review question is waiting for you" in _body(message)
    assert "past due" not in _body(message)

    only_overdue = (OverdueAssignment("Calm an angry caller", date(2026, 11, 20)),)
    message = compose_digest(_digest(reviews=0, overdue=only_overdue))
    assert message["Subject"] == "Callcoach: 1 assignment overdue"
    assert "1 assignment past due:" in _body(message)
    assert "review question" not in _body(message)


def test_a_long_overdue_list_is_cut_short_with_a_count_of_the_rest():
    overdue = tuple(OverdueAssignment(f"Lesson {n}", date(2026, 11, n)) for n in range(1, 9))
    body = _body(compose_digest(_digest(overdue=overdue)))
    assert body.count("\n- Lesson ") == MAX_LISTED_ASSIGNMENTS
    assert f"- and {8 - MAX_LISTED_ASSIGNMENTS} more" in body


def test_nothing_due_and_nothing_overdue_means_no_email():
    assert compose_digest(_digest(reviews=0)) is None


def test_a_negative_review_count_is_refused():
    with pytest.raises(ValueError, match="reviews_due"):
        _digest(reviews=-1)


def test_digests_are_delivered_and_a_refused_recipient_does_not_stop_the_rest(mail_server):
    inbox, smtp = mail_server
    digests = [
        _digest(
            reviews=3, overdue=(OverdueAssignment("Calm an angry caller", date(2026, 11, 20)),)
        ),
        _digest(email=REFUSED, name="Gone Away", reviews=2),
        _digest(email="diego.ramirez@example.com", name="Diego Ramirez", reviews=0),
        _digest(email="ben.carter@example.com", name="Ben Carter", reviews=1),
    ]
    messages = [m for d in digests if (m := compose_digest(d)) is not None]

    report = send_digests(messages, smtp=smtp)

    assert report.sent == ("amara.okafor@example.com", "ben.carter@example.com")
    assert [f.email for f in report.failed] == [REFUSED]
    assert "550" in report.failed[0].reason and "No such mailbox" in report.failed[0].reason
    delivered = {
        rcpt_tos[0]: (mail_from, message) for mail_from, rcpt_tos, message in inbox.received
    }
    assert set(delivered) == {"amara.okafor@example.com", "ben.carter@example.com"}
    mail_from, amara = delivered["amara.okafor@example.com"]
    assert mail_from == "callcoach@example.com"
    assert amara["From"] == SENDER and amara["To"] == "amara.okafor@example.com"
    assert amara["Subject"] == "Callcoach: 3 reviews due, 1 assignment overdue"
    assert amara["Date"] and amara["Message-ID"].endswith("@example.com>")
    assert "3 review questions" in amara.get_content() and APP_URL in amara.get_content()
    assert "1 review question is" in delivered["ben.carter@example.com"][1].get_content()
    assert messages[0]["From"] is None  # the caller's messages are not changed


def test_an_unreachable_server_fails_every_message_with_the_reason():
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), sender=SENDER, starttls=False)
    report = send_digests([compose_digest(_digest())], smtp=smtp)
    assert report.sent == ()
    assert [f.email for f in report.failed] == ["amara.okafor@example.com"]
    assert report.failed[0].reason.startswith(f"could not connect to 127.0.0.1:{smtp.port}")


def test_starttls_required_but_not_offered_sends_nothing_in_plain_text(mail_server):
    inbox, smtp = mail_server
    report = send_digests(
        [compose_digest(_digest())],
        smtp=SmtpSettings(host=smtp.host, port=smtp.port, sender=SENDER, starttls=True),
    )
    assert report.sent == () and "STARTTLS" in report.failed[0].reason
    assert inbox.received == []


def test_the_sender_signs_in_when_a_username_is_set(mail_server_with_login):
    inbox, port = mail_server_with_login

    def send(password):
        smtp = SmtpSettings(
            host="127.0.0.1",
            port=port,
            username=USER,
            password=password,
            sender=SENDER,
            starttls=False,
        )
        return send_digests([compose_digest(_digest())], smtp=smtp)

    assert send(PASSWORD).sent == ("amara.okafor@example.com",)
    refused = send("wrong")
    assert refused.sent == () and "535" in refused.failed[0].reason
    assert len(inbox.received) == 1


@pytest.fixture
def no_smtp_env(monkeypatch):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_SENDER"):
        monkeypatch.delenv(name, raising=False)


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.usefixtures("no_smtp_env")
@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({}, ["SMTP_HOST", "SMTP_SENDER"]),
        ({"smtp_host": "  ", "smtp_sender": ""}, ["SMTP_HOST", "SMTP_SENDER"]),
        ({"smtp_host": "mail.example.com"}, ["SMTP_SENDER"]),
        ({"smtp_host": "mail.example.com", "smtp_sender": SENDER}, []),
        ({"smtp_host": "h", "smtp_sender": SENDER, "smtp_username": "u"}, ["SMTP_PASSWORD"]),
        ({"smtp_host": "h", "smtp_sender": SENDER, "smtp_password": "p"}, ["SMTP_USERNAME"]),
    ],
)
def test_missing_smtp_settings_are_named_by_their_variables(values, missing):
    assert missing_smtp_settings(_settings(**values)) == missing


@pytest.mark.usefixtures("no_smtp_env")
def test_smtp_settings_come_from_the_app_settings_and_hide_the_password():
    settings = _settings(
        smtp_host="mail.example.com",
        smtp_port=2525,
        smtp_username="callcoach",
        smtp_password="hunter2",
        smtp_sender=SENDER,
        smtp_starttls=False,
    )
    smtp = SmtpSettings.from_settings(settings)
    assert smtp == SmtpSettings(
        host="mail.example.com",
        port=2525,
        username="callcoach",
        password="hunter2",
        sender=SENDER,
        starttls=False,
    )
    assert "hunter2" not in repr(smtp)
    with pytest.raises(ConfigError, match="SMTP_HOST, SMTP_SENDER"):
        SmtpSettings.from_settings(_settings())
