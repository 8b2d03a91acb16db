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
