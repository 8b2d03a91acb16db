"""What drives CSAT: the criterion failures and speech metrics that go with lower satisfaction."""

import streamlit as st

import ui
from analytics.facts import call_facts
from analytics.targets import KPI, load_targets
from ui.dashboards import dashboard_filters, download_table
from ui.drivers import cached_csat_drivers, effects_chart
from ui.targets import target_metric

viewer = ui.guard("drivers")
st.title("What drives CSAT")
st.caption(
    "The scored calls with a customer satisfaction score (CSAT, 1-5), regressed on whether each "
    "criterion failed and on the speech metrics. Each effect is in CSAT points, with an interval "
    "and the calls behind it; once there are enough calls the drivers are estimated together, "
    "each with the others held equal."
)
filters = dashboard_filters(viewer, key="drivers")
with ui.db_session() as session:
    calls = call_facts(session=session, viewer=viewer, filters=filters)
    targets = load_targets(session=session)
report = cached_csat_drivers(calls)

left, right = st.columns(2)
target_metric(
    left, "Mean CSAT", KPI.CSAT, report.mean_csat, targets, help="Over the calls with a CSAT."
)
right.metric(
    "Calls with a CSAT",
    report.calls,
    help=f"{report.without_csat} scored calls in these filters have no CSAT and are not counted.",
)
if report.message:
    st.info(report.message)
else:
    st.subheader("Drivers, largest effect first")
    if report.first_look:
        st.warning(
            f"A first look at {report.calls} calls: each driver is estimated on its own, not "
            f"adjusted for the others. {report.more_calls_needed} more calls with a CSAT start "
            "the joint estimate. Read the intervals, and the limits below."
        )
    confidence = report.options.confidence
    st.altair_chart(effects_chart(report.drivers, confidence=confidence), width="stretch")
    st.markdown("\n".join(f"- {driver.reading}" for driver in report.drivers))
    download_table(
        [driver.row() for driver in report.drivers],
        name="csat-drivers",
        key="drivers_csv",
        show=True,
    )
if report.limits:
    st.subheader("What this cannot tell you")
    st.markdown("\n".join(f"- {line}" for line in report.limits))
