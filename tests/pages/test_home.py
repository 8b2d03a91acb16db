from core.calls import register_call
from tests.conftest import NOW
from tests.pages.conftest import texts


def test_home_counts_only_the_agents_own_calls(signed_in, session, people):
    for number, key in enumerate(["a1", "a1", "a2"]):
        register_call(
            session=session,
            recording_path=f"c{number}.flac",
            sha256=f"{number:064d}",
            agent_id=people[key].id,
            now=NOW,
        )
    session.commit()
    at = signed_in("a1")
    assert at.metric[0].label == "Calls" and at.metric[0].value == "2"
    assert "you see your calls" in texts(at)


def test_home_without_calls_says_so(signed_in):
    at = signed_in("lead")
    assert "No calls yet" in texts(at)
