import pytest

from core.calls import get_call, list_calls, list_segments, register_call
from core.errors import NotAllowed, NotFound
from core.models import Segment, Speaker
from tests.conftest import NOW


@pytest.fixture
def calls(session, people):
    """One call per agent, plus one with no agent (the unassigned queue)."""
    made = {}
    for number, key in enumerate(["a1", "a2", "b1", None]):
        agent_id = people[key].id if key else None
        made[key or "unassigned"] = register_call(
            session=session,
            recording_path=f"call-{number}.flac",
            sha256=f"{number:064d}",
            agent_id=agent_id,
            now=NOW,
        )
    session.add(Segment(call_id=made["a1"].id, start=0, end=2, speaker=Speaker.AGENT, text="Hi"))
    session.commit()
    return made


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("a1", {"a1"}),
        ("lead", {"a1", "a2", "unassigned"}),
        ("lead_b", {"b1", "unassigned"}),
        ("reviewer", {"a1", "a2", "b1", "unassigned"}),
        ("admin", {"a1", "a2", "b1", "unassigned"}),
    ],
)
def test_each_role_lists_only_the_calls_in_its_scope(session, people, calls, viewer, visible):
    listed = {call.id for call in list_calls(session=session, viewer=people[viewer])}
    assert listed == {calls[key].id for key in visible}


def test_an_agent_forcing_another_agents_call_id_is_refused(session, people, calls):
    with pytest.raises(NotAllowed, match="can't open call"):
        get_call(session=session, viewer=people["a2"], call_id=calls["a1"].id)
    with pytest.raises(NotAllowed):
        list_segments(session=session, viewer=people["a2"], call_id=calls["a1"].id)


def test_a_lead_cannot_open_another_teams_call(session, people, calls):
    with pytest.raises(NotAllowed):
        get_call(session=session, viewer=people["lead"], call_id=calls["b1"].id)


def test_an_unknown_call_id_says_so(session, people, calls):
    with pytest.raises(NotFound, match="no call #9999"):
        get_call(session=session, viewer=people["admin"], call_id=9999)


def test_a_deactivated_user_sees_no_calls(session, people, calls):
    people["admin"].active = False
    assert list_calls(session=session, viewer=people["admin"]) == []


def test_the_owner_reads_the_transcript(session, people, calls):
    segments = list_segments(session=session, viewer=people["a1"], call_id=calls["a1"].id)
    assert [s.text for s in segments] == ["Hi"]
