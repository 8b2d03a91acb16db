from sqlmodel import func, select

from core.auth import authenticate
from core.config import Settings
from core.demo import DEMO_USERS
from core.models import Call, Role, User
from demo.load import DEMO_CALLS_DIR, load_demo
from tests.conftest import NOW


def test_the_demo_loads_once_and_every_demo_user_can_sign_in(session, tmp_path):
    settings = Settings(data_dir=tmp_path)
    first = load_demo(session=session, settings=settings, now=NOW)
    second = load_demo(session=session, settings=settings, now=NOW)

    recordings = [p for p in DEMO_CALLS_DIR.iterdir() if p.suffix in {".opus", ".flac"}]
    assert len(recordings) >= 12
    assert (first.users_created, first.calls_registered, first.failed) == (9, len(recordings), [])
    assert (second.users_created, second.calls_registered) == (0, 0)
    assert second.calls_already_there == len(recordings)
    assert session.exec(select(func.count()).select_from(Call)).one() == len(recordings)

    roles = [u.role for u in session.exec(select(User))]
    assert sorted(roles).count(Role.AGENT) == 6
    for person in DEMO_USERS:
        authenticate(session=session, email=person.email, password=settings.demo_password)

    unassigned = session.exec(select(Call).where(Call.agent_id.is_(None))).all()
    assert unassigned == []
    assert all(call.csat for call in session.exec(select(Call)))
