from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from analytics.targets import KPI, set_target
from core.audit import record_event
from core.models import Role, utcnow
from core.people import update_user
from tests.pages.conftest import texts

NEW_YORK = ZoneInfo("America/New_York")
WHEN = "When (America/New_York)"


def _trail(signed_in):
    return signed_in("admin").switch_page("pages/audit.py").run()


@pytest.fixture
def trail(session, people):
    """A day of changes, seen by an admin in New York: two target changes and a role change by
    the admin, a user the system added, and one change from six weeks ago."""
    admin = people["admin"]
    admin.time_zone = "America/New_York"
    session.add(admin)
    session.commit()
    # 15:00 UTC yesterday: 10:00 or 11:00 in New York, a time no UTC clock shows.
    moment = (utcnow() - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    set_target(session=session, actor=admin, kpi=KPI.PASS_RATE, value=0.85, now=moment)
    set_target(
        session=session, actor=admin, kpi=KPI.PASS_RATE, value=0.9, now=moment + timedelta(hours=1)
    )
    update_user(
        session=session,
        actor=admin,
        user_id=people["a2"].id,
        role=Role.LEAD,
        now=moment + timedelta(hours=2),
    )
    record_event(
        session=session,
        actor=None,
        action="create",
        entity="team",
        entity_id=people["a1"].team_id,
        now=moment - timedelta(hours=1),
        after={"name": "Team A"},
    )
    record_event(
        session=session,
        actor=admin,
        action="target.clear",
        entity="kpitarget",
        entity_id=99,
        now=moment - timedelta(days=42),
        before={"kpi": "csat", "criterion_id": None, "value": 4.0},
    )
    session.commit()
    return moment


def _table(at):
    return at.dataframe[0].value


def test_each_change_reads_in_words_at_the_admins_time_in_the_last_30_days(signed_in, trail):
    at = _trail(signed_in)
    table = _table(at)
    assert "4 events match" in texts(at)  # the change of six weeks ago is outside the dates
    assert list(table["Action"]) == ["update", "target.set", "target.set", "create"]
    assert list(table["Who"]) == ["admin@example.com"] * 3 + ["system"]
    assert list(table["Change"]) == [
        "role: agent → lead",
        "value: 0.85 → 0.9; added kpi: pass_rate",
        "added kpi: pass_rate, value: 0.85",
        "added name: Team A",
    ]
    changed_at = trail + timedelta(hours=2)  # 17:00 UTC
    assert table[WHEN][0] == changed_at.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M:%S")
    assert table[WHEN][0][11:] in {"12:00:00", "13:00:00"}  # New York's winter or summer time
    assert "Before" not in table and "After" not in table  # no raw JSON in the table


def test_filtering_by_action_keeps_only_those_events_and_counts_them(signed_in, trail):
    at = _trail(signed_in)
    assert at.multiselect(key="audit_action").options == [
        "create",
        "target.clear",
        "target.set",
        "update",
    ]
    at.multiselect(key="audit_action").select("target.set").run()
    assert "2 events match" in texts(at)
    assert set(_table(at)["Action"]) == {"target.set"}


def test_filtering_by_who_and_what(signed_in, trail, people):
    at = _trail(signed_in)
    assert at.multiselect(key="audit_who").options == ["system", "admin@example.com"]
    at.multiselect(key="audit_who").select(None).run()  # the system
    assert list(_table(at)["Change"]) == ["added name: Team A"]
    assert "1 event matches" in texts(at)
    at.multiselect(key="audit_who").unselect(None).run()
    at.multiselect(key="audit_what").select("user").run()
    assert list(_table(at)["What"]) == [f"user #{people['a2'].id}"]


def test_widening_the_dates_shows_older_changes(signed_in, trail):
    at = _trail(signed_in)
    today = trail.astimezone(NEW_YORK).date() + timedelta(days=1)
    at.date_input(key="audit_dates").set_value((today - timedelta(days=60), today)).run()
    assert "5 events match" in texts(at)
    assert _table(at)["Change"].iloc[-1] == "removed kpi: csat, value: 4.0"
    long_ago = today - timedelta(days=1000)
    at.date_input(key="audit_dates").set_value((long_ago, long_ago)).run()
    assert "No events match these filters" in texts(at)


def test_a_selected_row_shows_everything_before_and_after(signed_in, trail):
    at = _trail(signed_in)
    _select(at, 1)
    assert at.subheader[0].value.startswith("target.set · kpitarget #")
    before, after = at.json
    assert before.value == '{"value": 0.85}'
    assert after.value == '{"kpi": "pass_rate", "criterion_id": null, "value": 0.9}'
    # A new filter is a new table: nothing stays selected from the one before.
    table = at.dataframe[0].key
    at.multiselect(key="audit_action").select("target.set").run()
    assert not at.json and at.dataframe[0].key != table


def _select(at, row):
    """Tick a row of the table, as a click in the browser does."""
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [row], "columns": []}}
    at.run()


def test_the_newest_hundred_a_page_with_older_and_newer(signed_in, session, people):
    start = utcnow() - timedelta(days=2)
    for number in range(130):
        record_event(
            session=session,
            actor=people["admin"],
            action="target.set",
            entity="kpitarget",
            entity_id=number,
            now=start + timedelta(minutes=number),
            after={"value": number},
        )
    session.commit()
    at = _trail(signed_in)
    assert "130 events match" in texts(at)
    assert len(_table(at)) == 100 and _table(at)["What"][0] == "kpitarget #129"
    assert at.button(key="audit_page_newer").disabled

    at.button(key="audit_page_older").click().run()
    assert list(_table(at)["What"]) == [f"kpitarget #{n}" for n in range(29, -1, -1)]
    assert at.button(key="audit_page_older").disabled
    assert "101-130 of 130" in texts(at)

    # A new filter starts again from the newest.
    at.multiselect(key="audit_action").select("target.set").run()
    assert _table(at)["What"][0] == "kpitarget #129"


def test_the_filtered_events_can_be_downloaded(signed_in, trail):
    at = _trail(signed_in)
    assert at.download_button(key="audit_csv").label == "Download CSV"


def test_an_empty_trail_says_so(signed_in):
    assert "Nothing has been changed yet." in texts(_trail(signed_in))
