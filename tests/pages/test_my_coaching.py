from datetime import timedelta

from coaching import AgendaItem, AgendaKind, create_coaching_session
from core.models import NoteKind, utcnow
from monitoring.notes import add_note
from tests.coaching.conftest import call_on
from tests.pages.conftest import texts


def _my_coaching(signed_in, key="a1"):
    return signed_in(key).switch_page("pages/my_coaching.py").run()


def _links(at):
    return {(link.value, link.proto.query_string) for link in at.page_link}


def test_an_agent_sees_their_session_its_follow_up_and_only_the_notes_shared_with_them(
    signed_in, session, people
):
    a1, lead, now = people["a1"], people["lead"], utcnow()
    held = now - timedelta(days=14)
    before = call_on(session, a1, held - timedelta(days=2), failed=["hold_etiquette"], at=41)
    call_on(session, a1, held + timedelta(days=2))
    call_on(session, a1, held + timedelta(days=3), failed=["hold_etiquette"])
    for text, shared in (("Lovely warm greeting", True), ("Sounded bored all call", False)):
        add_note(
            session=session,
            author=lead,
            agent_id=a1.id,
            call_id=before.id,
            at_seconds=75,
            text=text,
            kind=NoteKind.PRAISE if shared else NoteKind.NEEDS_WORK,
            shared=shared,
            now=now,
        )
    create_coaching_session(
        session=session,
        lead=lead,
        agent_id=a1.id,
        held_at=held,
        agenda=[
            AgendaItem(
                "Put on hold without asking",
                AgendaKind.WEAK_SPOT,
                "hold_etiquette",
                before.id,
                41,
            )
        ],
        commitments=["Ask before every hold"],
        follow_up_on=(now - timedelta(days=1)).date(),
        now=now,
    )
    create_coaching_session(
        session=session,
        lead=lead,
        agent_id=people["a2"].id,
        held_at=held,
        agenda=[AgendaItem("Someone else's agenda")],
        commitments=[],
        follow_up_on=now.date(),
        now=now,
    )

    at = _my_coaching(signed_in)

    assert not at.exception
    page = texts(at)
    assert "Put on hold without asking" in page and "- Ask before every hold" in page
    assert "with Lead Person" in page
    assert "- Hold etiquette: 0% of 1 call before → 50% of 2 calls after" in page
    assert "Someone else's agenda" not in page
    assert "Lovely warm greeting" in page  # shared
    assert "Sounded bored all call" not in page  # private to leads
    assert (f"Call #{before.id} at 0:41", f"call={before.id}&t=41") in _links(at)
    assert (f"Call #{before.id} at 1:15", f"call={before.id}&t=75") in _links(at)


def test_an_agent_without_coaching_is_told_what_will_show(signed_in):
    at = _my_coaching(signed_in)
    assert "No coaching sessions yet." in texts(at)


def test_leads_do_not_open_my_coaching(signed_in):
    at = _my_coaching(signed_in, "lead")
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]
