import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent, DisputeStatus
from qa.disputes import list_disputes, raise_dispute, resolve_dispute
from qa.evaluations import criterion_scores, latest_evaluation
from qa.scoring import Result
from tests.conftest import NOW
from tests.qa.conftest import scored_call


@pytest.fixture
def call(session, people):
    return scored_call(session, people["a1"], 1, failed=("closing", "empathy"))


def _dispute(session, people, call, criterion="closing", reason="I offered more help at 3:10"):
    return raise_dispute(
        session=session,
        agent=people["a1"],
        call_id=call.id,
        criterion_id=criterion,
        reason=reason,
        now=NOW,
    )


def _results(session, viewer, call):
    evaluation = latest_evaluation(session=session, viewer=viewer, call_id=call.id)
    return evaluation, {
        s.criterion_id: s.result for s in criterion_scores(session=session, evaluation=evaluation)
    }


def test_an_accepted_dispute_rescores_the_call_and_is_audited(session, people, call):
    before, _ = _results(session, people["a1"], call)
    dispute = _dispute(session, people, call)
    resolve_dispute(
        session=session,
        resolver=people["lead"],
        dispute_id=dispute.id,
        accept=True,
        reply="Fair, the transcript missed it",
        now=NOW,
    )
    after, results = _results(session, people["a1"], call)
    assert results["closing"] == "pass" and results["empathy"] == "fail"
    assert after.id != before.id and after.score > before.score
    assert after.reviewer_id == people["lead"].id
    assert dispute.status == DisputeStatus.ACCEPTED and dispute.new_result == "pass"
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == call.id)).all()
    assert actions == ["dispute", "dispute_accepted"]
    accepted = session.exec(select(AuditEvent).where(AuditEvent.action == "dispute_accepted")).one()
    assert accepted.before["score"] == before.score and accepted.after["score"] == after.score


def test_accepting_as_not_applicable_takes_the_criterion_out_of_the_score(session, people, call):
    dispute = _dispute(session, people, call, "empathy", "The customer was never upset")
    resolve_dispute(
        session=session,
        resolver=people["reviewer"],
        dispute_id=dispute.id,
        accept=True,
        reply=None,
        new_result=Result.NA,
        now=NOW,
    )
    evaluation, results = _results(session, people["a1"], call)
    assert results["empathy"] == "na"
    assert evaluation.score == pytest.approx(100 * 8 / 9, abs=0.1)  # closing still fails


def test_a_rejection_needs_a_reply_and_leaves_the_score(session, people, call):
    before, _ = _results(session, people["a1"], call)
    dispute = _dispute(session, people, call)
    with pytest.raises(InvalidInput, match="reply"):
        resolve_dispute(
            session=session,
            resolver=people["lead"],
            dispute_id=dispute.id,
            accept=False,
            reply="  ",
            now=NOW,
        )
    resolve_dispute(
        session=session,
        resolver=people["lead"],
        dispute_id=dispute.id,
        accept=False,
        reply="You asked 'anything else' only after the goodbye",
        now=NOW,
    )
    after, _ = _results(session, people["a1"], call)
    assert after.id == before.id
    [mine] = list_disputes(session=session, viewer=people["a1"])
    assert mine.dispute.status == DisputeStatus.REJECTED
    assert mine.resolver_name == people["lead"].name
    with pytest.raises(InvalidInput, match="already rejected"):
        resolve_dispute(
            session=session,
            resolver=people["lead"],
            dispute_id=dispute.id,
            accept=True,
            reply=None,
            now=NOW,
        )
    with pytest.raises(InvalidInput, match="disputed closing on this call already"):
        _dispute(session, people, call)


@pytest.mark.parametrize(
    ("criterion", "reason", "message"),
    [
        ("greeting", "It passed anyway", "Only a failed criterion"),
        ("nonsense", "why not", "no criterion 'nonsense'"),
        ("closing", "   ", "why you disagree"),
        ("closing", "x" * 2001, "under 2000 characters"),
    ],
)
def test_a_bad_dispute_is_refused_with_a_reason(session, people, call, criterion, reason, message):
    with pytest.raises(InvalidInput, match=message):
        _dispute(session, people, call, criterion, reason)
    assert list_disputes(session=session, viewer=people["a1"]) == []


def test_only_the_calls_agent_can_dispute_and_only_staff_in_scope_can_decide(session, people, call):
    for outsider in ("a2", "lead"):
        with pytest.raises(NotAllowed):
            raise_dispute(
                session=session,
                agent=people[outsider],
                call_id=call.id,
                criterion_id="closing",
                reason="mine",
                now=NOW,
            )
    dispute = _dispute(session, people, call)
    for outsider in ("lead_b", "a1"):
        with pytest.raises(NotAllowed):
            resolve_dispute(
                session=session,
                resolver=people[outsider],
                dispute_id=dispute.id,
                accept=True,
                reply=None,
                now=NOW,
            )
    assert list_disputes(session=session, viewer=people["lead_b"]) == []
    assert list_disputes(session=session, viewer=people["a2"]) == []
    [seen] = list_disputes(session=session, viewer=people["lead"], status=DisputeStatus.OPEN)
    assert seen.decided_by.result == "fail" and seen.agent_name == people["a1"].name
