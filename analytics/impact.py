"""Learning to performance: mastery against pass rates, and pass rates before and after lessons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.facts import CallFacts
from analytics.learning import AgentLearning
from coaching import PassRate, criteria_of

__all__ = ["CriterionImpact", "SkillPerformance", "criterion_impact", "skill_performance"]


# One agent and one skill: how well they remember it against how often they pass the QA
# criteria that point to it.
@dataclass(frozen=True)
class SkillPerformance:
    skill: str
    agent_id: int
    agent_name: str
    mastery: float | None
    """Mean recall probability of the agent's cards for the skill, None with no cards yet."""
    pass_rate: PassRate
    """The criteria pointing to the skill, pooled over the agent's calls (n/a left out)."""
    criteria: tuple[str, ...]

    def row(self) -> dict[str, object]:
        """The point as a table row (CSV export)."""
        return {
            "skill": self.skill,
            "agent": self.agent_name,
            "mastery": None if self.mastery is None else round(self.mastery, 3),
            "passed": self.pass_rate.passed,
            "failed": self.pass_rate.failed,
            "pass rate": round(self.pass_rate.rate, 3),
            "criteria": " ".join(self.criteria),
        }


# A criterion's pass rate on the calls before and after the agents who completed a lesson
# assigned for it completed one (each agent's own calls split at their own completion).
@dataclass(frozen=True)
class CriterionImpact:
    criterion_id: str
    title: str
    agents: int
    """Agents who completed a lesson for the criterion and have calls judged on it."""
    before: PassRate
    after: PassRate

    @property
    def change(self) -> float | None:
        """After minus before (in 0-1 pass-rate points), None when a side has no calls."""
        if self.before.rate is None or self.after.rate is None:
            return None
        return self.after.rate - self.before.rate

    def summary(self) -> str:
        """In words: "0% of 1 call before, 100% of 2 calls after (1 agent)"."""

        def side(rate: PassRate, when: str) -> str:
            calls = f"{rate.calls} call{'s' if rate.calls != 1 else ''}"
            return f"{rate.rate:.0%} of {calls} {when}" if rate.calls else f"no calls {when}"

        agents = f"{self.agents} agent{'s' if self.agents != 1 else ''}"
        return f"{side(self.before, 'before')}, {side(self.after, 'after')} ({agents})"

    def row(self) -> dict[str, object]:
        """The criterion's before and after as a table row (CSV export)."""

        def share(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "criterion": self.criterion_id,
            "agents": self.agents,
            "calls before": self.before.calls,
            "pass rate before": share(self.before.rate),
            "calls after": self.after.calls,
            "pass rate after": share(self.after.rate),
            "change": share(self.change),
        }


def _count(results: Iterable[str]) -> PassRate:
    results = list(results)
    return PassRate(passed=results.count("pass"), failed=results.count("fail"))


def skill_performance(
    *, agents: Sequence[AgentLearning], calls: Sequence[CallFacts]
) -> list[SkillPerformance]:
    """Per skill that a criterion of the calls' scorecards points to, and per agent with calls
    judged on those criteria: the agent's mastery against their pass rate. By skill, then agent.

    Args:
        agents: the agents' learning (`analytics.learning.agent_learning`), for mastery.
        calls: the scored calls in the same filters (`analytics.facts.call_facts`).
    """
    criteria = criteria_of(call.scorecard for call in reversed(calls))  # newest wording first
    pointing: dict[str, list[str]] = defaultdict(list)
    for criterion_id, focus in criteria.items():
        for skill in focus.skills:
            pointing[skill].append(criterion_id)
    by_agent: dict[int, list[CallFacts]] = defaultdict(list)
    for call in calls:
        by_agent[call.agent_id].append(call)
    rows = []
    for skill, criterion_ids in sorted(pointing.items()):
        for agent in sorted(agents, key=lambda a: a.agent_name):
            rate = _count(
                call.results[c]
                for call in by_agent[agent.agent_id]
                for c in criterion_ids
                if c in call.results
            )
            if rate.calls:
                rows.append(
                    SkillPerformance(
                        skill=skill,
                        agent_id=agent.agent_id,
                        agent_name=agent.agent_name,
                        mastery=agent.mastery.get(skill),
                        pass_rate=rate,
                        criteria=tuple(criterion_ids),
                    )
                )
    return rows


def criterion_impact(
    *, agents: Sequence[AgentLearning], calls: Sequence[CallFacts]
) -> list[CriterionImpact]:
    """Per criterion some agent completed a lesson for: its pass rate on those agents' calls
    before their completion against the calls since, in scorecard order. Only agents who
    completed such a lesson count; a call not judged on the criterion (n/a) counts for neither
    side. The call that led to the lesson is a "before" call, so "before" leans to failing.

    Args:
        agents: the agents' learning (`analytics.learning.agent_learning`), for when each
            completed a lesson for a criterion.
        calls: the scored calls in the same filters (`analytics.facts.call_facts`).
    """
    criteria = criteria_of(call.scorecard for call in reversed(calls))
    by_agent: dict[int, list[CallFacts]] = defaultdict(list)
    for call in calls:
        by_agent[call.agent_id].append(call)
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    counted: dict[str, int] = defaultdict(int)
    for agent in agents:
        for criterion_id, done_at in agent.lessons_done_for.items():
            results = [
                (call.when, call.results[criterion_id])
                for call in by_agent[agent.agent_id]
                if call.results.get(criterion_id) in ("pass", "fail")
            ]
            if results:
                counted[criterion_id] += 1
            for when, result in results:
                (before if when < done_at else after)[criterion_id].append(result)
    order = {criterion_id: number for number, criterion_id in enumerate(criteria)}
    return [
        CriterionImpact(
            criterion_id=criterion_id,
            title=criteria[criterion_id].title if criterion_id in criteria else criterion_id,
            agents=count,
            before=_count(before[criterion_id]),
            after=_count(after[criterion_id]),
        )
        for criterion_id, count in sorted(
            counted.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    ]
