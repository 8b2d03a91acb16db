"""Team analytics: QA trends, agreement, learning, speech metrics, targets, CSAT drivers."""

from analytics.drivers import Driver, DriverOptions, DriverReport, LeftOut, csat_drivers
from analytics.facts import (
    CallFacts,
    DashboardFilter,
    call_date_range,
    call_facts,
    filter_condition,
    scoped_filter,
    week_start,
)
from analytics.impact import CriterionImpact, SkillPerformance, criterion_impact, skill_performance
from analytics.learning import AgentLearning, LearningTotals, agent_learning

__all__ = [
    "AgentLearning",
    "CallFacts",
    "CriterionImpact",
    "DashboardFilter",
    "Driver",
    "DriverOptions",
    "DriverReport",
    "LearningTotals",
    "LeftOut",
    "SkillPerformance",
    "agent_learning",
    "call_date_range",
    "call_facts",
    "criterion_impact",
    "csat_drivers",
    "filter_condition",
    "scoped_filter",
    "skill_performance",
    "week_start",
]
