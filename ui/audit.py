"""The audit trail's widgets: its filters, its pages of events, the table rows and the CSV."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.audit import AuditChoices, EventFilter, change_summary, list_events, local_days
from core.models import AuditEvent, User
from ui.dashboards import csv_bytes, date_range

__all__ = [
    "actor_name",
    "audit_filters",
    "event_rows",
    "events_csv",
    "page_number",
    "pager",
    "table_key",
]

# The date range the trail opens on: the last 30 days, today included.
DEFAULT_DAYS = 30


def audit_filters(
    choices: AuditChoices, *, names: Mapping[int, str], zone: ZoneInfo, key: str
) -> EventFilter:
    """A row of filters (who, action, dates, what) and what was picked; an empty choice
    means all. The dates are the viewer's days, in `zone`."""
    who, action, dates, what = st.columns([1.2, 1.2, 1.4, 1])
    actor_ids = who.multiselect(
        "Who",
        sorted(choices.actor_ids, key=lambda i: (i is not None, actor_name(i, names))),
        format_func=lambda actor_id: actor_name(actor_id, names),
        placeholder="Anyone",
        key=f"{key}_who",
    )
    actions = action.multiselect(
        "Action", choices.actions, placeholder="All actions", key=f"{key}_action"
    )
    today = datetime.now(zone).date()
    first, last = date_range(
        dates, today - timedelta(days=DEFAULT_DAYS - 1), today, key=f"{key}_dates"
    )
    entities = what.multiselect("What", choices.entities, placeholder="All", key=f"{key}_what")
    since, until = local_days(first, last, zone)
    return EventFilter(
        actor_ids=actor_ids or None,
        actions=actions or None,
        entities=entities or None,
        since=since,
        until=until,
    )


def actor_name(actor_id: int | None, names: Mapping[int, str]) -> str:
    """Who acted, as the trail names them: their email, or "system" for no one."""
    if actor_id is None:
        return "system"
    return names.get(actor_id, f"user #{actor_id}")


def page_number(*, key: str, filters: EventFilter) -> int:
    """The page of the trail being read (0 = newest); back to 0 whenever the filters change."""
    seen = f"{key}_filters"
    if st.session_state.get(seen) != repr(filters):
        st.session_state[seen] = repr(filters)
        _turn(key, 0)
    return st.session_state[key]


def table_key(key: str) -> str:
    """The key of the table of the page being read: a new one each time the page turns or the
    filters change, so the browser does not keep a row of another page ticked."""
    return f"{key}_table_{st.session_state[f'{key}_turns']}"


def pager(total: int, *, size: int, key: str) -> None:
    """The "Newer" and "Older" buttons, and where the page stands: "101-200 of 250 · page 2
    of 3"."""
    page = st.session_state[key]
    pages = max((total + size - 1) // size, 1)
    newer, where, older = st.columns([1, 2, 1], vertical_alignment="center")
    newer.button(
        "Newer",
        key=f"{key}_newer",
        icon=":material/chevron_left:",
        disabled=page == 0,
        on_click=_turn,
        args=(key, page - 1),
    )
    first = page * size + 1 if total else 0
    where.caption(f"{first}-{min(first + size - 1, total)} of {total} · page {page + 1} of {pages}")
    older.button(
        "Older",
        key=f"{key}_older",
        icon=":material/chevron_right:",
        disabled=page >= pages - 1,
        on_click=_turn,
        args=(key, page + 1),
    )


def _turn(key: str, page: int) -> None:
    st.session_state[key] = page
    st.session_state[f"{key}_turns"] = st.session_state.get(f"{key}_turns", 0) + 1


def event_rows(
    events: Sequence[AuditEvent], *, names: Mapping[int, str], zone: ZoneInfo
) -> list[dict[str, str]]:
    """The events as the trail's table shows them: the time in `zone`, named in the header,
    and what changed in words."""
    when = f"When ({zone.key})"
    return [
        {
            when: event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            "Who": actor_name(event.actor_id, names),
            "Action": event.action,
            "What": _what(event),
            "Change": change_summary(event.before, event.after),
        }
        for event in events
    ]


def events_csv(
    *,
    engine: Engine,
    viewer: User,
    filters: EventFilter,
    names: Mapping[int, str],
    zone: ZoneInfo,
) -> Callable[[], bytes]:
    """The CSV of every event matching `filters` (not only the page shown), made when the
    download is clicked: the table's columns plus the full before and after, as JSON."""

    def build() -> bytes:
        with Session(engine) as session:
            events = list_events(session=session, viewer=viewer, **filters, limit=None)
        rows = event_rows(events, names=names, zone=zone)
        for row, event in zip(rows, events, strict=True):
            row["Before"] = _json(event.before)
            row["After"] = _json(event.after)
        return csv_bytes(rows)

    return build


def _what(event: AuditEvent) -> str:
    return event.entity if event.entity_id is None else f"{event.entity} #{event.entity_id}"


def _json(record: dict | None) -> str:
    return "" if record is None else json.dumps(record, ensure_ascii=False)
