"""The "What drives CSAT" page: the figures and readings it shows are the analysis' own."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from analytics.drivers import LeftOut, csat_drivers
from analytics.facts import call_facts, default_filter
from analytics.targets import KPI, KPIS
from core.config import get_settings
from core.db import create_db_engine
from core.models import User
from tests.pages.conftest import DEMO_PASSWORD, LENA, sign_in, texts
from tests.qa.conftest import scored_call

NOT_ALLOWED = "Not allowed: this page is not available to your role."


def expected_report(session: Session, email: str):
    """The analysis of the calls the page's default filters select for this viewer."""
    viewer = session.exec(select(User).where(User.email == email)).one()
    filters = default_filter(session=session, viewer=viewer, today=date.today())
    return csat_drivers(call_facts(session=session, viewer=viewer, filters=filters))


def chart_drivers(at) -> list[str]:
    """The drivers the effects chart draws, top to bottom."""
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    rows = [
        row
        for values in [*spec.get("datasets", {}).values()]
        + [layer["data"]["values"] for layer in spec["layer"] if "values" in layer.get("data", {})]
        for row in values
        if "driver" in row
    ]
    return list(dict.fromkeys(row["driver"] for row in rows))


def test_the_lead_sees_the_drivers_of_their_teams_calls_ranked_with_readings(
    signed_in, session, people
):
    # 40 calls: failing empathy (every third call) costs two CSAT points, closing fails on
    # every fourth call without an effect.
    for number in range(40):
        empathy, closing = number % 3 == 0, number % 4 == 0
        failed = ("empathy",) * empathy + ("closing",) * closing
        call = scored_call(session, people["a1" if number % 2 else "a2"], number, failed=failed)
        call.csat = (2 if empathy else 4) + number % 5 % 2
        call.metrics = {
            "silence_seconds": 5.0 + number % 7,
            "agent_talk_seconds": 60.0,
            "customer_talk_seconds": 40.0 + number % 5,
            "agent_overtalk_count": number % 3,
        }
        session.add(call)
    session.commit()
    report = expected_report(session, people["lead"].email)
    empathy = report.drivers[0]
    assert empathy.key == "criterion:empathy" and empathy.low < -2.0 < empathy.high < 0

    at = signed_in("lead").switch_page("pages/drivers.py").run()

    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls with a CSAT"] == "40"
    assert metrics["Mean CSAT"] == KPIS[KPI.CSAT].show(report.mean_csat)
    page = texts(at)
    assert empathy.reading in page
    assert empathy.reading.startswith("Calls that fail Empathy score 1.9 lower CSAT on average")
    assert all(line in page for line in report.limits)
    assert chart_drivers(at) == [f"{d.name} ({d.unit})" for d in report.drivers]
    assert at.dataframe[0].value["driver"].tolist() == [d.name for d in report.drivers]
    assert at.get("download_button")[0].proto.label == "Download CSV"


def test_a_selection_without_a_csat_says_so(signed_in, session, people):
    scored_call(session, people["a1"], 1)

    at = signed_in("lead").switch_page("pages/drivers.py").run()

    assert [m.value for m in at.metric if m.label == "Calls with a CSAT"] == ["0"]
    assert "No scored calls with a CSAT in this selection." in texts(at)
    assert not at.get("vega_lite_chart")


@pytest.mark.model
def test_on_the_demo_calls_the_lead_gets_a_first_look_that_says_what_it_cannot_tell(demo_app):
    engine = create_db_engine(get_settings().sqlalchemy_url)
    with Session(engine) as session:
        report = expected_report(session, LENA)
    engine.dispose()
    assert report.calls == 16 and report.first_look and report.more_calls_needed == 4
    assert report.drivers  # the demo's candidates, each estimated alone

    at = sign_in(LENA, DEMO_PASSWORD).switch_page("pages/drivers.py").run(timeout=60)

    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls with a CSAT"] == "16"
    assert metrics["Mean CSAT"] == KPIS[KPI.CSAT].show(report.mean_csat) == "3.69"
    assert at.warning[0].value.startswith("A first look at 16 calls")
    assert chart_drivers(at) == [f"{d.name} ({d.unit})" for d in report.drivers]
    page = texts(at)
    assert all(d.reading in page for d in report.drivers)
    assert report.limits and all(line in page for line in report.limits)
    empathy = LeftOut("Empathy", "only 3 of 16 calls failed, fewer than the 5 needed")
    assert empathy in report.left_out


@pytest.mark.model
def test_an_agent_opening_the_page_is_not_allowed(demo_app):
    at = sign_in("amara.okafor@example.com", DEMO_PASSWORD)
    at.switch_page("pages/drivers.py").run()

    assert [e.value for e in at.error] == [NOT_ALLOWED]
    assert not at.title and not at.metric
