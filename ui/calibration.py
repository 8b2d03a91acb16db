"""Calibration widgets: a reviewer's blind scoring form and the session's results."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import streamlit as st

from qa.calibration import CalibrationItem, CalibrationReport
from qa.evaluations import ReviewDecision
from qa.scoring import Result

__all__ = ["blind_form", "calibration_label", "calibration_state", "report_view"]

_RESULTS = [r.value for r in Result]


def calibration_label(item: CalibrationItem) -> str:
    """One line naming a session in a picker: number, call, agent and start date. (Its state
    is shown beside it: a picker's labels should not change while it is open.)"""
    agent = item.call.agent.name if item.call.agent else "unassigned"
    return (
        f"#{item.calibration.id} · call #{item.call.id} · {agent} · "
        f"{item.calibration.created_at:%d %b %Y}"
    )


def calibration_state(item: CalibrationItem) -> str:
    """Whether the session's results are out, or who has scored it so far."""
    if item.revealed:
        return ":green-badge[Results ready]"
    done = sum(submitted for _, submitted in item.raters)
    todo = item.my_rater is not None and item.my_rater.submitted_at is None
    badge = " :orange-badge[Your turn]" if todo else ""
    return f":blue-badge[{done} of {len(item.raters)} scored]{badge}"


def blind_form(
    key: str, criteria: Sequence[str], titles: dict[str, str]
) -> list[ReviewDecision] | None:
    """Per criterion a pass / fail / n/a choice with no answer preselected (auto-QA's result
    stays hidden); the decisions once submitted with every criterion answered, else None."""
    with st.form(key):
        decisions = []
        for cid in criteria:
            result = st.radio(
                titles.get(cid, cid), _RESULTS, index=None, horizontal=True, key=f"{key}_{cid}"
            )
            comment = st.text_input(
                "Comment",
                key=f"{key}_{cid}_note",
                label_visibility="collapsed",
                placeholder="Comment (optional)",
            )
            decisions.append((cid, result, comment))
        if not st.form_submit_button("Submit my scores", type="primary"):
            return None
    if missing := [titles.get(c, c) for c, result, _ in decisions if result is None]:
        st.error(f"Score every criterion first; missing: {', '.join(missing)}.")
        return None
    return [ReviewDecision(cid, Result(result), comment) for cid, result, comment in decisions]


def report_view(report: CalibrationReport, titles: dict[str, str]) -> None:
    """Where reviewers agreed with each other and with auto-QA, criterion by criterion."""
    if len(report.reviewers) < 2:
        st.warning("Fewer than two reviewers submitted, so there is no one to compare with.")
    pair = [a for _, _, a, _ in report.pair_kappas]
    vs_auto = [a for _, a, _ in report.auto_kappas]
    left, middle, right = st.columns(3)
    left.metric(
        "Fleiss' kappa (reviewers)",
        "-" if report.fleiss_kappa is None else f"{report.fleiss_kappa:.2f}",
        help="Agreement among reviewers beyond chance, criteria as items. 1 is perfect, 0 chance.",
    )
    middle.metric("Reviewers agree", f"{sum(pair) / len(pair):.0%}" if pair else "-")
    right.metric("Agree with auto-QA", f"{sum(vs_auto) / len(vs_auto):.0%}" if vs_auto else "-")
    rows = []
    for row in report.criteria:
        agreed = row.reviewer_agreement
        rows.append(
            {
                "Criterion": titles.get(row.criterion_id, row.criterion_id),
                **row.results,
                "Auto-QA": row.auto,
                "Reviewers agree": "-" if agreed is None else f"{agreed:.0%}",
                "Match auto-QA": f"{row.auto_agreement:.0%}",
            }
        )
    st.dataframe(rows, hide_index=True)
    disputed = [
        titles.get(r.criterion_id, r.criterion_id)
        for r in report.criteria
        if r.reviewer_agreement is not None and r.reviewer_agreement < 1
    ]
    if disputed:
        st.markdown("**Talk these through:** " + ", ".join(disputed))
    _kappa_chart(report)


def _kappa_chart(report: CalibrationReport) -> None:
    bars = [{"pair": f"{a} vs {b}", "kappa": k} for a, b, _, k in report.pair_kappas] + [
        {"pair": f"{n} vs auto-QA", "kappa": k} for n, _, k in report.auto_kappas
    ]
    if not bars:
        return
    chart = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=alt.X("kappa:Q", title="Cohen's kappa", scale=alt.Scale(domain=[-1, 1])),
            y=alt.Y("pair:N", sort=None, title=None),
            color=alt.condition(alt.datum.kappa >= 0.6, alt.value("#2e7d32"), alt.value("#c62828")),
            tooltip=["pair:N", alt.Tooltip("kappa:Q", format=".2f")],
        )
    )
    st.altair_chart(chart, width="stretch")
    st.caption("Cohen's kappa per pair over the criteria: 0.6 or more is good agreement.")
