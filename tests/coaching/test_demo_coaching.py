from sqlmodel import Session, select

from coaching import AgendaItem, AgendaKind, list_coaching_sessions
from core.config import Settings
from core.models import MonitoringNote, User
from demo.coaching import seed_coaching
from demo.load import load_demo
from monitoring.notes import list_notes
from tests.conftest import NOW
from tests.qa.conftest import fake_transcript


def test_the_demo_gets_lenas_notes_and_a_coaching_session_with_ben_once(engine, tmp_path):
    load_demo(
        engine=engine,
        settings=Settings(data_dir=tmp_path),
        transcribe=fake_transcript,
        now=lambda: NOW,
    )

    first = seed_coaching(engine=engine, now=NOW)
    second = seed_coaching(engine=engine, now=NOW)

    assert (first.notes, first.sessions) == (6, 1)
    assert (second.notes, second.sessions) == (0, 0)
    with Session(engine) as session:
        people = {u.email.split(".")[0]: u for u in session.exec(select(User))}
        ben, diego = people["ben"], people["diego"]
        (item,) = list_coaching_sessions(session=session, viewer=ben)
        assert item.lead_name == "Lena Brooks"
        assert item.coaching.held_at.date().isoformat() == "2026-10-08"
        assert item.coaching.follow_up_on.isoformat() == "2026-10-22"
        assert item.coaching.criteria == ["recording_disclosure", "verification", "closing"]
        assert (
            AgendaItem(
                "Read out the name and address before checking who was calling.",
                AgendaKind.NEEDS_WORK,
                "verification",
                item.agenda[1].call_id,
                17.8,
                item.agenda[1].note_id,
            )
            in item.agenda
        )
        assert len(item.coaching.commitments) == 3
        # One note is shared: Diego reads it; Ben's notes stay with the leads.
        assert [n.text for n in list_notes(session=session, viewer=diego, agent_id=diego.id)] == [
            "Asked before the hold and thanked her for holding: exactly right."
        ]
        assert list_notes(session=session, viewer=ben, agent_id=ben.id) == []
        assert len(session.exec(select(MonitoringNote)).all()) == 6
