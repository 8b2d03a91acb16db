"""Review queue (reviewers, leads, admins): confirm or override auto-QA on sampled calls."""

from datetime import timedelta

import streamlit as st

import ui
from core.calls import list_segments, playable_file
from core.errors import InvalidInput, NotAllowed
from core.models import utcnow
from core.people import list_agents
from qa.evaluations import criterion_scores
from qa.review import ReviewDecision, review_queue, submit_review
from qa.scorecard import ScorecardError, load_scorecard
from qa.scoring import Result
from ui.call_view import player_and_transcript
from ui.lessons import auto_assigner
from ui.plain import plain

viewer = ui.guard("review")
settings = ui.app_settings()
st.title("Review queue")
st.caption(
    "Every auto-failed and low-confidence call, plus a random "
    f"{settings.review_random_share:.0%} of the rest. Your verdict becomes the official score; "
    "the auto-QA result is kept."
)
if flash := st.session_state.pop("review_flash", None):
    st.success(flash)

with ui.db_session() as session:
    agents = {a.id: a.name for a in list_agents(session=session, viewer=viewer)}
    left, right = st.columns(2)
    agent_id = left.selectbox(
        "Agent", [None, *agents], format_func=lambda a: agents.get(a, "All"), key="review_agent"
    )
    days = right.selectbox(
        "Calls from",
        [7, 30, 90, None],
        index=3,
        format_func=lambda d: f"the last {d} days" if d else "any time",
        key="review_days",
    )
    queue = review_queue(
        session=session,
        viewer=viewer,
        random_share=settings.review_random_share,
        agent_id=agent_id,
        since=utcnow() - timedelta(days=days) if days else None,
    )
    if not queue:
        st.info("Nothing is waiting for review.")
        st.stop()

    items = {item.call.id: item for item in queue}
    call_id = st.selectbox(
        f"Call to review ({len(queue)} waiting)",
        list(items),
        format_func=lambda c: (
            f"#{c} · {items[c].call.agent.name if items[c].call.agent else 'unassigned'} · "
            f"auto {items[c].evaluation.score:.0f} · {', '.join(items[c].reasons)}"
        ),
        key="review_pick",
    )
    item = items[call_id]
    scores = criterion_scores(session=session, evaluation=item.evaluation)
    segments = list_segments(session=session, viewer=viewer, call_id=call_id)
    try:
        scorecard = load_scorecard(item.evaluation.scorecard)
    except ScorecardError as exc:
        st.error(f"The scorecard of this evaluation cannot be loaded: {exc}")
        st.stop()
    titles = {c.id: c.title for c in scorecard.criteria}

    player_and_transcript(playable_file(item.call), segments, key=f"rv_{call_id}")
    with st.form(f"review_form_{call_id}"):
        decisions = []
        for score in scores:
            st.markdown(
                f"**{titles.get(score.criterion_id, score.criterion_id)}** · auto-QA: "
                f"{score.result} ({score.confidence:.0%})"
            )
            for line in score.evidence:
                st.caption(f"{line['start']:.0f}s {line['speaker']}: {plain(line['text'])}")
            result = st.radio(
                "Your verdict",
                [r.value for r in Result],
                index=[r.value for r in Result].index(score.result),
                horizontal=True,
                key=f"review_{call_id}_{score.criterion_id}",
            )
            comment = st.text_input("Comment", key=f"review_note_{call_id}_{score.criterion_id}")
            decisions.append(ReviewDecision(score.criterion_id, Result(result), comment))
        if st.form_submit_button("Submit review", type="primary"):
            try:
                human = submit_review(
                    session=session,
                    reviewer=viewer,
                    call_id=call_id,
                    decisions=decisions,
                    scorecard=scorecard,
                    now=utcnow(),
                    on_evaluated=auto_assigner(),
                )
            except (InvalidInput, NotAllowed) as exc:
                st.error(str(exc))
            else:
                st.session_state["review_flash"] = (
                    f"Call #{call_id} reviewed: official score {human.score:.0f} / 100."
                )
                st.rerun()
