"""The audit trail: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.errors import NotAllowed
from core.models import AuditEvent, Role, User

__all__ = ["list_events", "record_event"]


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
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """The newest audit events first; only admins may read the whole trail.

    Raises:
        NotAllowed: the viewer is not an admin.
    """
    if viewer.role != Role.ADMIN:
        raise NotAllowed("Only admins can read the audit trail.")
    query = select(AuditEvent).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    return list(session.exec(query.limit(limit)))
