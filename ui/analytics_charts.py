"""Altair charts of the QA dashboard: weekly scores, pass-rate heatmap, agreement over time,
calibration results and speech metrics, each with its target where one is set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from analytics.quality import TEAM, PassRate, SpeechProfile, WeeklyScore
from analytics.reviewing import AgreementPoint, CalibrationOutcome
from ui.labels import channel_label

__all__ = [
    "agreement_trend_chart",
    "calibration_chart",
    "pass_rate_heatmap",
    "speech_chart",
    "weekly_score_chart",
]

_BLUE, _GREY, _RED = "#1f6feb", "#57606a", "#d1242f"
# One colour per channel that no other is close to (and none the target's red).
_CHANNEL_COLOURS = {"Voice": _BLUE, "Chat": "#1a7f37", "Email": "#bf8700", "Social": "#8250df"}


def _target_rule(value: float | None, *, axis: str, label: str) -> list[alt.Chart]:
    """A dashed line at the target, labelled, or nothing when no target is set."""
    if value is None:
        return []
    data = alt.Data(values=[{"target": value, "label": label}])
    encoding = {axis: alt.X("target:Q") if axis == "x" else alt.Y("target:Q")}
    rule = alt.Chart(data).mark_rule(color=_RED, strokeDash=[6, 4]).encode(**encoding)
    text = (
        alt.Chart(data)
        .mark_text(color=_RED, align="left", dx=4, dy=-6)
        .encode(**encoding, text="label:N")
    )
    return [rule, text]


def weekly_score_chart(weeks: Sequence[WeeklyScore], target: float | None) -> alt.LayerChart:
    """Mean QA score per week as a line (point size: calls), one line per channel when the
    weeks are split by channel, the target as a dashed rule."""
    data = [
        {
            "week": w.week.isoformat(),
            "score": round(w.mean_score, 1),
            "calls": w.calls,
            "channel": channel_label(w.channel) if w.channel else "",
        }
        for w in weeks
    ]
    by_channel = any(w.channel for w in weeks)
    tooltip = [alt.Tooltip("week:T", format="%d %b %Y"), "score:Q", "calls:Q"]
    line = (
        alt.Chart(alt.Data(values=data), height=240)
        .mark_line(
            point=alt.OverlayMarkDef(filled=True, size=70),
            **({} if by_channel else {"color": _BLUE}),
        )
        .encode(
            x=alt.X("week:T", title="week starting", axis=alt.Axis(format="%d %b")),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title="mean QA score"),
            tooltip=[*tooltip, "channel:N"] if by_channel else tooltip,
            **(
                {
                    "color": alt.Color(
                        "channel:N",
                        title="channel",
                        scale=alt.Scale(
                            domain=list(_CHANNEL_COLOURS), range=list(_CHANNEL_COLOURS.values())
                        ),
                    )
                }
                if by_channel
                else {}
            ),
        )
    )
    shown = f"target {target:g}" if target is not None else ""
    return alt.layer(line, *_target_rule(target, axis="y", label=shown))


def pass_rate_heatmap(rates: Sequence[PassRate], titles: Mapping[str, str]) -> alt.LayerChart:
    """Criteria down, agents across (the team last), each cell the pass rate, red to green."""
    data = [
        {
            "criterion": titles.get(r.criterion_id, r.criterion_id.replace("_", " ")),
            "agent": r.agent,
            "rate": round(r.rate, 3),
            "calls": r.calls,
            "label": f"{r.rate:.0%}",
        }
        for r in rates
    ]
    agents = sorted({r.agent for r in rates} - {TEAM}) + (
        [TEAM] if any(r.agent == TEAM for r in rates) else []
    )
    base = alt.Chart(alt.Data(values=data)).encode(
        # Every agent named: Vega-Lite drops labels it thinks overlap, which at 1280 px left
        # every other agent unnamed; slanted labels fit side by side.
        x=alt.X(
            "agent:N",
            sort=agents,
            title=None,
            axis=alt.Axis(labelAngle=-40, labelOverlap=False, labelLimit=160),
        ),
        y=alt.Y("criterion:N", title=None, axis=alt.Axis(labelLimit=220)),  # whole titles
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "rate:Q",
            scale=alt.Scale(domain=[0, 0.5, 1], range=["#d1242f", "#f2cc60", "#2da44e"]),
            title="pass rate",
            legend=alt.Legend(format=".0%"),
        ),
        tooltip=["criterion:N", "agent:N", alt.Tooltip("rate:Q", format=".0%"), "calls:Q"],
    )
    labels = base.mark_text(fontSize=11).encode(text="label:N")
    return (cells + labels).properties(height=28 * len({d["criterion"] for d in data}) + 40)


def agreement_trend_chart(
    points: Sequence[AgreementPoint], titles: Mapping[str, str]
) -> alt.LayerChart:
    """Criteria down, months across: each cell the share of the month's reviewed calls on which
    auto-QA gave the reviewer's result, labelled "agreed/reviewed"."""
    data = [
        {
            "month": f"{p.period:%Y-%m}",
            "criterion": titles.get(p.criterion_id, p.criterion_id.replace("_", " ")),
            "agreement": round(p.agreement, 3),
            "calls": p.calls,
            "label": f"{p.agreed}/{p.calls}",
        }
        for p in points
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("month:O", title="month of the calls"), y=alt.Y("criterion:N", title=None)
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "agreement:Q",
            scale=alt.Scale(domain=[0, 0.5, 1], range=["#d1242f", "#f2cc60", "#2da44e"]),
            legend=alt.Legend(format=".0%", title="agreement"),
        ),
        tooltip=["criterion:N", "month:O", alt.Tooltip("agreement:Q", format=".0%"), "calls:Q"],
    )
    labels = base.mark_text(fontSize=11).encode(text="label:N")
    return (cells + labels).properties(height=28 * len({d["criterion"] for d in data}) + 40)


def calibration_chart(outcomes: Sequence[CalibrationOutcome]) -> alt.Chart:
    """Each closed calibration session: how much the reviewers agreed with each other and with
    auto-QA, over time."""
    data = [
        {
            "closed": o.closed_at.isoformat(),
            "session": f"#{o.calibration_id} (call #{o.call_id})",
            "measure": measure,
            "agreement": round(value, 3),
            "reviewers": ", ".join(o.reviewers),
        }
        for o in outcomes
        for measure, value in (
            ("reviewers with each other", o.reviewer_agreement),
            ("reviewers with auto-QA", o.auto_agreement),
        )
        if value is not None
    ]
    return (
        alt.Chart(alt.Data(values=data), height=220)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=80))
        .encode(
            x=alt.X("closed:T", title="session closed", axis=alt.Axis(format="%d %b")),
            y=alt.Y("agreement:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "measure:N", scale=alt.Scale(range=[_BLUE, _GREY]), legend=alt.Legend(title=None)
            ),
            tooltip=[
                "session:N",
                "measure:N",
                alt.Tooltip("agreement:Q", format=".0%"),
                "reviewers:N",
            ],
        )
    )


def speech_chart(
    profiles: Sequence[SpeechProfile], field: str, title: str, target: float | None = None
) -> alt.LayerChart:
    """One speech metric per agent as bars, the team's value as a grey rule (and the target,
    when set, as a dashed red one)."""
    team = next((p for p in profiles if p.agent == TEAM), None)
    data = [
        {"agent": p.agent, "value": round(v, 3), "calls": p.calls}
        for p in profiles
        if p.agent != TEAM and (v := getattr(p, field)) is not None
    ]
    bars = (
        alt.Chart(alt.Data(values=data), height=34 * max(len(data), 1) + 20)
        .mark_bar(color=_BLUE, opacity=0.8, size=20)
        .encode(
            y=alt.Y("agent:N", title=None, sort=None),
            x=alt.X("value:Q", title=title),
            tooltip=["agent:N", alt.Tooltip("value:Q", format=".2f"), "calls:Q"],
        )
    )
    layers = [bars]
    team_value = getattr(team, field) if team is not None else None
    if team_value is not None:
        rule = alt.Data(values=[{"value": team_value, "label": f"team {team_value:.2f}"}])
        layers.append(alt.Chart(rule).mark_rule(color=_GREY, size=2).encode(x="value:Q"))
    shown = f"target {target:g}" if target is not None else ""
    return alt.layer(*layers, *_target_rule(target, axis="x", label=shown))
