"""Written conversations into the database: stored once, redacted before storing, scored against
the team's written scorecard, the agent found by email; a bad one reported while the rest go on.
And `python -m workflow conversations` on the exports of tests/data/exports/."""

from datetime import datetime

from sqlmodel import Session, select

from core.models import Call, CallStatus, Channel, CriterionScore, Evaluation, Segment, Speaker
from qa.conversation_formats import Refused, read_conversations, read_json
from qa.conversation_import import customer_reference, import_conversations
from qa.scoring import CriterionResult, EvaluationResult, Evidence, Result
from tests.conftest import NOW
from tests.qa.test_conversation_formats import EXPORTS

CARD = "4111 1111 1111 1111"


def conversation(ident="c-1", card=CARD, **extra):
    return {
        "id": ident,
        "channel": "chat",
        "agent_email": "a1@example.com",
        "customer": "Jo.Reed@Example.com",
        "csat": 4,
        "messages": [
            {
                "author": "customer",
                "text": f"Hi, my card {card} was charged twice.",
                "at": "2026-11-03T14:00:00Z",
            },
            {
                "author": "agent",
                "text": "Hi Jo, I'm Sam. I've refunded the second charge.",
                "at": "2026-11-03T14:00:40Z",
            },
        ],
        **extra,
    }


class Scorer:
    """Records what it is asked to score and gives every conversation one passed criterion."""

    def __init__(self):
        self.seen = []

    def __call__(self, transcript, metrics, team_scorecard):
        self.seen.append((transcript, team_scorecard))
        evidence = Evidence.of(transcript.segments[1], 1)
        return EvaluationResult(
            scorecard=team_scorecard or "default",
            scorecard_version="1-test",
            score=100.0,
            auto_fail=False,
            needs_review=False,
            criteria=(CriterionResult("greeting", Result.PASS, 0.9, (evidence,), "named"),),
        )


def run(engine, data, scorer=None, **options):
    items = [("export.json", item) for item in read_json(data)]
    return import_conversations(
        engine=engine, items=items, now=lambda: NOW, score=scorer or Scorer(), **options
    )


def test_a_conversation_is_stored_redacted_as_a_call_of_its_channel(engine, people):
    scorer = Scorer()
    summary = run(engine, [conversation()], scorer)
    assert (summary.count("imported"), summary.failed) == (1, [])
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        segments = session.exec(select(Segment).order_by(Segment.start)).all()
        evaluation = session.exec(select(Evaluation)).one()
        criterion = session.exec(select(CriterionScore)).one()
    assert (call.channel, call.status, call.csat) == (Channel.CHAT, CallStatus.DONE, 4)
    assert call.agent_id == people["a1"].id and call.recording_path == ""
    assert call.started_at.replace(tzinfo=None) == datetime(2026, 11, 3, 14, 0)
    assert call.customer_ref == customer_reference("jo.reed@example.com ")
    assert "jo.reed" not in call.customer_ref
    assert [(s.speaker, s.start) for s in segments] == [
        (Speaker.CUSTOMER, 0.0),
        (Speaker.AGENT, 40.0),
    ]
    assert CARD not in segments[0].text and "[CARD]" in segments[0].text
    assert segments[0].text_unredacted is None
    transcript, team_scorecard = scorer.seen[0]
    assert "[CARD]" in transcript.segments[0].text  # the scorer sees only redacted text
    assert team_scorecard == "written"  # team A's written scorecard
    assert evaluation.call_id == call.id and criterion.result == "pass"


def test_the_same_conversation_is_stored_once_however_often_it_comes(engine, people):
    first = run(engine, [conversation("c-1"), conversation("c-1 again")])
    second = run(engine, [conversation("c-1")])
    assert (first.count("imported"), first.count("duplicate")) == (1, 1)
    assert (second.count("imported"), second.count("duplicate")) == (0, 1)
    with Session(engine) as session:
        assert len(session.exec(select(Call)).all()) == 1


def test_a_bad_conversation_is_reported_and_the_rest_are_stored(engine, people):
    class Breaks(Scorer):
        def __call__(self, transcript, metrics, team_scorecard):
            if "boom" in transcript.segments[0].text:
                raise RuntimeError("scorer broke")
            return super().__call__(transcript, metrics, team_scorecard)

    broken = conversation("c-2", card="boom")
    bad = {"id": "c-3", "channel": "fax", "messages": [{"author": "agent", "text": "Hi"}]}
    summary = run(engine, [conversation("c-1"), broken, bad], Breaks())
    assert summary.count("imported") == 1
    errors = [o.error for o in summary.failed]
    assert errors[0].startswith("c-2: import failed: RuntimeError('scorer broke')")
    assert errors[1].startswith("conversation 3.channel must be one of chat, email, social")
    assert summary.to_dict()["failed"][1]["file"] == "export.json"
    with Session(engine) as session:
        assert [c.original_name for c in session.exec(select(Call)).all()] == ["c-1"]
        assert len(session.exec(select(Segment)).all()) == 2  # nothing of c-2 is left


def test_an_agent_the_export_does_not_name_comes_from_the_option_or_stays_unassigned(
    engine, people
):
    unnamed = conversation("c-1")
    del unnamed["agent_email"]
    other = conversation("c-2", card="5500 0000 0000 0004")
    del other["agent_email"]
    scorer = Scorer()
    run(engine, [unnamed], scorer, agent_email="b1@example.com")
    run(engine, [other], scorer)
    with Session(engine) as session:
        calls = session.exec(select(Call).order_by(Call.id)).all()
    assert [c.agent_id for c in calls] == [people["b1"].id, None]
    assert [seen[1] for seen in scorer.seen] == ["written", "written"]


def test_the_unredacted_text_is_kept_only_when_asked(engine, people):
    run(engine, [conversation()], store_unredacted=True)
    with Session(engine) as session:
        first = session.exec(select(Segment).order_by(Segment.start)).first()
    assert CARD in first.text_unredacted


def test_a_refused_item_of_an_export_is_a_failure_of_that_item_only(engine, people):
    text = (EXPORTS / "zendesk_tickets.json").read_text()
    items = [("zendesk.json", item) for item in read_conversations(text, csv_file=False)]
    assert isinstance(items[1][1], Refused)
    summary = import_conversations(engine=engine, items=items, now=lambda: NOW, score=Scorer())
    assert summary.count("imported") == 1
    assert "Zendesk ticket 4412" in summary.failed[0].error


def test_the_calls_list_shows_and_filters_the_channel(engine, people):
    from core.calls import register_call
    from qa.call_list import CallListFilter, list_call_rows

    run(
        engine,
        [
            conversation("c-1"),
            {**conversation("e-1", card="5500 0000 0000 0004"), "channel": "email"},
        ],
    )
    with Session(engine) as session:
        register_call(
            session=session,
            recording_path="x.opus",
            sha256="9" * 64,
            agent_id=people["a1"].id,
            started_at=NOW,
            duration=60.0,
            now=NOW,
        )
        session.commit()
        everything, total = list_call_rows(session=session, viewer=people["lead"])
        assert total == 3
        assert sorted(str(r.channel) for r in everything) == ["call", "chat", "email"]
        written = CallListFilter(channels=frozenset({Channel.CHAT, Channel.EMAIL}))
        rows, total = list_call_rows(session=session, viewer=people["lead"], filters=written)
        assert total == 2 and {r.channel for r in rows} == {Channel.CHAT, Channel.EMAIL}


def _at(data, day):
    """`data` moved to another day of November 2026 (its messages keep their times of day)."""
    messages = [
        {**m, "at": m["at"].replace("2026-11-03", f"2026-11-{day:02d}")} for m in data["messages"]
    ]
    return {**data, "messages": messages}


def test_a_conversation_is_scored_beside_the_customers_earlier_ones(engine, people):
    earlier = _at(conversation("c-early", card="4000 0000 0000 0002"), 1)
    later = _at(conversation("c-late", card="4000 0000 0000 0010"), 5)
    stranger = _at({**conversation("c-other", card="5500 0000 0000 0004"), "customer": "x@y.z"}, 2)
    scorer = Scorer()
    # The later one comes first in the export: the import stores them in the order they happened.
    summary = run(engine, [later, stranger, earlier], scorer)
    assert [o.where for o in summary.outcomes] == ["c-late", "c-other", "c-early"]
    assert summary.count("imported") == 3
    seen = {t.source: t for t, _ in scorer.seen}
    assert seen["c-early"].earlier == () and seen["c-other"].earlier == ()
    (history,) = seen["c-late"].earlier
    assert history.channel == Channel.CHAT
    texts = [s.text for s in history.segments]
    assert "[CARD]" in texts[0] and "4000" not in texts[0]  # the earlier one as stored: redacted
