"""Show a dashboard figure against its KPI target: a metric whose delta is the gap."""

from __future__ import annotations

import streamlit as st

from analytics.targets import KPI, KPIS, Targets

__all__ = ["target_metric", "targets_caption"]


def target_metric(
    box, label: str, kpi: KPI, figure: float | None, targets: Targets, *, help: str = ""
) -> None:
    """`st.metric` of a figure in the KPI's units; the delta says how far from target it is
    (green when on target, whichever way the KPI counts as better), the help gives the target."""
    spec = KPIS[kpi]
    if figure is None:
        box.metric(label, "–", help=help or "No calls in these filters.")
        return
    check = targets.check(kpi, figure)
    if check is None:
        box.metric(label, spec.show(figure), help=f"{help} No target set.".strip())
        return
    sign = "+" if check.gap >= 0 else "-"
    gap = spec.show_gap(abs(check.gap), short=True)
    box.metric(
        label,
        spec.show(figure),
        delta=f"{sign}{gap} vs target {spec.show(check.target)}",
        delta_color="normal",  # the gap is signed so that short of target is negative
        help=f"{help} {check.reading}.".strip(),
    )


def targets_caption(targets: Targets) -> None:
    """A caption saying no targets are set, pointing admins to the page that sets them."""
    if not targets.overall and not targets.criteria:
        st.caption("No KPI targets set yet: an admin sets them on the KPI targets page.")
