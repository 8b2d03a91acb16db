"""The audit trail: who changed what, when, with the values before and after."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TypedDict

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, or_, select

from core.access import audit_refusals
from core.errors import NotAllowed
from core.models import AuditEvent, Role, User

__all__ = [
    "AuditChoices",
    "EventFilter",
    "audit_choices",
    "change_summary",
    "count_events",
    "list_events",
    "local_days",
    "record_event",
]

# How much of one value a change summary shows, and how many changed keys before "+N more".
_VALUE_CHARS = 40
_SUMMARY_KEYS = 4


# The filters of the audit trail, as `list_events` and `count_events` take them. A missing key
# (or None) means any; a collection keeps only the events matching one of its items, so an
# empty one matches nothing.
class EventFilter(TypedDict, total=False):
    actor_ids: Collection[int | None] | None  # who acted; None in it stands for the system
    actions: Collection[str] | None  # e.g. "target.set", "update", "access.refused"
    entities: Collection[str] | None  # the kind of record changed, e.g. "user", "call"
    since: datetime | None  # aware; events at or after it
    until: datetime | None  # aware; events before it


# What the whole trail holds, to offer as filter choices.
@dataclass(frozen=True)
class AuditChoices:
    actor_ids: list[int | None]  # everyone who acted, None (the system) first
    actions: list[str]  # sorted
    entities: list[str]  # sorted


def record_event(
    *,
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to `session`; it is written with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        at=now,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


@audit_refusals
def list_events(
    *,
    session: Session,
    viewer: User,
    actor_ids: Collection[int | None] | None = None,
    actions: Collection[str] | None = None,
    entities: Collection[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int | None = 200,
    offset: int = 0,
) -> list[AuditEvent]:
    """The newest audit events first, filtered as `EventFilter` says; only admins may read
    the trail. `entity` with `entity_id` is one record's history; `limit` None means all.

    Raises:
        NotAllowed: the viewer is not an admin.
        ValueError: `since` or `until` is naive.
    """
    _require_admin(viewer)
    conditions = _conditions(
        actor_ids=actor_ids, actions=actions, entities=entities, since=since, until=until
    )
    if entity is not None:
        conditions.append(col(AuditEvent.entity) == entity)
    if entity_id is not None:
        conditions.append(col(AuditEvent.entity_id) == entity_id)
    query = (
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(query))


@audit_refusals
def count_events(
    *,
    session: Session,
    viewer: User,
    actor_ids: Collection[int | None] | None = None,
    actions: Collection[str] | None = None,
    entities: Collection[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many audit events match the filters (`EventFilter`), for paging `list_events`.

    Raises:
        NotAllowed: the viewer is not an admin.
        ValueError: `since` or `until` is naive.
    """
    _require_admin(viewer)
    conditions = _conditions(
        actor_ids=actor_ids, actions=actions, entities=entities, since=since, until=until
    )
    return session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()


@audit_refusals
def audit_choices(*, session: Session, viewer: User) -> AuditChoices:
    """The people, actions and kinds of record the trail holds, to filter it by.

    Raises:
        NotAllowed: the viewer is not an admin.
    """
    _require_admin(viewer)

    def distinct(column: Any) -> list[Any]:
        return list(session.exec(select(column).distinct()))

    return AuditChoices(
        actor_ids=sorted(distinct(AuditEvent.actor_id), key=lambda i: (i is not None, i or 0)),
        actions=sorted(distinct(AuditEvent.action)),
        entities=sorted(distinct(AuditEvent.entity)),
    )


def local_days(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The moments from the start of `first` to the end of `last`, as days run in `zone`:
    `(since, until)` for `EventFilter`, in UTC, `until` the next day's midnight (exclusive).
    A day on which the clocks change is 23 or 25 hours long."""
    since = datetime.combine(first, time.min, zone)
    until = datetime.combine(last + timedelta(days=1), time.min, zone)
    return since.astimezone(UTC), until.astimezone(UTC)


def change_summary(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What an event changed, in words and short: one `key: before → after` per changed key
    (`"value: 0.85 → 0.9"`), then the keys only after and only before (`"added kpi: csat,
    value: 4.0"`, `"removed ..."`), joined by "; ". Nested records read as dotted keys
    (`"results.greeting: fail → pass"`); a key on one side only with no value is left out;
    long values are cut, and past four keys the rest is counted (`"+3 more"`)."""
    old, new = _flat(before or {}), _flat(after or {})
    changed = [
        f"{k}: {_shown(v)} → {_shown(new[k])}" for k, v in old.items() if k in new and v != new[k]
    ]
    added = [f"{k}: {_shown(v)}" for k, v in new.items() if k not in old and v is not None]
    removed = [f"{k}: {_shown(v)}" for k, v in old.items() if k not in new and v is not None]
    room = _SUMMARY_KEYS
    parts = changed[:room]
    room -= len(parts)
    for label, keys in (("added", added), ("removed", removed)):
        if keys[:room]:
            parts.append(f"{label} " + ", ".join(keys[:room]))
        room -= len(keys[:room])
    hidden = len(changed) + len(added) + len(removed) - _SUMMARY_KEYS
    return "; ".join([*parts, f"+{hidden} more"] if hidden > 0 else parts)


def _require_admin(viewer: User) -> None:
    if viewer.role != Role.ADMIN:
        raise NotAllowed("Only admins can read the audit trail.")


def _conditions(
    *,
    actor_ids: Collection[int | None] | None,
    actions: Collection[str] | None,
    entities: Collection[str] | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if actor_ids is not None:
        people = [i for i in actor_ids if i is not None]
        by = col(AuditEvent.actor_id).in_(people)
        conditions.append(or_(by, col(AuditEvent.actor_id).is_(None)) if None in actor_ids else by)
    if actions is not None:
        conditions.append(col(AuditEvent.action).in_(list(actions)))
    if entities is not None:
        conditions.append(col(AuditEvent.entity).in_(list(entities)))
    if since is not None:
        conditions.append(col(AuditEvent.at) >= _aware(since))
    if until is not None:
        conditions.append(col(AuditEvent.at) < _aware(until))
    return conditions


def _aware(moment: datetime) -> datetime:
    # The column refuses a naive time too, but as a database error in the middle of the query.
    if moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone: say which moment it is")
    return moment


def _flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping) and value:
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _shown(value: Any) -> str:
    if value is None:
        text = "none"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = str(round(value, 4))
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_shown(item) for item in value) + "]"
    elif isinstance(value, Mapping):
        text = "{}"  # an empty record: a full one is flattened into its keys
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1].rstrip() + "…"
