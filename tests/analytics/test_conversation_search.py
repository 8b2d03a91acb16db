"""Conversation search: by words and by meaning, in the viewer's scope, with every filter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, delete

from analytics.conversation_search import SegmentFilter, search_segments
from core.errors import InvalidInput, NotAllowed
from core.models import (
    Call,
    Channel,
    CriterionScore,
    Evaluation,
    EvaluationSource,
    Segment,
    Speaker,
    User,
)
from index.segment_index import SegmentIndex
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA


def say(session: Session, call: Call, *lines: tuple[Speaker, str]) -> list[Segment]:
    """Give `call` a transcript: one segment per (speaker, text), 10 s apart."""
    segments = [
        Segment(call_id=call.id, start=10.0 * n + 2, end=10.0 * n + 8, speaker=who, text=text)
        for n, (who, text) in enumerate(lines)
    ]
    session.add_all(segments)
    session.commit()
    return segments


@pytest.fixture
def calls(session, people) -> dict[str, Call]:
    """a1: two calls (one failing empathy, one a month old); a2 and b1: one each."""
    made = {
        "a1": call_on(session, people["a1"], days_ago(1), failed=["empathy"]),
        "a1_old": call_on(session, people["a1"], days_ago(30)),
        "a2": call_on(session, people["a2"], days_ago(2)),
        "b1": call_on(session, people["b1"], days_ago(3), failed=["empathy"]),
    }
    say(
        session,
        made["a1"],
        (Speaker.AGENT, "Thank you for calling Northwind, how can I help?"),
        (Speaker.CUSTOMER, "I want to speak to your SUPERVISOR right now."),
        (Speaker.AGENT, "Our supervisors are all on calls, I'm afraid."),
    )
    say(session, made["a1_old"], (Speaker.CUSTOMER, "Is there a supervisor I can talk to?"))
    say(session, made["a2"], (Speaker.CUSTOMER, "Get me a supervisor, please."))
    say(session, made["b1"], (Speaker.CUSTOMER, "I'd like a supervisor on the line."))
    return made


def words(session, viewer: User, query: str, **filters) -> list[tuple[int, str]]:
    hits = search_segments(
        session=session,
        viewer=viewer,
        query=query,
        mode="words",
        filters=SegmentFilter(**filters),
    )
    return [(hit.call_id, hit.text) for hit in hits]


def test_words_match_whole_words_in_any_case_newest_call_first(session, people, calls):
    found = words(session, people["admin"], "supervisor")

    assert found == [
        (calls["a1"].id, "I want to speak to your SUPERVISOR right now."),
        (calls["a2"].id, "Get me a supervisor, please."),
        (calls["b1"].id, "I'd like a supervisor on the line."),
        (calls["a1_old"].id, "Is there a supervisor I can talk to?"),
    ]  # "supervisors" is another word
    assert words(session, people["admin"], "on  the LINE") == [
        (calls["b1"].id, "I'd like a supervisor on the line.")
    ]
    assert words(session, people["admin"], "supervis") == []


def test_a_words_hit_says_who_said_it_when_and_links_to_that_moment(session, people, calls):
    (hit,) = search_segments(
        session=session, viewer=people["lead"], query="right now", mode="words"
    )

    assert (hit.agent_name, hit.speaker, hit.start) == ("A1 Person", "customer", 12.0)
    assert hit.call_date == days_ago(1)
    assert hit.link_params == {"call": str(calls["a1"].id), "t": "12"}
    assert hit.to_row()["at"] == "0:12"


@pytest.mark.parametrize("duration", [40.0, None])
def test_a_message_of_a_written_conversation_is_placed_by_its_time_or_number(
    session, people, calls, duration
):
    chat = calls["a2"]
    chat.channel, chat.duration = Channel.CHAT, duration
    session.add(chat)
    session.commit()
    (hit,) = search_segments(session=session, viewer=people["lead"], query="get me", mode="words")
    assert hit.channel == "chat" and hit.start == 2.0
    sent = hit.call_date + timedelta(seconds=2)
    expected = sent.strftime("%d %b %H:%M") if duration else "message 3"
    assert hit.place == expected and hit.to_row()["at"] == expected


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("a1", {"a1", "a1_old"}),
        ("a2", {"a2"}),
        ("lead", {"a1", "a1_old", "a2"}),
        ("lead_b", {"b1"}),
        ("reviewer", {"a1", "a1_old", "a2", "b1"}),
    ],
)
def test_each_person_finds_only_lines_of_calls_they_may_see(session, people, calls, who, shown):
    found = {call_id for call_id, _ in words(session, people[who], "supervisor")}
    assert found == {calls[key].id for key in shown}


def test_filters_narrow_by_agent_dates_speaker_and_criterion_result(session, people, calls):
    lead = people["lead"]
    a1_calls = {calls["a1"].id, calls["a1_old"].id}

    def ids(query: str, **filters) -> set[int]:
        return {call_id for call_id, _ in words(session, lead, query, **filters)}

    assert ids("supervisor", agent_id=people["a1"].id) == a1_calls
    recent = {"start": (NOW - timedelta(days=7)).date(), "end": NOW.date()}
    assert ids("supervisor", **recent) == {calls["a1"].id, calls["a2"].id}
    assert words(session, lead, "supervisors", speaker=Speaker.CUSTOMER) == []
    assert ids("supervisors", speaker=Speaker.AGENT) == {calls["a1"].id}
    failed = {"criterion_id": "empathy", "criterion_result": "fail"}
    assert ids("supervisor", **failed) == {calls["a1"].id}
    assert ids("supervisor", criterion_id="empathy", criterion_result="pass") == {
        calls["a1_old"].id,
        calls["a2"].id,
    }


def test_the_criterion_filter_follows_the_official_evaluation(session, people, calls):
    # A reviewer passed empathy on a1's call: the human evaluation outranks auto-QA's fail.
    human = Evaluation(
        call_id=calls["a1"].id,
        source=EvaluationSource.HUMAN,
        reviewer_id=people["reviewer"].id,
        scorecard="default",
        scorecard_version="1+test",
        score=100.0,
        auto_fail=False,
        needs_review=False,
        created_at=NOW,
    )
    session.add(human)
    session.flush()
    session.add_all(
        CriterionScore(evaluation_id=human.id, criterion_id=c, result="pass", confidence=1.0)
        for c in DEFAULT_CRITERIA
    )
    session.commit()

    failed = words(
        session, people["admin"], "supervisor", criterion_id="empathy", criterion_result="fail"
    )
    assert [call_id for call_id, _ in failed] == [calls["b1"].id]


@pytest.mark.parametrize(
    ("query", "mode", "filters", "message"),
    [
        ("   ", "words", {}, "Type what to search for."),
        ("x" * 301, "words", {}, "Searches are at most 300 characters long."),
        ("hello", "fuzzy", {}, "Search by meaning or words, not 'fuzzy'."),
        (
            "hello",
            "words",
            {"start": NOW.date(), "end": (NOW - timedelta(days=1)).date()},
            "The date range ends before it starts.",
        ),
        (
            "hello",
            "words",
            {"criterion_id": "empathy"},
            "Pick both a criterion and the result to look for, or neither.",
        ),
        (
            "hello",
            "words",
            {"criterion_id": "empathy", "criterion_result": "maybe"},
            "A criterion result is one of pass, fail, na.",
        ),
        ("hello", "words", {"agent_id": 424242}, "There is no agent #424242."),
    ],
)
def test_a_bad_search_says_what_is_wrong(session, people, query, mode, filters, message):
    with pytest.raises(InvalidInput) as refused:
        search_segments(
            session=session,
            viewer=people["admin"],
            query=query,
            mode=mode,
            filters=SegmentFilter(**filters),
        )
    assert str(refused.value) == message


@pytest.mark.parametrize(("who", "whose"), [("a1", "a2"), ("lead_b", "a1")])
def test_filtering_on_an_agent_outside_ones_view_is_refused(session, people, calls, who, whose):
    with pytest.raises(NotAllowed):
        words(session, people[who], "supervisor", agent_id=people[whose].id)


@pytest.fixture
def segment_index(tmp_path: Path, fake_embedder) -> SegmentIndex:
    return SegmentIndex(tmp_path / "segments", embedder=fake_embedder)


def meaning(session, viewer: User, query: str, index: SegmentIndex, **filters) -> list:
    return search_segments(
        session=session,
        viewer=viewer,
        query=query,
        mode="meaning",
        filters=SegmentFilter(**filters),
        index=index,
    )


def test_a_meaning_search_never_returns_another_agents_lines(session, people, calls, segment_index):
    # a2's and b1's lines are as close to the query as a1's: they still never come back.
    hits = meaning(session, people["a1"], "get me a supervisor please", segment_index)

    assert hits and {hit.call_id for hit in hits} <= {calls["a1"].id, calls["a1_old"].id}
    everyone = meaning(session, people["admin"], "get me a supervisor please", segment_index)
    assert everyone[0].call_id == calls["a2"].id  # the same words, for someone who may see it
    assert segment_index.size == 6  # new calls were indexed by the search


def test_a_deleted_calls_lines_are_not_found_any_more(session, people, calls, segment_index):
    assert meaning(session, people["admin"], "on the line", segment_index)[0].call_id == (
        calls["b1"].id
    )
    session.exec(delete(Segment).where(Segment.call_id == calls["b1"].id))
    session.exec(delete(Call).where(Call.id == calls["b1"].id))
    session.commit()

    hits = meaning(session, people["admin"], "on the line", segment_index)

    assert calls["b1"].id not in {hit.call_id for hit in hits}


@pytest.mark.model
def test_a_meaning_search_finds_what_the_customer_meant_in_other_words(
    session, people, embedder, tmp_path
):
    call = call_on(session, people["a1"], days_ago(1))
    say(
        session,
        call,
        (Speaker.AGENT, "Good morning, you're through to Northwind Energy."),
        (Speaker.CUSTOMER, "I've had enough, please close my account, I'm switching supplier."),
        (Speaker.AGENT, "Let me read your meter readings back to you."),
        (Speaker.CUSTOMER, "The weather has been lovely this week."),
        (Speaker.CUSTOMER, "Hello?"),
        (Speaker.AGENT, "Thank you for calling Northwind Energy, have a lovely day."),
    )
    index = SegmentIndex(tmp_path / "segments", embedder=embedder)

    hits = meaning(session, people["a1"], "customer wants to cancel", index)

    assert hits[0].text.startswith("I've had enough, please close my account")
    assert "The weather has been lovely this week." not in [hit.text for hit in hits]
    # Nothing an agent said is about cancelling: no weak matches padded in.
    assert meaning(session, people["a1"], "customer wants to cancel", index, speaker="agent") == []
    (meter, *_) = meaning(session, people["a1"], "checking the meter", index, speaker="agent")
    assert meter.text == "Let me read your meter readings back to you."
    # Nonsense finds nothing, and a one-word line is close to everything, so never a hit.
    assert meaning(session, people["a1"], "xyzzy qwerty", index) == []
    assert "Hello?" not in [hit.text for hit in meaning(session, people["a1"], "hello", index)]
