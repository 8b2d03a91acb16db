"""Show a dashboard figure against its KPI target: a metric whose delta is the gap."""

from __future__ import annotations

import streamlit as st

from analytics.targets import KPI, KPIS, TargetCheck, Targets

__all__ = ["target_delta", "target_metric", "targets_caption"]


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
    box.metric(
        label,
        spec.show(figure),
        delta=target_delta(check),
        # A floor: above it is good (green, up). A ceiling: above it is bad (red, up).
        delta_color="normal" if spec.higher_is_better else "inverse",
        help=f"{help} {check.reading}.".strip(),
    )


def target_delta(check: TargetCheck) -> str:
    """The metric's delta: the figure minus the target, signed as it is, so its arrow points the
    way the figure lies from the target ("+0.46 over the 1.50 ceiling", "-2.0 vs target 80.0")."""
    difference = check.figure - check.target
    sign = "+" if difference >= 0 else "-"
    gap = check.kpi.show_gap(abs(difference), short=True)
    target = check.kpi.show(check.target)
    if check.kpi.higher_is_better:
        return f"{sign}{gap} vs target {target}"
    side = "over" if difference > 0 else "under"
    return f"{sign}{gap} {side} the {target} ceiling"


def targets_caption(targets: Targets) -> None:
    """A caption saying no targets are set, pointing admins to the page that sets them."""
    if not targets.overall and not targets.criteria:
        st.caption("No KPI targets set yet: an admin sets them on the KPI targets page.")
