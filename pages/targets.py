"""KPI targets (admins): the figures the operation aims for, shown on every dashboard."""

import streamlit as st

import ui
from analytics.targets import KPI, KPIS, clear_target, load_targets, set_target
from coaching.workspace import criteria_of
from core.errors import InvalidInput
from core.models import utcnow
from qa.scorecard import available_scorecards

viewer = ui.guard("targets")
st.title("KPI targets")
st.caption(
    "Every dashboard shows each figure against its target, and leads' home pages list the "
    "agents and criteria furthest below. An empty box sets no target; to drop one that is set, "
    "pick it under Remove targets. Changes are audited."
)
with ui.db_session() as session:
    targets = load_targets(session=session)


def _typed(kpi: KPI, value: float | None) -> float | None:
    """A stored target as the admin types it (shares as percentages)."""
    return None if value is None else round(value * 100, 1) if KPIS[kpi].percent else float(value)


def _stored(pair: tuple[KPI, str | None], value: float | None, removed: list) -> float | None:
    """The target to store for a box as typed (percentages as shares); None for no target."""
    if pair in removed or value is None:
        return None
    return value / 100 if KPIS[pair[0]].percent else value


criteria = criteria_of(available_scorecards())


def _title(kpi: KPI, criterion_id: str | None) -> str:
    if criterion_id is None:
        return KPIS[kpi].title
    return (
        f"Pass rate of {criteria[criterion_id].title if criterion_id in criteria else criterion_id}"
    )


with st.form("targets_form"):
    typed: dict[tuple[KPI, str | None], float | None] = {}
    for kpi, spec in KPIS.items():
        unit = " (%)" if spec.percent else ""
        word = "at most" if not spec.higher_is_better else "at least"
        typed[(kpi, None)] = st.number_input(
            f"{spec.title}{unit}: {word}",
            value=_typed(kpi, targets.overall.get(kpi)),
            help=spec.help,
            key=f"target_{kpi}",
        )
    with st.expander("Pass-rate targets for single criteria"):
        for cid, focus in criteria.items():
            typed[(KPI.PASS_RATE, cid)] = st.number_input(
                f"{focus.title} (%)",
                value=_typed(KPI.PASS_RATE, targets.criteria.get(cid)),
                placeholder="the all-criteria target",
                key=f"target_pass_rate_{cid}",
            )
    set_now = [(kpi, None) for kpi in targets.overall] + [
        (KPI.PASS_RATE, c) for c in targets.criteria
    ]
    removed = st.multiselect(
        "Remove targets",
        set_now,
        format_func=lambda pair: _title(*pair),
        key="targets_remove",
        help="A criterion without its own target falls back to the all-criteria pass rate.",
    )
    saved = st.form_submit_button("Save targets", type="primary")

if saved:
    # Everything typed is checked before anything is written: one bad box saves nothing, and
    # says which box (the browser's own range check left an earlier "Saved" on screen).
    wanted = {pair: _stored(pair, value, removed) for pair, value in typed.items()}
    problems = [
        f"{_title(kpi, cid)}: {problem}"
        for (kpi, cid), new in wanted.items()
        if new is not None and (problem := KPIS[kpi].problem_with(new))
    ]
    if problems:
        st.error("Nothing saved. " + " ".join(problems))
        st.stop()
    now, changed = utcnow(), 0
    with ui.db_session() as session:
        try:
            for (kpi, cid), new in wanted.items():
                old = targets.get(kpi, cid) if cid is None or cid in targets.criteria else None
                if new is None and old is not None:
                    changed += clear_target(
                        session=session, actor=viewer, kpi=kpi, criterion_id=cid, now=now
                    )
                elif new is not None and (old is None or abs(new - old) > 1e-9):
                    set_target(
                        session=session, actor=viewer, kpi=kpi, value=new, criterion_id=cid, now=now
                    )
                    changed += 1
        except InvalidInput as exc:
            st.error(str(exc))
            st.stop()
    st.success(
        f"Saved: {changed} target{'s' if changed != 1 else ''} changed."
        if changed
        else "Nothing changed."
    )
