"""Auto-QA accuracy: how often auto-QA agrees with reviewers, criterion by criterion."""

import streamlit as st

import ui
from qa.accuracy import auto_qa_accuracy
from qa.autoqa import DEFAULT_SCORECARD
from qa.scorecard import available_scorecards
from ui.charts import agreement_chart, reliability_chart

viewer = ui.guard("accuracy")
st.title("Auto-QA accuracy")
st.caption(
    "Every call a person has scored (a review, or an accepted dispute) against the auto-QA "
    "result of the same call. Raw agreement flatters criteria that nearly always pass, so "
    "compare it with the baseline of always giving the most common answer, and read kappa."
)
names = sorted(available_scorecards(), key=lambda name: name != DEFAULT_SCORECARD)
scorecard = st.selectbox("Scorecard", names, key="accuracy_scorecard")

with ui.db_session() as session:
    report = auto_qa_accuracy(session=session, viewer=viewer, scorecard=scorecard)
if not report.calls:
    st.info("No reviewed calls on this scorecard yet. Reviews from the review queue land here.")
    st.stop()

rows = report.criteria
left, middle, right = st.columns(3)
left.metric("Reviewed calls", report.calls)
middle.metric("Mean agreement", f"{sum(r.agreement for r in rows) / len(rows):.0%}")
right.metric("Mean kappa", f"{sum(r.kappa for r in rows) / len(rows):.2f}")
st.altair_chart(agreement_chart(rows), width="stretch")
st.dataframe(
    [
        {
            "Criterion": r.criterion_id.replace("_", " "),
            "Agreement": round(r.agreement, 3),
            "Baseline": round(r.majority_agreement, 3),
            "Kappa": round(r.kappa, 3),
            "Auto failed, person passed": report.confusion[r.criterion_id][("fail", "pass")],
            "Auto passed, person failed": report.confusion[r.criterion_id][("pass", "fail")],
            "Calls": r.items,
        }
        for r in rows
    ],
    hide_index=True,
)

st.subheader("Does its confidence mean something?")
st.caption(
    "Every criterion result of the reviewed calls, by how sure auto-QA was. Results under the "
    "scorecard's review threshold go to a person; those above should hold: at least 90% of the "
    "results auto-QA is 90% or more sure of should agree with people (dashed line). The number "
    "on a bar is how many results it holds."
)
st.altair_chart(reliability_chart(report.reliability), width="stretch")
