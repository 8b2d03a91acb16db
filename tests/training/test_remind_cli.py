"""`python -m training remind` end to end: database, real lessons, a loopback mail server."""

import json
from datetime import datetime, timedelta

import pytest

from core.config import get_settings
from core.models import Assignment, AssignmentSource, ReviewCard, Role, User
from tests.conftest import NOW
from tests.training.conftest import REFUSED
from training.__main__ import main
from training.srs import new_card_state

APP_URL = "https://callcoach.example.com"
AT_NOW = ["--now", NOW.isoformat()]


@pytest.fixture
def smtp_env(app_db, mail_server, monkeypatch, tmp_path):
    """The command's settings point at the test database and the loopback mail server."""
    _inbox, smtp = mail_server
    monkeypatch.chdir(tmp_path)  # a developer's own .env must not leak into the test
    monkeypatch.setenv("SMTP_HOST", smtp.host)
    monkeypatch.setenv("SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("SMTP_SENDER", smtp.sender)
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    monkeypatch.delenv("SMTP_USERNAME", raising=False)
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("APP_URL", APP_URL)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _card(session, agent: User, due_at: datetime, question: int = 0) -> None:
    session.add(
        ReviewCard(
            agent_id=agent.id,
            lesson_id="calm-an-angry-caller",
            question=question,
            state=new_card_state(now=due_at),
            due_at=due_at,
            created_at=due_at - timedelta(days=3),
        )
    )


def _assignment(
    session, agent: User, lesson_id: str, due_at: datetime, completed_at: datetime | None = None
) -> None:
    session.add(
        Assignment(
            agent_id=agent.id,
            lesson_id=lesson_id,
            source=AssignmentSource.LEAD,
            reason="Lead's pick after a monitored call",
            created_at=due_at - timedelta(days=7),
            due_at=due_at,
            completed_at=completed_at,
        )
    )


@pytest.fixture
def training_data(session, people):
    """a1: two reviews due, two assignments overdue (one of a lesson no longer in the library),
    plus work that does not count. a2: as much due, but reminders turned off. b1: nothing due
    yet. A deactivated agent with a review due."""
    a1, a2, b1 = people["a1"], people["a2"], people["b1"]
    _card(session, a1, NOW - timedelta(days=1), question=0)
    _card(session, a1, NOW, question=1)  # due exactly now: counts
    _card(session, a1, NOW + timedelta(hours=1), question=2)  # later today: not yet
    _assignment(session, a1, "calm-an-angry-caller", datetime(2026, 11, 20, 17, tzinfo=NOW.tzinfo))
    _assignment(session, a1, "retired-lesson", datetime(2026, 11, 18, 12, tzinfo=NOW.tzinfo))
    _assignment(session, a1, "ask-permission-before-hold", NOW + timedelta(days=2))  # not due
    _assignment(
        session,
        a1,
        "ask-clarifying-questions",
        NOW - timedelta(days=5),
        completed_at=NOW - timedelta(days=4),
    )  # done, even if late
    a2.reminders = False
    _card(session, a2, NOW - timedelta(days=1))
    _assignment(session, a2, "calm-an-angry-caller", NOW - timedelta(days=2))
    _card(session, b1, NOW + timedelta(days=3))
    gone = User(
        name="Gone Person",
        email="gone.agent@example.com",
        role=Role.AGENT,
        team_id=a1.team_id,
        active=False,
        password_hash="x",
        created_at=NOW,
    )
    session.add_all([a2, gone])
    session.flush()
    _card(session, gone, NOW - timedelta(days=1))
    session.commit()
    return people


@pytest.mark.usefixtures("smtp_env", "training_data")
def test_only_the_agent_with_work_due_is_emailed_the_counts_and_lesson_titles(mail_server, capsys):
    inbox, _smtp = mail_server

    assert main(["remind", "--json", *AT_NOW]) == 0

    summary = json.loads(capsys.readouterr().out)
    assert summary == {"sent": 1, "skipped": 1, "failed": []}  # b1 skipped; a2 opted out
    assert [rcpt_tos for _from, rcpt_tos, _message in inbox.received] == [["a1@example.com"]]
    message = inbox.received[0][2]
    assert message["Subject"] == "Callcoach: 2 reviews due, 2 assignments overdue"
    body = message.get_content().replace("\r\n", "\n")  # SMTP sends CRLF line ends
    assert body.startswith("Hi A1,\n")
    assert "2 review questions are waiting for you" in body
    assert (
        "2 assignments past due:\n"
        "- retired-lesson (due Wed 18 Nov)\n"
        "- De-escalate an angry caller (due Fri 20 Nov)\n"
    ) in body
    assert f"Open Callcoach: {APP_URL}" in body


@pytest.mark.usefixtures("smtp_env", "training_data")
def test_the_human_summary_says_how_many_were_sent(mail_server, capsys):
    assert main(["remind", *AT_NOW]) == 0
    assert capsys.readouterr().out == "Reminders: 1 sent, 1 with nothing due, 0 failed\n"
    assert len(mail_server[0].received) == 1


@pytest.mark.usefixtures("smtp_env", "training_data")
def test_a_refused_recipient_is_reported_and_the_exit_code_is_1(
    session, people, mail_server, capsys
):
    b1 = session.get(User, people["b1"].id)
    b1.email = REFUSED
    _card(session, b1, NOW - timedelta(hours=2), question=1)
    session.commit()

    assert main(["remind", "--json", *AT_NOW]) == 1

    summary = json.loads(capsys.readouterr().out)
    assert summary["sent"] == 1 and summary["skipped"] == 0
    assert [item["email"] for item in summary["failed"]] == [REFUSED]
    assert "No such mailbox" in summary["failed"][0]["reason"]
    assert [rcpt_tos for _from, rcpt_tos, _message in mail_server[0].received] == [
        ["a1@example.com"]
    ]


@pytest.mark.usefixtures("smtp_env", "training_data")
def test_without_smtp_settings_it_says_what_to_set_and_sends_nothing(
    mail_server, monkeypatch, capsys
):
    monkeypatch.delenv("SMTP_HOST")
    monkeypatch.delenv("SMTP_SENDER")
    get_settings.cache_clear()

    assert main(["remind", *AT_NOW]) == 2

    output = capsys.readouterr()
    assert output.out == ""
    assert output.err.startswith("error: reminder emails need SMTP_HOST, SMTP_SENDER set")
    assert ".env" in output.err
    assert mail_server[0].received == []


@pytest.mark.usefixtures("smtp_env", "training_data")
def test_a_dry_run_lists_who_would_get_what_and_sends_nothing(mail_server, monkeypatch, capsys):
    assert main(["remind", "--dry-run", *AT_NOW]) == 0
    assert capsys.readouterr().out == (
        "would email a1@example.com: Callcoach: 2 reviews due, 2 assignments overdue\n"
        "Dry run: 1 to send, 1 with nothing due; nothing sent.\n"
    )

    monkeypatch.delenv("SMTP_HOST")  # a dry run needs no mail server settings
    get_settings.cache_clear()
    assert main(["remind", "--dry-run", "--json", *AT_NOW]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sent"] == 0 and summary["failed"] == []
    assert summary["would_send"] == [
        {"email": "a1@example.com", "subject": "Callcoach: 2 reviews due, 2 assignments overdue"}
    ]
    assert mail_server[0].received == []


@pytest.mark.usefixtures("smtp_env")
def test_a_naive_now_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["remind", "--now", "2026-11-23T09:30"])
    assert exit_info.value.code == 2
    assert "has no time zone" in capsys.readouterr().err
