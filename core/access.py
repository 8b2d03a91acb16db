"""Refused access is audited: who tried to see or change what they may not, and when.

Every repository function that takes the signed-in user (`viewer=`, `lead=`, ...) is wrapped in
`audit_refusals`: when it raises `NotAllowed`, an `access.refused` audit event names the
function, the ids it was asked for and the reason, before the error goes on to the page. Pages
record a role refused at the door the same way (`ui.navigation.guard`). The event is written on
its own connection and committed at once, so the caller rolling back its own work does not take
the record with it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from sqlmodel import Session

from core.errors import NotAllowed
from core.models import User, utcnow

__all__ = ["REFUSED", "audit_refusals", "is_audited", "record_refusal"]

REFUSED = "access.refused"
# How many audited functions are running in this thread (or task): only the outermost records.
_depth: ContextVar[int] = ContextVar("audited_calls", default=0)
_log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def record_refusal(
    *,
    session: Session,
    actor: User | None,
    what: str,
    ids: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Write an `access.refused` audit event at once, on a connection of its own.

    Never raises: failing to write the record must not turn a refusal into a crash (a warning
    is logged instead).
    """
    from core.audit import record_event  # core.audit's own functions are wrapped in this

    entity_id = next((v for v in (ids or {}).values() if isinstance(v, int)), None)
    try:
        with Session(session.get_bind()) as own:
            record_event(
                session=own,
                actor=actor if actor is not None and actor.id is not None else None,
                action=REFUSED,
                entity=what,
                entity_id=entity_id,
                now=utcnow(),
                after={"ids": ids or {}, "reason": reason[:300]},
            )
            own.commit()
    except Exception:  # noqa: BLE001 - see the docstring
        _log.warning("could not record a refused access to %s", what, exc_info=True)


def audit_refusals(function: Callable[P, R]) -> Callable[P, R]:
    """Wrap a repository function so a `NotAllowed` it raises is audited once, under the name
    of the outermost audited function (the action that was attempted, e.g. `raise_dispute`,
    not the `get_call` it checks with). The actor is the argument that is a `User`, whatever
    it is called (`viewer`, `lead`, `reviewer`...)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _depth.set(_depth.get() + 1)
        try:
            return function(*args, **kwargs)
        except NotAllowed as exc:
            session = kwargs.get("session")
            if _depth.get() == 1 and isinstance(session, Session):
                actor = next((v for v in kwargs.values() if isinstance(v, User)), None)
                ids = {k: v for k, v in kwargs.items() if k.endswith("_id") and v is not None}
                record_refusal(
                    session=session,
                    actor=actor,
                    what=f"{function.__module__}.{function.__name__}",
                    ids=ids,
                    reason=str(exc),
                )
            raise
        finally:
            _depth.reset(token)

    wrapper.__audits_refusals__ = True
    return wrapper


def is_audited(function: Callable) -> bool:
    """True when `function` records the refusals it raises (for the architecture test)."""
    return getattr(function, "__audits_refusals__", False)
