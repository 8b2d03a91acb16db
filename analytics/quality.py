"""QA figures from scored calls: weekly scores, pass rates by criterion and agent, speech
metrics by agent against the team, and who and what is furthest below target."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from analytics.facts import CallFacts, week_start
from analytics.targets import KPI, Targets
from core.models import Channel

__all__ = [
    "PassRate",
    "ShortOfTarget",
    "SpeechProfile",
    "WeeklyScore",
    "criteria_below_target",
    "agents_below_target",
    "mean_csat",
    "mean_score",
    "overall_pass_rate",
    "pass_rates",
    "speech_profile",
    "speech_profiles",
    "weekly_scores",
    "weekly_scores_by_channel",
]

TEAM = "Team"  # the row that stands for everyone in the filter, next to each agent's


# The mean QA score of one week's calls (of one channel's conversations, when `channel` is set).
@dataclass(frozen=True)
class WeeklyScore:
    week: date
    """The Monday the week starts on."""
    calls: int
    mean_score: float
    channel: Channel | None = None

    def row(self) -> dict[str, object]:
        """The week as a table row (CSV export)."""
        channel = {} if self.channel is None else {"channel": str(self.channel)}
        return {
            "week": self.week.isoformat(),
            **channel,
            "calls": self.calls,
            "mean score": round(self.mean_score, 1),
        }


# How often calls passed one criterion, for one agent (or the whole filter: agent TEAM).
@dataclass(frozen=True)
class PassRate:
    criterion_id: str
    agent: str
    passed: int
    failed: int

    @property
    def calls(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float:
        return self.passed / self.calls

    def row(self) -> dict[str, object]:
        return {
            "criterion": self.criterion_id,
            "agent": self.agent,
            "passed": self.passed,
            "failed": self.failed,
            "pass rate": round(self.rate, 3),
        }


# One agent's speech habits (or the team's: agent TEAM), averaged over their calls.
@dataclass(frozen=True)
class SpeechProfile:
    agent: str
    calls: int
    talk_to_listen: float | None
    """Mean of agent talk / customer talk; None without a call where both spoke."""
    agent_talk_share: float | None
    """Agent talk / (agent + customer talk), mean over calls."""
    silence_seconds: float
    """Mean dead air per call."""
    overtalk_per_call: float | None
    """Mean overtalk stretches the agent started per call; None on mono calls only."""

    def row(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "calls": self.calls,
            "talk-to-listen": _round(self.talk_to_listen),
            "agent talk share": _round(self.agent_talk_share),
            "dead air s per call": round(self.silence_seconds, 1),
            "agent overtalk per call": _round(self.overtalk_per_call),
        }


# Someone or something short of its target, by how much.
@dataclass(frozen=True)
class ShortOfTarget:
    name: str
    kpi: KPI
    figure: float
    target: float
    calls: int

    @property
    def shortfall(self) -> float:
        return self.target - self.figure


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def mean_score(calls: Sequence[CallFacts]) -> float | None:
    return fmean(c.score for c in calls) if calls else None


def mean_csat(calls: Sequence[CallFacts]) -> float | None:
    rated = [c.csat for c in calls if c.csat is not None]
    return fmean(rated) if rated else None


def overall_pass_rate(calls: Iterable[CallFacts]) -> float | None:
    """Share of applicable criterion results that passed, over every criterion and call."""
    results = [r for call in calls for r in call.results.values() if r in ("pass", "fail")]
    return results.count("pass") / len(results) if results else None


def weekly_scores(calls: Iterable[CallFacts]) -> list[WeeklyScore]:
    """Per week with scored calls, oldest first, their mean score."""
    weeks: dict[date, list[float]] = defaultdict(list)
    for call in calls:
        weeks[week_start(call.when)].append(call.score)
    return [WeeklyScore(week, len(scores), fmean(scores)) for week, scores in sorted(weeks.items())]


def weekly_scores_by_channel(calls: Iterable[CallFacts]) -> list[WeeklyScore]:
    """Per channel and week with scored conversations, by week then channel, their mean score
    (each channel scored on its own scorecard, so the lines compare how each standard is met)."""
    weeks: dict[tuple[date, Channel], list[float]] = defaultdict(list)
    for call in calls:
        weeks[week_start(call.when), Channel(call.channel)].append(call.score)
    return [
        WeeklyScore(week, len(scores), fmean(scores), channel)
        for (week, channel), scores in sorted(weeks.items())
    ]


def pass_rates(calls: Iterable[CallFacts], *, with_team: bool = True) -> list[PassRate]:
    """Per criterion and agent (and with `with_team` for everyone together, agent TEAM), how
    many calls passed and failed; not-applicable results are left out, and so is a pair with
    no applicable call."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for call in calls:
        for criterion_id, result in call.results.items():
            if result not in ("pass", "fail"):
                continue
            for who in (call.agent_name, TEAM) if with_team else (call.agent_name,):
                counts[(criterion_id, who)][result == "fail"] += 1
    return [
        PassRate(criterion_id, agent, passed, failed)
        for (criterion_id, agent), (passed, failed) in sorted(counts.items())
    ]


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def speech_profile(agent: str, calls: Sequence[CallFacts]) -> SpeechProfile:
    """The speech metrics of `calls` averaged, under the name `agent`."""
    metrics = [c.metrics for c in calls if c.metrics]
    ratios = [m["talk_to_listen_ratio"] for m in metrics if m.get("talk_to_listen_ratio")]
    shares = [
        m["agent_talk_seconds"] / (m["agent_talk_seconds"] + m["customer_talk_seconds"])
        for m in metrics
        if m.get("agent_talk_seconds", 0) + m.get("customer_talk_seconds", 0) > 0
    ]
    overtalk = [
        m["agent_overtalk_count"] for m in metrics if m.get("agent_overtalk_count") is not None
    ]
    return SpeechProfile(
        agent=agent,
        calls=len(metrics),
        talk_to_listen=_mean(ratios),
        agent_talk_share=_mean(shares),
        silence_seconds=_mean([m.get("silence_seconds", 0.0) for m in metrics]) or 0.0,
        overtalk_per_call=_mean(overtalk),
    )


def speech_profiles(calls: Sequence[CallFacts], *, with_team: bool = True) -> list[SpeechProfile]:
    """Each agent's speech metrics, by name, then (with `with_team`) the team's (agent TEAM)
    over every call; agents without a transcribed call are left out."""
    by_agent: dict[str, list[CallFacts]] = defaultdict(list)
    for call in calls:
        by_agent[call.agent_name].append(call)
    rows = [speech_profile(agent, own) for agent, own in sorted(by_agent.items())]
    team = [speech_profile(TEAM, calls)] if calls and with_team else []
    return [row for row in rows if row.calls] + team


def agents_below_target(
    calls: Sequence[CallFacts], targets: Targets, *, limit: int = 5
) -> list[ShortOfTarget]:
    """The agents whose mean QA score is furthest below the team QA score target, worst
    first (none without a target)."""
    target = targets.get(KPI.QA_SCORE)
    if target is None:
        return []
    by_agent: dict[str, list[CallFacts]] = defaultdict(list)
    for call in calls:
        if call.agent_id is not None:
            by_agent[call.agent_name].append(call)
    short = [
        ShortOfTarget(agent, KPI.QA_SCORE, score, target, len(own))
        for agent, own in by_agent.items()
        if (score := mean_score(own)) is not None and score < target
    ]
    return sorted(short, key=lambda s: -s.shortfall)[:limit]


def criteria_below_target(
    calls: Sequence[CallFacts], targets: Targets, *, limit: int = 5
) -> list[ShortOfTarget]:
    """The criteria whose pass rate is furthest below their pass-rate target, worst first."""
    short = []
    for row in pass_rates(calls):
        if row.agent != TEAM:
            continue
        target = targets.get(KPI.PASS_RATE, row.criterion_id)
        if target is not None and row.rate < target:
            short.append(
                ShortOfTarget(row.criterion_id, KPI.PASS_RATE, row.rate, target, row.calls)
            )
    return sorted(short, key=lambda s: -s.shortfall)[:limit]
