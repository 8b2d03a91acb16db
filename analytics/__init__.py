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

__all__ = [
    "CallFacts",
    "DashboardFilter",
    "Driver",
    "DriverOptions",
    "DriverReport",
    "LeftOut",
    "call_date_range",
    "call_facts",
    "csat_drivers",
    "filter_condition",
    "scoped_filter",
    "week_start",
]
