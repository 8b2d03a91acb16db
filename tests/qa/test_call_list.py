"""The calls list: each call's official score and state, every filter, sorting and paging."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.calls import register_call
from core.errors import InvalidInput
from core.models import CallStatus, Dispute, Evaluation, EvaluationSource
from qa.call_list import CallListFilter, CallSort, CallState, list_call_rows
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW


def _evaluation(session, call):
    return session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).one()


@pytest.fixture
def calls(session, people):
    """a1: a scored call failing empathy and one auto-QA wants reviewed; a2: a reviewed call and
    a disputed one; a failed import; b1 (team B): a scored call."""
    made = {
        "scored": call_on(session, people["a1"], days_ago(1), failed=["empathy"]),
        "needs_review": call_on(session, people["a1"], days_ago(2)),
        "reviewed": call_on(session, people["a2"], days_ago(3), failed=["closing", "empathy"]),
        "disputed": call_on(session, people["a2"], days_ago(4), failed=["greeting"]),
        "b1": call_on(session, people["b1"], days_ago(5)),
    }
    flagged = _evaluation(session, made["needs_review"])
    flagged.needs_review = True
    auto = _evaluation(session, made["reviewed"])
    session.add(
        Evaluation(
            call_id=made["reviewed"].id,
            source=EvaluationSource.HUMAN,
            scorecard=auto.scorecard,
            scorecard_version=auto.scorecard_version,
            score=95.0,
            auto_fail=False,
            needs_review=False,
            created_at=NOW,
        )
    )
    session.add(
        Dispute(
            call_id=made["disputed"].id,
            evaluation_id=_evaluation(session, made["disputed"]).id,
            criterion_id="greeting",
            agent_id=people["a2"].id,
            reason="I did greet",
            created_at=NOW,
        )
    )
    failed = register_call(
        session=session,
        recording_path="broken.wav",
        sha256="f" * 64,
        agent_id=people["a1"].id,
        started_at=days_ago(6),
        now=NOW,
    )
    failed.status, failed.error = CallStatus.FAILED, "not a readable audio file"
    made["failed"] = failed
    session.add_all([flagged, failed])
    session.commit()
    return {key: call.id for key, call in made.items()}


def _ids(rows):
    return [row.call_id for row in rows]


def test_each_call_shows_its_official_score_and_where_it_stands(session, people, calls):
    rows, total = list_call_rows(session=session, viewer=people["lead"])
    assert total == 5 and calls["b1"] not in _ids(rows)  # team B is not the lead's
    by_id = {row.call_id: row for row in rows}
    assert _ids(rows) == [
        calls[k] for k in ("scored", "needs_review", "reviewed", "disputed", "failed")
    ]
    assert {k: by_id[calls[k]].state for k in calls if k != "b1"} == {
        "scored": CallState.SCORED,
        "needs_review": CallState.NEEDS_REVIEW,
        "reviewed": CallState.REVIEWED,
        "disputed": CallState.DISPUTED,
        "failed": CallState.FAILED,
    }
    assert by_id[calls["reviewed"]].score == 95.0  # the reviewer's, not auto-QA's
    assert by_id[calls["failed"]].error == "not a readable audio file"
    assert by_id[calls["failed"]].score is None


def test_filters_narrow_by_state_criterion_score_agent_team_and_dates(session, people, calls):
    def ids(**given):
        rows, total = list_call_rows(
            session=session, viewer=people["admin"], filters=CallListFilter(**given)
        )
        assert total == len(rows)
        return set(_ids(rows))

    assert ids(states=frozenset({CallState.FAILED, CallState.DISPUTED})) == {
        calls["failed"],
        calls["disputed"],
    }
    assert ids(failed_criterion="empathy") == {calls["scored"]}  # reviewed's official passes
    assert ids(max_score=90) == {calls["scored"], calls["disputed"]}
    assert ids(min_score=96) == {calls["needs_review"], calls["b1"]}
    assert ids(agent_id=people["a2"].id) == {calls["reviewed"], calls["disputed"]}
    assert ids(team_id=people["b1"].team_id) == {calls["b1"]}
    assert ids(start=days_ago(4).date(), end=days_ago(2).date()) == {
        calls["needs_review"],
        calls["reviewed"],
        calls["disputed"],
    }


def test_sorting_and_paging_keep_the_total(session, people, calls):
    lowest, total = list_call_rows(
        session=session, viewer=people["admin"], sort=CallSort.LOWEST_SCORE, limit=2
    )
    assert total == 6 and _ids(lowest) == [calls["disputed"], calls["scored"]]
    last, _ = list_call_rows(
        session=session, viewer=people["admin"], sort=CallSort.LOWEST_SCORE, offset=5, limit=2
    )
    assert _ids(last) == [calls["failed"]]  # no score: last
    agents, _ = list_call_rows(session=session, viewer=people["admin"], sort=CallSort.AGENT)
    assert [row.agent for row in agents][:2] == ["A1 Person", "A1 Person"]


def test_an_agent_lists_only_their_own_calls(session, people, calls):
    rows, total = list_call_rows(session=session, viewer=people["a2"])
    assert (set(_ids(rows)), total) == ({calls["reviewed"], calls["disputed"]}, 2)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"limit": 0}, "Pages hold"),
        ({"offset": -1}, "Pages hold"),
        ({"filters": CallListFilter(min_score=80, max_score=20)}, "lowest score"),
    ],
)
def test_a_bad_page_or_range_is_refused(session, people, given, message):
    with pytest.raises(InvalidInput, match=message):
        list_call_rows(session=session, viewer=people["admin"], **given)
