"""Conversation search for the pages: the segment index loaded once per process, syncing it with
a progress bar, the search filters and the results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from analytics.conversation_search import RESULTS, SearchMode, SegmentFilter, SegmentHit
from analytics.facts import default_filter
from core.models import Role, Speaker, User
from core.people import list_agents
from index.embedder import get_embedder
from index.segment_index import SEGMENT_INDEX_FOLDER, SegmentIndex, SegmentIndexOptions
from ui.dashboards import date_range, download_table
from ui.labels import channel_label, criterion_titles
from ui.plain import plain
from ui.resources import app_settings, db_session

__all__ = ["index_new_segments", "search_filters", "search_results", "segment_index"]

_ANY = "Any"


@st.cache_resource(show_spinner="Loading the conversation search index...")
def _segment_index(directory: str, model: str, options: SegmentIndexOptions) -> SegmentIndex:
    # The arguments are what the index depends on: changing a setting opens another one.
    return SegmentIndex(Path(directory), embedder=get_embedder(model), options=options)


def segment_index() -> SegmentIndex:
    """The segment index of this app process (settings DATA_DIR, EMBEDDING_MODEL, SEGMENT_*)."""
    settings = app_settings()
    return _segment_index(
        str(settings.index_dir / SEGMENT_INDEX_FOLDER),
        settings.embedding_model,
        SegmentIndexOptions.from_settings(settings),
    )


def index_new_segments(index: SegmentIndex) -> None:
    """Embed the calls' segments the index lacks, with a progress bar while it takes long (a
    failure is shown as a warning: the calls are stored, the next sync indexes them)."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(done / total, text=f"Indexing transcripts for search: {done} of {total}")

    try:
        with st.spinner("Indexing the new transcripts for search..."), db_session() as session:
            index.sync(session=session, on_progress=progress)
    except OSError as exc:
        st.warning(f"The transcripts could not be indexed for search yet: {exc}")
    if bar is not None:
        bar.empty()


def search_filters(viewer: User, *, key: str) -> SegmentFilter:
    """The filters row: agent (not for agents), dates, speaker, criterion and its result."""
    with db_session() as session:
        default = default_filter(session=session, viewer=viewer, today=date.today())
        agents = [] if viewer.role == Role.AGENT else list_agents(session=session, viewer=viewer)
    agent_id = None
    if viewer.role != Role.AGENT:
        names = {agent.id: agent.name for agent in agents}
        agent_id = st.selectbox(
            "Agent",
            [None, *names],
            format_func=lambda aid: names.get(aid, "All agents"),
            key=f"{key}_agent",
        )
    dates, speaker_column = st.columns(2)
    start, end = date_range(dates, default.start, default.end, key=f"{key}_dates")
    speaker = speaker_column.selectbox(
        "Speaker",
        [None, Speaker.AGENT, Speaker.CUSTOMER],
        format_func=lambda s: "Anyone" if s is None else s.value.title(),
        key=f"{key}_speaker",
    )
    criteria = criterion_titles()
    criterion_column, result_column = st.columns(2)
    criterion = criterion_column.selectbox(
        "Criterion",
        [None, *criteria],
        format_func=lambda c: "Any criterion" if c is None else criteria[c],
        key=f"{key}_criterion",
    )
    result = result_column.selectbox(
        "Result", RESULTS, disabled=criterion is None, key=f"{key}_result"
    )
    return SegmentFilter(
        agent_id=agent_id,
        start=start,
        end=end,
        speaker=speaker,
        criterion_id=criterion,
        criterion_result=result if criterion else None,
    )


def search_results(hits: list[SegmentHit], *, mode: SearchMode, key: str) -> None:
    """The hits grouped by call (calls in the order of their best hit), each line with who
    said it, its similarity to the query (a meaning search) and a link playing the call from
    there; the table of them as CSV."""
    if not hits:
        advice = (
            "Nothing close enough in meaning. Try other words, Exact words, or wider filters."
            if mode == SearchMode.MEANING
            else "No lines match. Try other words, or widen the filters."
        )
        st.info(advice)
        return
    by_call: dict[int, list[SegmentHit]] = {}
    for hit in hits:
        by_call.setdefault(hit.call_id, []).append(hit)
    lines = f"{len(hits)} line{'s' if len(hits) != 1 else ''}"
    st.caption(f"{lines} found in {len(by_call)} call{'s' if len(by_call) != 1 else ''}.")
    for call_id, found in by_call.items():
        first = found[0]
        spoken = first.channel == "call"
        kind = "Call" if spoken else channel_label(first.channel)
        with st.container(border=True):
            st.markdown(
                f"**{kind} #{call_id}** · {plain(first.agent_name)} · "
                f"{first.call_date:%d %b %Y %H:%M}"
            )
            for hit in sorted(found, key=lambda h: h.start):
                text, link = st.columns([5, 2], vertical_alignment="center")
                text.markdown(f"**{hit.speaker.title()}** · {plain(hit.text)}")
                if mode == SearchMode.MEANING:
                    text.caption(f"similarity {hit.score:.2f}")
                link.page_link(
                    "pages/calls.py",
                    label=f"Play call #{call_id} from {hit.place}"
                    if spoken
                    else f"Open {kind.lower()} #{call_id} at {hit.place}",
                    icon=":material/play_arrow:" if spoken else ":material/chat:",
                    query_params=hit.link_params,
                )
    download_table([hit.to_row() for hit in hits], name="conversation-search", key=f"{key}_csv")
