"""The demo organisation: one team of six agents with a lead, a reviewer and an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from core.models import Role, Team, User
from core.people import add_user

__all__ = ["DEMO_TEAM", "DEMO_USERS", "DemoUser", "load_demo_organisation"]

DEMO_TEAM = "Northwind Energy - Customer Care"


# One person of the demo organisation; everyone signs in with the demo password.
@dataclass(frozen=True)
class DemoUser:
    name: str
    email: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("Alex Morgan", "admin@example.com", Role.ADMIN),
    DemoUser("Lena Brooks", "lena.brooks@example.com", Role.LEAD),
    DemoUser("Raj Patel", "raj.patel@example.com", Role.REVIEWER),
    DemoUser("Amara Okafor", "amara.okafor@example.com", Role.AGENT),
    DemoUser("Ben Carter", "ben.carter@example.com", Role.AGENT),
    DemoUser("Chloe Nguyen", "chloe.nguyen@example.com", Role.AGENT),
    DemoUser("Diego Ramirez", "diego.ramirez@example.com", Role.AGENT),
    DemoUser("Ella Fischer", "ella.fischer@example.com", Role.AGENT),
    DemoUser("Farah Haddad", "farah.haddad@example.com", Role.AGENT),
)


def load_demo_organisation(*, session: Session, password: str, now: datetime) -> list[User]:
    """Create the demo team and users that are missing; existing ones are left as they are.

    Returns the users created by this call (empty when the organisation was already loaded).
    """
    team = session.exec(select(Team).where(Team.name == DEMO_TEAM)).first()
    if team is None:
        team = Team(name=DEMO_TEAM)
        session.add(team)
        session.flush()
    created: list[User] = []
    for person in DEMO_USERS:
        exists = session.exec(select(User).where(func.lower(User.email) == person.email)).first()
        if exists:
            continue
        user = add_user(
            session=session,
            actor=None,
            name=person.name,
            email=person.email,
            role=person.role,
            team_id=team.id,
            password=password,
            now=now,
        )
        created.append(user)
    session.commit()
    return created
