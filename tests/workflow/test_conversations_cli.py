"""`python -m workflow conversations FILE...` on the exports of tests/data/exports/: imported
once, bad files and items reported, scored with the written scorecard, lessons assigned."""

import json
import shutil

import pytest
from sqlmodel import Session, select

from core.models import Assignment, Call, Evaluation
from tests.qa.test_conversation_formats import EXPORTS
from workflow.__main__ import main


@pytest.mark.model
def test_workflow_conversations_imports_exports_and_assigns_lessons(
    app_db, people, capsys, built_lesson_index, tmp_path
):
    shutil.copytree(built_lesson_index, tmp_path / "data" / "index" / "lessons")
    bad = tmp_path / "notes.json"
    bad.write_text("{not json")
    files = [
        str(EXPORTS / "zendesk_tickets.json"),
        str(EXPORTS / "intercom_conversation.json"),
        str(EXPORTS / "conversations.csv"),
        str(bad),
    ]
    assert main(["conversations", *files, "--json"]) == 1
    out, _ = capsys.readouterr()
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["imported"] == 4  # ticket 4411, the Intercom chat, chat-1 and mail-2
    assert [f["file"] for f in summary["failed"]] == [
        "zendesk_tickets.json",
        "conversations.csv",
        "notes.json",
    ]
    assert "notes.json" in summary["failed"][2]["file"]
    assert "not valid JSON" in summary["failed"][2]["error"]
    assert main(["conversations", *files[:3], "--json"]) == 1  # the same files again
    again = json.loads(capsys.readouterr()[0].strip().splitlines()[-1])
    assert (again["imported"], again["skipped_duplicates"]) == (0, 4)
    with Session(app_db) as session:
        calls = session.exec(select(Call)).all()
        evaluations = session.exec(select(Evaluation)).all()
        assignments = session.exec(select(Assignment)).all()
    assert sorted(str(c.channel) for c in calls) == ["chat", "chat", "email", "email"]
    assert {e.scorecard for e in evaluations} == {"written"}
    # The CSV's agent is a1; the Zendesk and Intercom agent (agent@example.com) is nobody here.
    assigned = {c.original_name: c.agent_id for c in calls}
    assert assigned == {
        "4411": None,
        "215469998": None,
        "chat-1": people["a1"].id,
        "mail-2": people["a1"].id,
    }
    # mail-2's reply offers no more help: a lesson for it, for a1 only.
    assert assignments and {a.agent_id for a in assignments} == {people["a1"].id}
