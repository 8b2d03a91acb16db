from datetime import timedelta

from analytics.facts import CallFacts
from analytics.impact import criterion_impact, skill_performance
from analytics.learning import AgentLearning
from coaching import PassRate
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA

_ids = iter(range(1, 10_000))


def _agent(number, name, *, mastery=None, done_for=None):
    return AgentLearning(
        agent_id=number,
        agent_name=name,
        team_id=1,
        assigned=0,
        completed=0,
        overdue=0,
        current_streak=0,
        best_streak=0,
        mastery=mastery or {},
        lessons_done_for=done_for or {},
    )


def _call(agent, days_ago, **results):
    """A default-scorecard call of `agent`; criteria not named pass."""
    return CallFacts(
        call_id=next(_ids),
        agent_id=agent.agent_id,
        agent_name=agent.agent_name,
        team_id=1,
        when=NOW - timedelta(days=days_ago),
        scorecard="default",
        score=80.0,
        auto_fail=False,
        reviewed=False,
        results={c: results.get(c, "pass") for c in DEFAULT_CRITERIA},
    )


def test_each_agents_mastery_of_a_skill_is_set_against_the_criteria_pointing_to_it():
    amy = _agent(1, "Amy", mastery={"de_escalation": 0.9})
    bo = _agent(2, "Bo")
    idle = _agent(3, "Idle")  # no calls: no point
    calls = [
        _call(amy, 3, empathy="fail"),
        _call(amy, 2, professionalism="na"),
        _call(bo, 1, empathy="fail", professionalism="fail"),
    ]

    points = skill_performance(agents=[bo, amy, idle], calls=calls)

    # De-escalation: empathy and professionalism point to it (default scorecard).
    escalation = [p for p in points if p.skill == "de_escalation"]
    assert [(p.agent_name, p.mastery, p.pass_rate) for p in escalation] == [
        ("Amy", 0.9, PassRate(passed=2, failed=1)),
        ("Bo", None, PassRate(passed=0, failed=2)),
    ]
    assert escalation[0].criteria == ("empathy", "professionalism")
    assert escalation[0].row() == {
        "skill": "de_escalation",
        "agent": "Amy",
        "mastery": 0.9,
        "passed": 2,
        "failed": 1,
        "pass rate": 0.667,
        "criteria": "empathy professionalism",
    }
    skills = {p.skill for p in points}
    assert {"identity_verification", "call_opening", "hold_and_transfer"} <= skills
    assert all(p.agent_name != "Idle" for p in points)


def test_a_criterions_calls_split_at_each_agents_own_lesson():
    amy = _agent(1, "Amy", done_for={"verification": NOW - timedelta(days=10)})
    bo = _agent(2, "Bo", done_for={"verification": NOW - timedelta(days=5)})
    cy = _agent(3, "Cy")  # did no lesson: her calls count for nothing
    calls = [
        _call(amy, 12, verification="fail"),
        _call(amy, 8),
        _call(amy, 7, verification="na"),  # not judged: neither side
        _call(bo, 9, verification="fail"),
        _call(bo, 6),  # before Bo's lesson
        _call(bo, 4),
        _call(cy, 2, verification="fail"),
    ]

    (impact,) = criterion_impact(agents=[amy, bo, cy], calls=calls)

    assert (impact.criterion_id, impact.title, impact.agents) == (
        "verification",
        "Identity verification",
        2,
    )
    assert (impact.before, impact.after) == (PassRate(1, 2), PassRate(2, 0))
    assert round(impact.change, 3) == 0.667
    assert impact.summary() == "33% of 3 calls before, 100% of 2 calls after (2 agents)"
    assert impact.row() == {
        "criterion": "verification",
        "agents": 2,
        "calls before": 3,
        "pass rate before": 0.333,
        "calls after": 2,
        "pass rate after": 1.0,
        "change": 0.667,
    }


def test_criteria_come_in_scorecard_order_and_a_side_without_calls_has_no_rate():
    amy = _agent(
        1,
        "Amy",
        done_for={"closing": NOW - timedelta(days=1), "greeting": NOW - timedelta(days=30)},
    )
    calls = [_call(amy, 3, closing="fail"), _call(amy, 2)]

    greeting, closing = criterion_impact(agents=[amy], calls=calls)

    assert (greeting.criterion_id, closing.criterion_id) == ("greeting", "closing")
    assert greeting.before == PassRate() and greeting.change is None
    assert greeting.summary() == "no calls before, 100% of 2 calls after (1 agent)"
    assert closing.before == PassRate(1, 1) and closing.after == PassRate()
