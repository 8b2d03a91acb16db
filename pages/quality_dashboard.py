"""QA dashboard: scores over time, pass rates by criterion and agent, auto-QA against reviewers,
calibration results and speech metrics, each against its KPI target."""

from dataclasses import replace

import streamlit as st

import ui
from analytics.facts import call_facts
from analytics.quality import (
    TEAM,
    mean_csat,
    mean_score,
    overall_pass_rate,
    pass_rates,
    speech_profile,
    speech_profiles,
    weekly_scores,
    weekly_scores_by_channel,
)
from analytics.reviewing import agreement_over_time, calibration_history
from analytics.targets import KPI, load_targets
from coaching.workspace import criteria_of
from core.models import Role
from ui import analytics_charts as charts
from ui.dashboards import dashboard_filters, download_table, scored_noun
from ui.targets import target_metric, targets_caption

viewer = ui.guard("quality_dashboard")
st.title("QA dashboard")
filters = dashboard_filters(viewer, key="qa_dash")
# Agreement and calibration are about reviewers; an agent's own calls need no "team" row.
reviewers_view = viewer.role != Role.AGENT
with ui.db_session() as session:
    calls = call_facts(session=session, viewer=viewer, filters=filters)
    # Every channel on its own scorecard, for the trend per channel.
    every_channel = (
        call_facts(session=session, viewer=viewer, filters=replace(filters, scorecard=None))
        if filters.channel is None
        else []
    )
    targets = load_targets(session=session)
    if reviewers_view:
        agreement = agreement_over_time(session=session, viewer=viewer, filters=filters)
        calibrations = calibration_history(session=session, viewer=viewer, filters=filters)
if not calls:
    st.info(
        f"No scored {scored_noun(filters)} in these filters. Widen the dates or pick another "
        "agent or channel."
    )
    st.stop()

titles = {cid: focus.title for cid, focus in criteria_of([filters.scorecard]).items()}
rates = pass_rates(calls, with_team=reviewers_view)
speech = speech_profiles(calls, with_team=reviewers_view)
team_speech = speech_profile(TEAM, calls)
# Written conversations have no speech: no talk-to-listen and no Speech tab.
spoken = scored_noun(filters) == "calls"
if spoken and filters.channel is None and every_channel and len(every_channel) > len(calls):
    st.caption(
        f"Figures of the {filters.scorecard} scorecard: voice calls only. Pick the written "
        "scorecard or a written channel for chat, email and social."
    )
boxes = st.columns(4 if spoken else 3)
scored = f"Mean over {len(calls)} scored {scored_noun(filters)}."
target_metric(boxes[0], "QA score", KPI.QA_SCORE, mean_score(calls), targets, help=scored)
target_metric(
    boxes[1], "Pass rate", KPI.PASS_RATE, overall_pass_rate(calls), targets, help="All criteria."
)
target_metric(boxes[2], "CSAT", KPI.CSAT, mean_csat(calls), targets)
if spoken:
    talk = team_speech.talk_to_listen
    target_metric(boxes[3], "Talk-to-listen", KPI.TALK_TO_LISTEN, talk, targets)
targets_caption(targets)

shown = ["Scores", "Auto-QA vs reviewers", "Calibration", "Speech"]
shown = shown if reviewers_view else ["Scores", "Speech"]
shown = shown if spoken else [tab for tab in shown if tab != "Speech"]
tabs = dict(zip(shown, st.tabs(shown), strict=True))
with tabs["Scores"]:
    st.subheader("QA score by week")
    weeks = weekly_scores(calls)
    st.altair_chart(charts.weekly_score_chart(weeks, targets.get(KPI.QA_SCORE)), width="stretch")
    download_table([w.row() for w in weeks], name="qa-score-by-week", key="qa_dash_weeks_csv")
    if len({c.channel for c in every_channel}) > 1:
        st.subheader("QA score by week and channel")
        st.caption(
            "Each channel on its own scorecard: calls on the call scorecard, chat, email "
            "and social on the written one."
        )
        by_channel = weekly_scores_by_channel(every_channel)
        st.altair_chart(
            charts.weekly_score_chart(by_channel, targets.get(KPI.QA_SCORE)), width="stretch"
        )
        download_table(
            [w.row() for w in by_channel],
            name="qa-score-by-week-and-channel",
            key="qa_dash_channel_weeks_csv",
        )
    st.subheader("Pass rate by criterion and agent")
    st.altair_chart(charts.pass_rate_heatmap(rates, titles), width="stretch")
    download_table(
        [r.row() | {"target": targets.get(KPI.PASS_RATE, r.criterion_id)} for r in rates],
        name="pass-rate-by-criterion-and-agent",
        key="qa_dash_rates_csv",
    )
if reviewers_view:
    with tabs["Auto-QA vs reviewers"]:
        st.caption(
            "Per month of the calls: on how many reviewed calls auto-QA gave the reviewer's "
            "result, criterion by criterion (agreed/reviewed)."
        )
        if agreement:
            st.altair_chart(charts.agreement_trend_chart(agreement, titles), width="stretch")
        else:
            st.info("No reviewed calls in these filters yet.")
        download_table(
            [p.row() for p in agreement], name="auto-qa-agreement", key="qa_dash_agr_csv"
        )
    with tabs["Calibration"]:
        if calibrations:
            st.altair_chart(charts.calibration_chart(calibrations), width="stretch")
        else:
            st.info("No closed calibration sessions on calls in these filters.")
        for o in calibrations:
            split = ", ".join(titles.get(c, c) for c in o.disagreements) or "nothing"
            st.markdown(
                f"**Session #{o.calibration_id}** on call #{o.call_id}, closed "
                f"{o.closed_at:%d %b %Y}: {', '.join(o.reviewers)}; reviewers split on {split}."
            )
        download_table([o.row() for o in calibrations], name="calibration", key="qa_dash_cal_csv")
if spoken:
    with tabs["Speech"]:
        st.caption(
            "Each agent's mean over their calls: the grey line is the team, the dashed red "
            "one the target."
        )
        talk_target = targets.get(KPI.TALK_TO_LISTEN)
        for field, title, target in (
            ("talk_to_listen", "talk-to-listen (agent talk / customer talk)", talk_target),
            ("silence_seconds", "dead air per call (seconds)", None),
            ("overtalk_per_call", "overtalk the agent started, per call", None),
        ):
            st.altair_chart(charts.speech_chart(speech, field, title, target), width="stretch")
        download_table([p.row() for p in speech], name="speech-metrics", key="qa_dash_speech_csv")
