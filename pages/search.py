"""Conversation search: every transcript line the viewer may see, by meaning or by exact words;
each hit opens the call at that moment."""

import streamlit as st

import ui
from analytics.conversation_search import MAX_QUERY_CHARS, SearchMode, search_segments
from core.errors import InvalidInput, NotAllowed
from core.models import Role
from ui.search import index_new_segments, search_filters, search_results, segment_index

viewer = ui.guard("search")
st.title("Conversation search")
st.caption(
    'Find what was said on your calls: by meaning ("customer wants to cancel" also finds '
    '"I\'d like to close my account") or by exact words ("supervisor"). Card numbers and '
    "other personal details were redacted before anything was indexed."
    if viewer.role != Role.AGENT
    else "Find what was said on your own calls, by meaning or by exact words."
)

query = st.text_input(
    "Search for",
    max_chars=MAX_QUERY_CHARS,
    placeholder="customer wants to cancel",
    key="search_query",
)
mode = st.radio(
    "Match",
    list(SearchMode),
    format_func=lambda m: "By meaning" if m == SearchMode.MEANING else "Exact words",
    horizontal=True,
    key="search_mode",
)
with st.expander("Filters"):
    filters = search_filters(viewer, key="search")

if not query.strip():
    st.info("Type what to look for, then press Enter.")
    st.stop()

index = None
if mode == SearchMode.MEANING:
    index = segment_index()
    index_new_segments(index)
try:
    with st.spinner("Searching..."), ui.db_session() as session:
        hits = search_segments(
            session=session,
            viewer=viewer,
            query=query,
            mode=mode,
            filters=filters,
            limit=50,
            index=index,
        )
except (InvalidInput, NotAllowed) as exc:
    st.error(str(exc))
    st.stop()
except OSError as exc:  # the embedding model's files cannot be read
    st.error(f"Search by meaning is unavailable: {exc}")
    st.stop()

search_results(hits, mode=SearchMode(mode), key="search")
