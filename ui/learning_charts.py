"""Altair charts of the learning dashboard: lessons, streaks, mastery, before and after lessons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from analytics.impact import CriterionImpact, SkillPerformance
from analytics.learning import AgentLearning

__all__ = [
    "before_after_chart",
    "lesson_status_chart",
    "mastery_heatmap",
    "mastery_vs_pass_rate_chart",
    "streak_chart",
]

_GREEN, _BLUE, _RED, _GREY = "#2da44e", "#1f6feb", "#d1242f", "#8c959f"
_STATUSES = {"completed": _GREEN, "open": _BLUE, "overdue": _RED}


def _agent_axis(agents: Sequence[AgentLearning]) -> alt.Y:
    return alt.Y("agent:N", sort=[a.agent_name for a in agents], title=None)


def lesson_status_chart(agents: Sequence[AgentLearning]) -> alt.Chart:
    """Per agent, the lessons assigned in the dates as one bar: completed, open, overdue."""
    data = [
        {"agent": a.agent_name, "status": status, "lessons": count, "order": number}
        for a in agents
        for number, (status, count) in enumerate(
            (("completed", a.completed), ("open", a.open), ("overdue", a.overdue))
        )
        if count
    ]
    return (
        alt.Chart(alt.Data(values=data), height=alt.Step(28))
        .mark_bar()
        .encode(
            x=alt.X("lessons:Q", title="lessons assigned", axis=alt.Axis(tickMinStep=1)),
            y=_agent_axis(agents),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(_STATUSES), range=list(_STATUSES.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order="order:Q",
            tooltip=["agent:N", "status:N", "lessons:Q"],
        )
    )


def streak_chart(agents: Sequence[AgentLearning]) -> alt.Chart:
    """Per agent, the current and the best learning streak in days, side by side."""
    data = [
        {"agent": a.agent_name, "streak": kind, "days": days}
        for a in agents
        for kind, days in (("current", a.current_streak), ("best", a.best_streak))
    ]
    return (
        alt.Chart(alt.Data(values=data), height=alt.Step(14))
        .mark_bar()
        .encode(
            # Whole days only: a short streak must not put 0.5 days on the axis.
            x=alt.X(
                "days:Q",
                title="days in a row with a lesson or review",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=_agent_axis(agents),
            yOffset=alt.YOffset("streak:N", sort=["current", "best"]),
            color=alt.Color(
                "streak:N",
                scale=alt.Scale(domain=["current", "best"], range=[_BLUE, _GREY]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["agent:N", "streak:N", "days:Q"],
        )
    )


def mastery_heatmap(agents: Sequence[AgentLearning], titles: Mapping[str, str]) -> alt.LayerChart:
    """Skills down, agents across, each cell the chance the agent recalls the skill now."""
    data = [
        {
            "skill": titles.get(skill, skill),
            "agent": a.agent_name,
            "mastery": round(p, 3),
            "label": f"{p:.0%}",
        }
        for a in agents
        for skill, p in a.mastery.items()
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X(
            "agent:N",
            sort=[a.agent_name for a in agents],
            title=None,
            axis=alt.Axis(labelAngle=-30),
        ),
        y=alt.Y("skill:N", title=None, axis=alt.Axis(labelLimit=180)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "mastery:Q",
            scale=alt.Scale(domain=[0, 0.5, 1], range=[_RED, "#f2cc60", _GREEN]),
            legend=alt.Legend(format="%", title="recall"),
        ),
        tooltip=["agent:N", "skill:N", alt.Tooltip("mastery:Q", format=".0%")],
    )
    return alt.layer(cells, base.mark_text(fontSize=11).encode(text="label:N"))


def mastery_vs_pass_rate_chart(
    points: Sequence[SkillPerformance], titles: Mapping[str, str]
) -> alt.Chart:
    """One point per agent and skill they have cards for: mastery across, the pass rate of the
    criteria pointing to the skill up (point size: criterion results behind it)."""
    data = [
        {
            "skill": titles.get(p.skill, p.skill),
            "agent": p.agent_name,
            "mastery": round(p.mastery, 3),
            "pass rate": round(p.pass_rate.rate, 3),
            "results": p.pass_rate.calls,
        }
        for p in points
        if p.mastery is not None
    ]
    share = alt.Scale(domain=[0, 1])
    return (
        alt.Chart(alt.Data(values=data), height=300)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("mastery:Q", scale=share, axis=alt.Axis(format="%"), title="mastery"),
            y=alt.Y("pass rate:Q", scale=share, axis=alt.Axis(format="%"), title="pass rate"),
            # A legend below would be taken out of the chart's height and squash the plot.
            color=alt.Color("skill:N", legend=alt.Legend(orient="right")),
            size=alt.Size("results:Q", legend=None, scale=alt.Scale(range=[60, 400])),
            tooltip=[
                "agent:N",
                "skill:N",
                alt.Tooltip("mastery:Q", format=".0%"),
                alt.Tooltip("pass rate:Q", format=".0%"),
                "results:Q",
            ],
        )
    )


def before_after_chart(impacts: Sequence[CriterionImpact]) -> alt.LayerChart:
    """Per criterion, its pass rate before the agents' lessons (grey) and after (blue), joined
    by a line; a side without calls is left out."""
    data = [
        {"criterion": i.title, "when": when, "pass rate": round(side.rate, 3), "calls": side.calls}
        for i in impacts
        for when, side in (("before", i.before), ("after", i.after))
        if side.rate is not None
    ]
    base = alt.Chart(alt.Data(values=data), height=alt.Step(32)).encode(
        y=alt.Y("criterion:N", sort=[i.title for i in impacts], title=None),
        x=alt.X(
            "pass rate:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title=None
        ),
    )
    line = base.mark_line(color=_GREY).encode(detail="criterion:N")
    points = base.mark_circle(size=140, opacity=1).encode(
        color=alt.Color(
            "when:N",
            scale=alt.Scale(domain=["before", "after"], range=[_GREY, _BLUE]),
            legend=alt.Legend(orient="bottom", title="lessons completed"),
        ),
        tooltip=["criterion:N", "when:N", alt.Tooltip("pass rate:Q", format=".0%"), "calls:Q"],
    )
    return alt.layer(line, points)
