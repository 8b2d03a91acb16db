"""Reading a long list a page at a time: the page number (back to the first page whenever the
filters change), a table key per page, and the buttons that turn pages."""

from __future__ import annotations

import streamlit as st

__all__ = ["page_number", "pager", "table_key"]


def page_number(*, key: str, filters: object) -> int:
    """The page being read (0 = the first); back to 0 whenever `filters` (any value with a
    stable repr) change."""
    seen = f"{key}_filters"
    if st.session_state.get(seen) != repr(filters):
        st.session_state[seen] = repr(filters)
        _turn(key, 0)
    return st.session_state[key]


def table_key(key: str) -> str:
    """The key of the table of the page being read: a new one each time the page turns or the
    filters change, so the browser does not keep a row of another page ticked."""
    return f"{key}_table_{st.session_state[f'{key}_turns']}"


def pager(total: int, *, size: int, key: str, back: str = "Newer", forward: str = "Older") -> None:
    """The buttons to the page before (`back`) and after (`forward`), and where the page
    stands: "101-200 of 250 · page 2 of 3"."""
    page = st.session_state[key]
    pages = max((total + size - 1) // size, 1)
    newer, where, older = st.columns([1, 2, 1], vertical_alignment="center")
    newer.button(
        back,
        key=f"{key}_newer",
        icon=":material/chevron_left:",
        disabled=page == 0,
        on_click=_turn,
        args=(key, page - 1),
    )
    first = page * size + 1 if total else 0
    where.caption(f"{first}-{min(first + size - 1, total)} of {total} · page {page + 1} of {pages}")
    older.button(
        forward,
        key=f"{key}_older",
        icon=":material/chevron_right:",
        disabled=page >= pages - 1,
        on_click=_turn,
        args=(key, page + 1),
    )


def _turn(key: str, page: int) -> None:
    st.session_state[key] = page
    st.session_state[f"{key}_turns"] = st.session_state.get(f"{key}_turns", 0) + 1
