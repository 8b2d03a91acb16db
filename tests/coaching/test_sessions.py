from datetime import date, timedelta

import pytest
from sqlmodel import select

from coaching import (
    AgendaItem,
    AgendaKind,
    PassRate,
    agent_workspace,
    create_coaching_session,
    draft_agenda,
    follow_up,
    get_coaching_session,
    list_coaching_sessions,
    update_commitments,
)
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import AuditEvent, NoteKind
from monitoring.notes import add_note
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW

FOLLOW_UP = date(2026, 12, 7)


def _workspace(session, viewer, agent):
    return agent_workspace(
        session=session, viewer=viewer, agent_id=agent.id, now=NOW, lesson_skills={}
    )


def _session(session, people, *, agent="a1", lead="lead", agenda=None, **changes):
    values = {
        "held_at": NOW,
        "agenda": agenda or [AgendaItem("How the week went")],
        "commitments": ["Ask before every hold"],
        "follow_up_on": FOLLOW_UP,
        "now": NOW,
    } | changes
    return create_coaching_session(
        session=session, lead=people[lead], agent_id=people[agent].id, **values
    )


def test_the_agenda_of_a_coaching_session_includes_the_monitoring_notes(session, people):
    a1, lead = people["a1"], people["lead"]
    call = call_on(session, a1, days_ago(3), failed=["hold_etiquette"], at=41)
    praise = add_note(
        session=session,
        author=lead,
        agent_id=a1.id,
        call_id=call.id,
        at_seconds=5,
        text="Warm, clear greeting",
        kind=NoteKind.PRAISE,
        now=NOW,
    )
    needs_work = add_note(
        session=session,
        author=lead,
        agent_id=a1.id,
        call_id=call.id,
        at_seconds=62.5,
        text="Put her on hold without asking",
        kind=NoteKind.NEEDS_WORK,
        criterion_id="hold_etiquette",
        now=NOW + timedelta(minutes=1),
    )

    agenda = draft_agenda(_workspace(session, lead, a1))
    made = _session(session, people, agenda=agenda)

    stored = get_coaching_session(session=session, viewer=a1, coaching_id=made.id).agenda
    assert stored == [
        AgendaItem(
            "Hold etiquette: failed on 1 of 1 calls, last on 20 Nov",
            AgendaKind.WEAK_SPOT,
            "hold_etiquette",
            call.id,
            41.0,
        ),
        AgendaItem(
            "Put her on hold without asking",
            AgendaKind.NEEDS_WORK,
            "hold_etiquette",
            call.id,
            62.5,
            needs_work.id,
        ),
        AgendaItem("Warm, clear greeting", AgendaKind.PRAISE, None, call.id, 5.0, praise.id),
    ]
    assert made.criteria == ["hold_etiquette"]
    # Talked through once, a note is not drafted into the next session again.
    again = draft_agenda(_workspace(session, lead, a1), earlier=[made])
    assert [item.kind for item in again] == [AgendaKind.WEAK_SPOT]


def test_an_agenda_item_reads_back_what_was_stored():
    item = AgendaItem("Dead air at 0:42", AgendaKind.NOTE, "dead_air", 7, 42.0, 3)
    assert AgendaItem.from_dict(item.to_dict()) == item
    assert AgendaItem.from_dict({"text": "Later", "kind": "from-the-future"}) == AgendaItem("Later")


def test_saving_a_session_keeps_the_commitments_and_is_audited(session, people):
    made = _session(
        session,
        people,
        agenda=[AgendaItem("  Hold   etiquette "), AgendaItem("   ")],
        commitments=["Ask before every hold", "", " Say how long it will be "],
        summary="Good talk.",
    )
    assert [AgendaItem.from_dict(i).text for i in made.agenda] == ["Hold etiquette"]
    assert made.commitments == ["Ask before every hold", "Say how long it will be"]
    assert (made.lead_id, made.follow_up_on, made.summary) == (
        people["lead"].id,
        FOLLOW_UP,
        "Good talk.",
    )
    event = session.exec(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.entity, event.entity_id) == (
        people["lead"].id,
        "create",
        "coaching_session",
        made.id,
    )
    assert event.after["commitments"] == made.commitments


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agenda": [AgendaItem(" ")]}, "Put at least one item on the agenda."),
        ({"follow_up_on": NOW.date()}, "Pick a follow-up date after the session."),
        ({"held_at": NOW + timedelta(hours=1)}, "Record a session once it has been held"),
        ({"commitments": ["x" * 301]}, "A commitment can be at most 300 characters."),
    ],
)
def test_a_session_that_cannot_be_right_is_refused(session, people, changes, message):
    with pytest.raises(InvalidInput, match=message):
        _session(session, people, **changes)


def test_an_agenda_cannot_point_at_another_agents_call(session, people):
    other = call_on(session, people["a2"], days_ago(1))
    with pytest.raises(InvalidInput, match=f"Call #{other.id} is not one of A1 Person's calls."):
        _session(session, people, agenda=[AgendaItem("Listen", call_id=other.id, at_seconds=3)])


@pytest.mark.parametrize("key", ["lead_b", "a1", "reviewer"])
def test_only_the_agents_lead_or_an_admin_records_a_session(session, people, key):
    with pytest.raises(NotAllowed):
        _session(session, people, lead=key)
    assert _session(session, people, lead="admin").lead_id == people["admin"].id


def test_each_person_sees_only_the_sessions_they_should(session, people):
    mine = _session(session, people, agent="a1")
    teammate = _session(session, people, agent="a2", held_at=NOW - timedelta(days=1))
    elsewhere = _session(session, people, agent="b1", lead="lead_b")

    def seen(key):
        return [i.coaching.id for i in list_coaching_sessions(session=session, viewer=people[key])]

    assert seen("a1") == [mine.id]
    assert seen("lead") == [mine.id, teammate.id]  # newest first
    assert seen("lead_b") == [elsewhere.id]
    assert seen("admin") == [elsewhere.id, mine.id, teammate.id]
    assert seen("reviewer") == []
    item = list_coaching_sessions(session=session, viewer=people["a1"])[0]
    assert (item.agent_name, item.lead_name) == ("A1 Person", "Lead Person")
    with pytest.raises(NotAllowed):
        get_coaching_session(session=session, viewer=people["a2"], coaching_id=mine.id)
    with pytest.raises(NotAllowed):
        get_coaching_session(session=session, viewer=people["lead_b"], coaching_id=mine.id)
    with pytest.raises(NotFound, match="There is no coaching session #99."):
        get_coaching_session(session=session, viewer=people["admin"], coaching_id=99)


def test_the_follow_up_compares_the_coached_criterion_before_and_after(session, people):
    a1 = people["a1"]
    held = days_ago(14)
    # Before: 11 calls, of which only the last 10 count; empathy failed on 6 of those.
    call_on(session, a1, held - timedelta(days=20), failed=["empathy"])
    for n in range(10):
        call_on(session, a1, held - timedelta(days=10 - n), failed=["empathy"] if n < 6 else [])
    # After: failed once, passed twice, and once it did not apply.
    call_on(session, a1, held + timedelta(days=1), failed=["empathy"])
    call_on(session, a1, held + timedelta(days=2))
    call_on(session, a1, held + timedelta(days=3))
    call_on(session, a1, held + timedelta(days=4), na=["empathy"])
    made = _session(
        session,
        people,
        held_at=held,
        follow_up_on=NOW.date(),
        agenda=[AgendaItem("Name the feeling", AgendaKind.WEAK_SPOT, "empathy")],
    )

    result = follow_up(session=session, viewer=a1, coaching_id=made.id, now=NOW)

    (empathy,) = result.changes
    assert (empathy.title, empathy.before, empathy.after) == (
        "Empathy",
        PassRate(passed=4, failed=6),
        PassRate(passed=2, failed=1),
    )
    assert (empathy.before.rate, round(empathy.after.rate, 2)) == (0.4, 0.67)
    assert (result.calls_before, result.calls_after, result.due) == (10, 4, True)
    early = follow_up(session=session, viewer=a1, coaching_id=made.id, now=days_ago(1))
    assert early.due is False


def test_the_lead_updates_the_commitments_at_the_follow_up(session, people):
    made = _session(session, people)
    update_commitments(
        session=session,
        lead=people["lead"],
        coaching_id=made.id,
        commitments=["Ask before every hold", "Check back every 30 seconds"],
        follow_up_on=FOLLOW_UP + timedelta(days=7),
        now=NOW,
    )
    session.expire_all()
    item = get_coaching_session(session=session, viewer=people["a1"], coaching_id=made.id)
    assert item.coaching.commitments == ["Ask before every hold", "Check back every 30 seconds"]
    assert item.coaching.follow_up_on == FOLLOW_UP + timedelta(days=7)
    assert session.exec(select(AuditEvent.action)).all() == ["create", "update"]
    with pytest.raises(NotAllowed):
        update_commitments(
            session=session, lead=people["lead_b"], coaching_id=made.id, commitments=[], now=NOW
        )
