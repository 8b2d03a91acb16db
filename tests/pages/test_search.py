import pytest

from analytics.conversation_search import SearchMode
from core.models import Speaker
from tests.analytics.test_conversation_search import say
from tests.coaching.conftest import call_on, days_ago
from tests.pages.conftest import texts


@pytest.fixture
def calls(session, people):
    mine = call_on(session, people["a1"], days_ago(1))
    theirs = call_on(session, people["a2"], days_ago(1))
    say(
        session,
        mine,
        (Speaker.AGENT, "Thanks for calling Northwind Energy."),
        (Speaker.CUSTOMER, "I want to speak to a supervisor about my bill."),
    )
    say(session, theirs, (Speaker.CUSTOMER, "Put me through to a supervisor now."))
    return {"a1": mine, "a2": theirs}


def _search(at, query: str, mode: SearchMode):
    at.switch_page("pages/search.py").run()
    at.radio(key="search_mode").set_value(mode)
    at.text_input(key="search_query").input(query)
    return at.run()


def _links(at) -> list[tuple[str, str]]:
    return [(link.proto.label, link.proto.query_string) for link in at.page_link]


def test_an_agent_finds_their_own_line_by_its_words_with_a_link_to_that_moment(signed_in, calls):
    at = _search(signed_in("a1"), "SUPERVISOR", SearchMode.WORDS)

    shown = texts(at)
    assert "I want to speak to a supervisor about my bill." in shown
    assert "Put me through" not in shown  # a colleague's call
    call_id = calls["a1"].id
    assert _links(at) == [(f"Play call #{call_id} from 0:12", f"call={call_id}&t=12")]
    assert "1 line found in 1 call." in shown
    assert at.get("download_button")[0].proto.label == "Download CSV"
    assert "search_agent" not in [box.key for box in at.selectbox]  # only their own calls


def test_a_search_without_matches_says_so(signed_in, calls):
    at = _search(signed_in("lead"), "refund", SearchMode.WORDS)

    assert "No lines match. Try other words, or widen the filters." in texts(at)
    assert not at.page_link


@pytest.mark.model
def test_a_lead_finds_a_line_by_meaning_across_the_team(signed_in, calls, embedder):
    at = _search(signed_in("lead"), "the caller asks for a manager", SearchMode.MEANING)

    assert "search_agent" in [box.key for box in at.selectbox]
    links = _links(at)
    assert links[:2] == [
        (f"Play call #{calls['a2'].id} from 0:02", f"call={calls['a2'].id}&t=2"),
        (f"Play call #{calls['a1'].id} from 0:12", f"call={calls['a1'].id}&t=12"),
    ]
    assert "similarity 0." in texts(at)  # each hit's similarity to the query
    assert "Thanks for calling" not in texts(at)
