"""Coaching widgets: QA trend, weak spots, notes linked to call moments, agenda and follow-up."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial

import altair as alt
import streamlit as st
from sqlmodel import Session

from coaching import (
    AgendaItem,
    AgendaKind,
    CoachingRecommendation,
    CoachingSessionItem,
    FollowUp,
    PassRate,
    RankedWeakSpot,
    TrendPeriod,
    TrendPoint,
    create_coaching_session,
    update_commitments,
)
from core.calls import calls_with_ids
from core.clock import clock
from core.models import Call, Channel, MonitoringNote, User, utcnow
from monitoring.notes import set_note_shared
from training.assignments import AssignmentItem, Recommender, assign_lesson
from training.lesson_index import LessonIndex
from training.matcher import MatchOptions, recommend_lessons
from ui.actions import attempt, show_flash
from ui.call_view import is_timed, moment_text
from ui.labels import channel_label
from ui.learning import STATE_BADGES
from ui.lessons import skill_titles
from ui.plain import plain

__all__ = [
    "KIND_BADGES",
    "Moments",
    "agenda_list",
    "assignment_list",
    "commitments_form",
    "follow_up_chart",
    "follow_up_panel",
    "lesson_recommender",
    "moment_label",
    "note_list",
    "recommendation_list",
    "session_card",
    "session_form",
    "trend_chart",
    "weak_spot_list",
]

KIND_BADGES = {
    AgendaKind.WEAK_SPOT: ":red-badge[Weak spot]",
    AgendaKind.NEEDS_WORK: ":orange-badge[Needs work]",
    AgendaKind.NOTE: ":gray-badge[Note]",
    AgendaKind.PRAISE: ":green-badge[Praise]",
    AgendaKind.TOPIC: ":blue-badge[Topic]",
}


def _title(criterion_id: str | None, titles: Mapping[str, str]) -> str:
    if not criterion_id:
        return ""
    return titles.get(criterion_id) or criterion_id.replace("_", " ").capitalize()


def lesson_recommender(index: LessonIndex) -> Recommender:
    """Lesson search for the coaching page: up to two lessons per weak spot or note, five in
    all (a longer list than automatic assignment, since a lead picks from it)."""
    options = MatchOptions(per_weak_spot=2, limit=5)
    return lambda spots, skip: recommend_lessons(
        spots, index=index, recently_completed=skip, options=options
    )


def moment_label(call_id: int, at_seconds: float | None, call: Call | None, zone: str) -> str:
    """A call moment as people read it: "Call #12 at 1:23", "Chat #24 at 03 Nov 14:01" (in
    the time zone `zone`), "Email #25, message 3" when its messages carried no times. `call`
    is None when the viewer may not see it or it is gone: then it reads as a call."""
    if call is None or call.channel == Channel.CALL:
        return f"Call #{call_id}" + (f" at {clock(at_seconds)}" if at_seconds is not None else "")
    name = f"{channel_label(call.channel)} #{call_id}"
    if at_seconds is None:
        return name
    where = moment_text(call, at_seconds, zone=zone)
    return f"{name} at {where}" if is_timed(call) else f"{name}, {where}"


@dataclass(frozen=True)
class Moments:
    """Links to the moments of the calls and conversations a page mentions, each labelled by
    `moment_label` from the calls the viewer may see."""

    calls: Mapping[int, Call] = field(default_factory=dict)
    zone: str = "UTC"

    @classmethod
    def of(cls, call_ids: Iterable[int | None], *, session: Session, viewer: User) -> Moments:
        ids = {i for i in call_ids if i is not None}
        calls = calls_with_ids(session=session, viewer=viewer, call_ids=ids)
        return cls({c.id: c for c in calls}, viewer.time_zone)

    def link(self, call_id: int, at_seconds: float | None) -> None:
        """A link that opens the call (or conversation) at this moment."""
        params = {"call": str(call_id)}
        if at_seconds is not None:
            params["t"] = str(int(at_seconds))
        st.page_link(
            "pages/calls.py",
            label=moment_label(call_id, at_seconds, self.calls.get(call_id), self.zone),
            icon=":material/play_circle:",
            query_params=params,
        )


def trend_chart(points: Sequence[TrendPoint], *, by: TrendPeriod) -> alt.Chart:
    """Pass rate per criterion (rows) and week or call (columns), red to green."""
    order = list(dict.fromkeys(p.period for p in sorted(points, key=lambda p: p.start)))
    data = [
        {
            "criterion": p.title,
            "period": p.period,
            "rate": p.pass_rate,
            "passed": p.passed,
            "failed": p.failed,
        }
        for p in points
    ]
    return (
        alt.Chart(alt.Data(values=data), height=alt.Step(22))
        .mark_rect(cornerRadius=2)
        .encode(
            x=alt.X(
                "period:O",
                sort=order,
                title="week starting" if by == TrendPeriod.WEEK else "call",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("criterion:N", title=None, axis=alt.Axis(labelLimit=160)),
            color=alt.Color(
                "rate:Q",
                scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                legend=alt.Legend(format="%", title="passed"),
            ),
            tooltip=[
                "criterion:N",
                "period:N",
                alt.Tooltip("rate:Q", format=".0%", title="passed"),
                "passed:Q",
                "failed:Q",
            ],
        )
    )


def weak_spot_list(
    spots: Sequence[RankedWeakSpot], moments: Moments, *, noun: str = "calls"
) -> None:
    """The open weak spots, most pressing first, each linking to its latest failure; `noun`
    names what was scored ("conversations" once written ones are among them)."""
    if not spots:
        st.caption(f"No open weak spots: nothing failed in the last 60 days of {noun}.")
        return
    for rank, spot in enumerate(spots, start=1):
        st.markdown(
            f"**{rank}. {spot.title}** · failed on {spot.failures} of {spot.scored} {noun}, "
            f"last on {spot.last_failed_at:%d %b}"
        )
        latest = spot.moments[0]
        moments.link(latest.call_id, latest.at_seconds)


def note_list(
    notes: Sequence[MonitoringNote],
    *,
    titles: Mapping[str, str],
    moments: Moments,
    session: Session | None = None,
    viewer: User | None = None,
    key: str,
) -> None:
    """Notes with their kind, criterion and call moment; given a session and a coaching
    viewer, each has a "Shared with agent" toggle."""
    show_flash(f"{key}_flash")
    for note in notes:
        with st.container(border=True):
            criterion = _title(note.criterion_id, titles) or skill_titles().get(note.skill or "")
            st.markdown(
                f"{KIND_BADGES[AgendaKind(str(note.kind))]} "
                + (f"**{criterion}** · " if criterion else "")
                + f"{note.created_at:%d %b %Y}"
            )
            st.write(plain(note.text))
            if note.call_id is not None:
                moments.link(note.call_id, note.at_seconds)
            if session is None or viewer is None:
                continue
            shared = st.toggle(
                "Shared with agent",
                value=note.shared,
                key=f"{key}_share_{note.id}",
                help="Notes are private to leads until shared; the agent sees shared ones.",
            )
            if shared != note.shared:
                attempt(
                    session,
                    partial(
                        set_note_shared,
                        session=session,
                        actor=viewer,
                        note_id=note.id,
                        shared=shared,
                    ),
                    success="Note shared with the agent." if shared else "Note made private.",
                    flash_key=f"{key}_flash",
                )


def assignment_list(items: Sequence[AssignmentItem], titles: Mapping[str, str]) -> None:
    """Assigned lessons, one line each: state, title, due date and why."""
    if not items:
        st.caption("No lessons assigned yet.")
    for item in items:
        a = item.assignment
        st.markdown(
            f"{STATE_BADGES[item.state]} **{titles.get(a.lesson_id, a.lesson_id)}** · "
            f"due {a.due_at:%d %b} · {plain(a.reason)}"
        )


def recommendation_list(
    recommendations: Sequence[CoachingRecommendation],
    *,
    session: Session,
    lead: User,
    agent: User,
    known: Collection[str],
    key: str,
) -> None:
    """Suggested lessons, each assigned to the agent with one click by the chosen due date."""
    show_flash(f"{key}_flash")
    if not recommendations:
        st.caption("No lessons to suggest: no open weak spots or needs-work notes.")
        return
    today = utcnow().date()
    due = st.date_input(
        "Due", today + timedelta(days=7), min_value=today + timedelta(days=1), key=f"{key}_due"
    )
    for rec in recommendations:
        match = rec.match
        with st.container(border=True):
            st.markdown(f"**{match.title}**")
            st.caption(rec.why)
            if st.button("Assign", key=f"{key}_{match.lesson_id}", icon=":material/add_task:"):
                attempt(
                    session,
                    partial(
                        assign_lesson,
                        session=session,
                        lead=lead,
                        agent_id=agent.id,
                        lesson_id=match.lesson_id,
                        due_at=datetime.combine(due, time(23, 59), tzinfo=UTC),
                        known_lessons=known,
                        now=utcnow(),
                        reason=rec.assignment_reason,
                    ),
                    success=f"{agent.name} has {match.title!r} to do by {due:%d %b}.",
                    flash_key=f"{key}_flash",
                )


def agenda_list(items: Sequence[AgendaItem], titles: Mapping[str, str], moments: Moments) -> None:
    """An agenda, item by item, each linking to its call moment."""
    for item in items:
        criterion = _title(item.criterion_id, titles)
        about = f" · {criterion}" if criterion and item.kind != AgendaKind.WEAK_SPOT else ""
        st.markdown(f"{KIND_BADGES[item.kind]} {plain(item.text)}{about}")
        if item.call_id is not None:
            moments.link(item.call_id, item.at_seconds)


def _forget(prefix: str) -> None:
    for name in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[name]


def _save_session(*, session: Session, key: str, form_key: str, **values) -> None:
    create_coaching_session(session=session, **values)
    # The next session starts from a fresh draft: new widget keys, so no value of this form
    # survives (a second click on Save would otherwise save the same session again).
    _forget(f"{form_key}_")
    st.session_state[f"{key}_generation"] = st.session_state.get(f"{key}_generation", 0) + 1


def session_form(
    draft: Sequence[AgendaItem],
    *,
    session: Session,
    lead: User,
    agent: User,
    titles: Mapping[str, str],
    moments: Moments,
    key: str,
) -> None:
    """The drafted agenda for the lead to edit (keep, reword, add topics), what the agent
    commits to, the follow-up date; saving records the session."""
    show_flash(f"{key}_flash")
    today = utcnow().date()
    # Keyed by agent (the draft's texts are this agent's) and by how many sessions were saved.
    form_key = f"{key}_{agent.id}_{st.session_state.get(f'{key}_generation', 0)}"
    with st.form(form_key):
        st.caption(
            "Untick what you did not talk about. The agent sees the saved agenda; private notes "
            "start unticked."
        )
        kept = []
        for item in draft:
            keep, text = st.columns([1, 12], vertical_alignment="center")
            ticked = keep.checkbox(
                "Keep",
                value=not item.private,
                key=f"{form_key}_keep_{item.key}",
                label_visibility="collapsed",
            )
            criterion = _title(item.criterion_id, titles)
            if item.kind == AgendaKind.WEAK_SPOT:
                criterion = ""  # the text names it
            label = KIND_BADGES[item.kind] + (f" {criterion}" if criterion else "")
            label += " (private note)" if item.private else ""
            reworded = text.text_input(label, item.text, key=f"{form_key}_text_{item.key}")
            if item.call_id is not None:
                with text:
                    moments.link(item.call_id, item.at_seconds)
            if ticked:
                kept.append(replace(item, text=reworded))
        extra = st.text_area("More topics (one per line)", key=f"{form_key}_topics")
        commitments = st.text_area(
            "What the agent commits to (one per line)",
            key=f"{form_key}_commitments",
            placeholder="e.g. Ask before every hold and say how long it will be",
        )
        held, follow = st.columns(2)
        held_on = held.date_input("Held on", today, max_value=today, key=f"{form_key}_held")
        follow_up_on = follow.date_input(
            "Follow up on", today + timedelta(days=14), key=f"{form_key}_follow_up"
        )
        summary = st.text_area("Summary (optional)", max_chars=4000, key=f"{form_key}_summary")
        if not st.form_submit_button("Save session", type="primary"):
            return
    now = utcnow()
    attempt(
        session,
        partial(
            _save_session,
            session=session,
            key=key,
            form_key=form_key,
            lead=lead,
            agent_id=agent.id,
            held_at=now if held_on == now.date() else datetime.combine(held_on, time(12), UTC),
            agenda=[*kept, *(AgendaItem(line) for line in extra.splitlines())],
            commitments=commitments.splitlines(),
            follow_up_on=follow_up_on,
            summary=summary,
            now=now,
        ),
        success=f"Coaching session with {agent.name} saved; follow up on {follow_up_on:%d %b}.",
        flash_key=f"{key}_flash",
    )


def follow_up_chart(result: FollowUp) -> alt.Chart:
    """Per coached criterion, the pass rate before and after the session, side by side."""
    data = [
        {"criterion": change.title, "when": when, "rate": rate.rate, "calls": rate.calls}
        for change in result.changes
        for when, rate in (("before", change.before), ("after", change.after))
        if rate.rate is not None
    ]
    return (
        alt.Chart(alt.Data(values=data), height=alt.Step(16))
        .mark_bar()
        .encode(
            x=alt.X(
                "rate:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title=None
            ),
            y=alt.Y("criterion:N", title=None),
            yOffset=alt.YOffset("when:N", sort=["before", "after"]),
            color=alt.Color(
                "when:N",
                sort=["before", "after"],
                scale=alt.Scale(domain=["before", "after"], range=["#8c959f", "#1f6feb"]),
                title=None,
            ),
            tooltip=["criterion:N", "when:N", alt.Tooltip("rate:Q", format=".0%"), "calls:Q"],
        )
    )


def _rate(rate: PassRate) -> str:
    if rate.rate is None:
        return "no calls"
    return f"{rate.rate:.0%} of {rate.calls} call{'s' if rate.calls != 1 else ''}"


def follow_up_panel(result: FollowUp) -> None:
    """The coached criteria's pass rate before vs after the session, in words and a chart."""
    if not result.changes:
        st.caption("No QA criterion was coached in this session.")
        return
    heading = "Follow-up" if result.due else "So far (follow-up not due yet)"
    st.markdown(
        f"**{heading}:** pass rate on the last {result.calls_before} scored calls before the "
        f"session vs the {result.calls_after} since"
    )
    st.markdown(
        "\n".join(
            f"- {c.title}: {_rate(c.before)} before → {_rate(c.after)} after"
            for c in result.changes
        )
    )
    if any(c.after.calls for c in result.changes):
        st.altair_chart(follow_up_chart(result), width="stretch")


def session_card(
    item: CoachingSessionItem,
    result: FollowUp | None,
    *,
    titles: Mapping[str, str],
    moments: Moments,
) -> None:
    """One coaching session: when and with whom, agenda, commitments, follow-up."""
    c = item.coaching
    with st.container(border=True):
        st.markdown(
            f"**{c.held_at:%d %b %Y}** · {item.agent_name} with {item.lead_name} · "
            f"follow up on {c.follow_up_on:%d %b %Y}"
        )
        agenda_list(item.agenda, titles, moments)
        if c.commitments:
            st.markdown("**Agreed:**\n" + "\n".join(f"- {plain(line)}" for line in c.commitments))
        if c.summary:
            st.caption(plain(c.summary))
        if result is not None:
            follow_up_panel(result)


def commitments_form(item: CoachingSessionItem, *, session: Session, lead: User, key: str) -> None:
    """Change a session's commitments, follow-up date or summary (e.g. at the follow-up)."""
    c = item.coaching
    show_flash(f"{key}_flash")
    with st.expander("Update commitments"), st.form(key):
        lines = st.text_area(
            "Commitments (one per line)", "\n".join(c.commitments), key=f"{key}_lines"
        )
        follow_up_on = st.date_input("Follow up on", c.follow_up_on, key=f"{key}_date")
        summary = st.text_area("Summary", c.summary or "", max_chars=4000, key=f"{key}_summary")
        if st.form_submit_button("Save changes"):
            attempt(
                session,
                partial(
                    update_commitments,
                    session=session,
                    lead=lead,
                    coaching_id=c.id,
                    commitments=lines.splitlines(),
                    follow_up_on=follow_up_on,
                    summary=summary,
                    now=utcnow(),
                ),
                success="Session updated.",
                flash_key=f"{key}_flash",
            )
