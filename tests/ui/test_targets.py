"""A dashboard figure's delta points the way the figure lies from its target."""

from analytics.targets import KPI, Targets
from ui.targets import target_delta

TARGETS = Targets({KPI.QA_SCORE: 85, KPI.TALK_TO_LISTEN: 1.5}, {})


def test_a_ceiling_reads_over_when_above_it_and_under_when_below_it():
    assert target_delta(TARGETS.check(KPI.TALK_TO_LISTEN, 1.96)) == "+0.46 over the 1.50 ceiling"
    assert target_delta(TARGETS.check(KPI.TALK_TO_LISTEN, 1.2)) == "-0.30 under the 1.50 ceiling"


def test_a_floor_reads_against_its_target_with_the_figures_own_sign():
    assert target_delta(TARGETS.check(KPI.QA_SCORE, 78)) == "-7.0 vs target 85.0"
    assert target_delta(TARGETS.check(KPI.QA_SCORE, 90)) == "+5.0 vs target 85.0"
