"""Teams and users: who works here, in which role and team. Changes are audited; only admins
change other people, everyone their own profile."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, delete, func, select

from core import time_zones
from core.access import audit_refusals
from core.audit import record_event
from core.auth import end_sign_in_sessions, hash_password
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import ReviewAssignment, Role, Team, User, UserPublic

__all__ = [
    "add_user",
    "create_team",
    "create_user",
    "get_user",
    "list_agents",
    "list_reviewers",
    "list_teams",
    "list_users",
    "require_role",
    "reset_password",
    "set_team_scorecard",
    "update_profile",
    "update_user",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNCHANGED = object()


def require_role(user: User, *roles: Role) -> None:
    """Raise NotAllowed unless `user` is active and has one of `roles`."""
    if not user.active or user.role not in roles:
        raise NotAllowed("You are not allowed to do this.")


def _public(user: User) -> dict:
    return UserPublic.model_validate(user, from_attributes=True).model_dump(mode="json")


def list_teams(*, session: Session) -> list[Team]:
    """All teams, by name."""
    return list(session.exec(select(Team).order_by(Team.name)))


@audit_refusals
def create_team(*, session: Session, actor: User, name: str, now: datetime) -> Team:
    """Create a team.

    Raises:
        NotAllowed: the actor is not an admin.
        InvalidInput: the name is empty or taken.
    """
    require_role(actor, Role.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput("A team needs a name.")
    if session.exec(select(Team).where(func.lower(Team.name) == name.lower())).first():
        raise InvalidInput(f"A team called {name!r} already exists.")
    team = Team(name=name)
    session.add(team)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="create",
        entity="team",
        entity_id=team.id,
        now=now,
        after={"name": name},
    )
    session.commit()
    return team


@audit_refusals
def set_team_scorecard(
    *,
    session: Session,
    actor: User,
    team_id: int,
    scorecard: str,
    available: Collection[str],
    now: datetime,
    written: bool = False,
) -> Team:
    """Choose the QA scorecard a team's calls (`written`: its chat, email and social
    conversations) are scored against from now on; past evaluations keep the scorecard they
    used. Audited.

    Raises:
        NotAllowed: the actor is not an admin.
        NotFound: no such team.
        InvalidInput: `scorecard` is not one of `available`.
    """
    require_role(actor, Role.ADMIN)
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team #{team_id}.")
    if scorecard not in available:
        raise InvalidInput(
            f"Unknown scorecard {scorecard!r}; choose one of {', '.join(sorted(available))}."
        )
    field = "written_scorecard" if written else "scorecard"
    if scorecard != getattr(team, field):
        record_event(
            session=session,
            actor=actor,
            action="update",
            entity="team",
            entity_id=team.id,
            now=now,
            before={field: getattr(team, field)},
            after={field: scorecard},
        )
        setattr(team, field, scorecard)
        session.add(team)
        session.commit()
    return team


@audit_refusals
def update_profile(
    *,
    session: Session,
    user: User,
    now: datetime,
    time_zone: str | None = None,
    reminders: bool | None = None,
) -> User:
    """A person changes their own time zone or email reminders; arguments left out stay as they
    are. There is no user id to pass: only the signed-in person's own profile can change.
    Audited with the values before and after.

    Raises:
        NotAllowed: the account is deactivated.
        InvalidInput: `time_zone` is not an IANA time zone name.
    """
    person = session.get(User, user.id)
    if person is None or not person.active:
        raise NotAllowed("You are not allowed to do this.")
    changes = {}
    if time_zone is not None and time_zone != person.time_zone:
        time_zones.time_zone(time_zone)  # refuses a name that is not a time zone
        changes["time_zone"] = time_zone
    if reminders is not None and reminders != person.reminders:
        changes["reminders"] = reminders
    if not changes:
        return person
    record_event(
        session=session,
        actor=person,
        action="update",
        entity="user",
        entity_id=person.id,
        now=now,
        before={key: getattr(person, key) for key in changes},
        after=changes,
    )
    for key, value in changes.items():
        setattr(person, key, value)
    session.add(person)
    session.commit()
    return person


@audit_refusals
def list_users(*, session: Session, viewer: User) -> list[User]:
    """Users the viewer may see: admins all, leads their team, everyone else only themselves."""
    query = select(User).order_by(User.role, User.name)
    if viewer.role == Role.LEAD:
        query = query.where(User.team_id == viewer.team_id)
    elif viewer.role != Role.ADMIN:
        query = query.where(User.id == viewer.id)
    return list(session.exec(query))


@audit_refusals
def list_agents(*, session: Session, viewer: User) -> list[User]:
    """Active agents the viewer may pick for a call: a lead's team, everyone for reviewers and
    admins, only themselves for an agent."""
    query = select(User).where(User.role == Role.AGENT, User.active == True).order_by(User.name)  # noqa: E712
    if viewer.role == Role.LEAD:
        query = query.where(User.team_id == viewer.team_id)
    elif viewer.role == Role.AGENT:
        query = query.where(User.id == viewer.id)
    return list(session.exec(query))


@audit_refusals
def list_reviewers(*, session: Session, viewer: User) -> list[User]:
    """Active people who can score calls (reviewers, then leads, then admins, each by name),
    for a lead or admin to invite to a calibration session or hand queued calls to.

    Raises:
        NotAllowed: the viewer is not a lead or admin.
    """
    require_role(viewer, Role.LEAD, Role.ADMIN)
    query = select(User).where(
        col(User.role).in_([Role.REVIEWER, Role.LEAD, Role.ADMIN]),
        User.active == True,  # noqa: E712
    )
    # Reviewers first (the people pickers default to), then leads, then admins; by name.
    rank = {Role.REVIEWER: 0, Role.LEAD: 1, Role.ADMIN: 2}
    return sorted(session.exec(query), key=lambda u: (rank[u.role], u.name))


@audit_refusals
def get_user(*, session: Session, viewer: User, user_id: int) -> User:
    """One user, if the viewer may see them.

    Raises:
        NotFound: no such user.
        NotAllowed: the viewer may not see this user.
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    if user not in list_users(session=session, viewer=viewer):
        raise NotAllowed("You can't open this person's profile.")
    return user


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise InvalidInput(f"There is no team #{team_id}.")


@audit_refusals
def create_user(
    *,
    session: Session,
    actor: User,
    name: str,
    email: str,
    role: Role,
    team_id: int | None,
    password: str,
    now: datetime,
) -> User:
    """Create a user who can sign in with `email` and `password`.

    Raises:
        NotAllowed: the actor is not an admin.
        InvalidInput: a field is empty or malformed, the email is taken, or the team is unknown.
    """
    require_role(actor, Role.ADMIN)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise InvalidInput("A user needs a name.")
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an email address.")
    if session.exec(select(User).where(func.lower(User.email) == email)).first():
        raise InvalidInput(f"A user with email {email} already exists.")
    _check_team(session, team_id)
    user = add_user(
        session=session,
        actor=actor,
        name=name,
        email=email,
        role=role,
        team_id=team_id,
        password=password,
        now=now,
    )
    session.commit()
    return user


@audit_refusals
def add_user(
    *,
    session: Session,
    actor: User | None,
    name: str,
    email: str,
    role: Role,
    team_id: int | None,
    password: str,
    now: datetime,
) -> User:
    """Add a user and its audit event to `session`, without permission or duplicate checks
    (`create_user` does those; the demo loader is the system acting). The caller commits."""
    user = User(
        name=name,
        email=email,
        role=Role(role),
        team_id=team_id,
        password_hash=hash_password(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=user.id,
        now=now,
        after=_public(user),
    )
    return user


@audit_refusals
def update_user(
    *,
    session: Session,
    actor: User,
    user_id: int,
    now: datetime,
    role: Role | None = None,
    team_id: int | None | object = _UNCHANGED,
    active: bool | None = None,
) -> User:
    """Change a user's role, team or active flag; arguments left out stay as they are. A
    deactivated reviewer's calls waiting for review go back to the shared pool.

    Raises:
        NotAllowed: the actor is not an admin, or would lock themselves out.
        NotFound: no such user.
        InvalidInput: the team is unknown.
    """
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    if user.id == actor.id and (active is False or (role is not None and role != Role.ADMIN)):
        raise NotAllowed("You can't deactivate yourself or remove your own admin role.")
    before = _public(user)
    if role is not None:
        user.role = Role(role)
    if team_id is not _UNCHANGED:
        _check_team(session, team_id)
        user.team_id = team_id
    if active is not None:
        user.active = active
    if active is False:  # their calls waiting for review go back to the shared pool
        session.exec(delete(ReviewAssignment).where(col(ReviewAssignment.reviewer_id) == user.id))
    after = _public(user)
    if after == before:
        return user
    changed = [key for key in after if after[key] != before[key]]
    record_event(
        session=session,
        actor=actor,
        action="update",
        entity="user",
        entity_id=user.id,
        now=now,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    session.add(user)
    session.commit()
    return user


@audit_refusals
def reset_password(
    *, session: Session, actor: User, user_id: int, new_password: str, now: datetime
) -> None:
    """Give a user a new password (the audit event records that it happened, never the value).
    Every browser signed in as them is signed out: whoever knew the old password is out too.

    Raises:
        NotAllowed: the actor is not an admin.
        NotFound: no such user.
        InvalidInput: the password breaks the password rules.
    """
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    user.password_hash = hash_password(new_password)
    session.add(user)
    end_sign_in_sessions(session=session, user_id=user.id, now=now)
    record_event(
        session=session,
        actor=actor,
        action="reset_password",
        entity="user",
        entity_id=user.id,
        now=now,
    )
    session.commit()
