"""What drives CSAT: a ridge regression of CSAT on criterion results and speech metrics."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Literal

import numpy as np

from analytics.facts import CallFacts
from qa.scorecard import ScorecardError, load_scorecard

__all__ = ["Driver", "DriverOptions", "DriverReport", "LeftOut", "csat_drivers"]


# How much evidence the analysis asks for, and how it fits and reads the drivers.
@dataclass(frozen=True)
class DriverOptions:
    min_calls: int = 20
    """Calls with a CSAT needed before the drivers are estimated together. With fewer, one
    customer's score is more than 5% of the data, and percentile bootstrap intervals from so few
    calls come out narrower than they should (they under-cover in small samples); only the
    first look below is offered, labelled as such."""
    first_look_calls: int = 12
    """From this many calls with a CSAT up to `min_calls`, each candidate is estimated on its
    own, one driver per fit (which the ten-calls-a-driver rule allows), and the report says it
    is a first look: effects not adjusted for each other, intervals from few calls. Below it,
    nothing is estimated. Twelve calls keep at least five on each side of a criterion possible
    with two to spare."""
    calls_per_driver: int = 10
    """Calls with a CSAT per driver estimated at once: the usual rule of thumb of about ten
    observations per effect in a regression (Harrell, *Regression Modeling Strategies*, 4.4);
    with fewer, the effects mostly fit noise. When the calls allow fewer drivers than there are
    candidates, the criteria with the most calls on their smaller side are kept first, then the
    speech metrics: chosen without looking at CSAT, so the intervals stay honest."""
    min_group: int = 5
    """A criterion is a candidate only when at least this many calls failed it and this many
    did not: its effect compares those two groups, and a group of one to four calls is one or
    two customers' mood. With 5 failed out of 20, a bootstrap resample keeps at least one
    failed call more than 99% of the time."""
    max_missing_share: float = 0.2
    """A speech metric unknown on at most this share of the calls (overtalk is unknown on mono
    recordings) is filled in with its mean over the other calls, which adds nothing to its
    effect; unknown on more, it is left out rather than mostly made up."""
    alpha: float = 1.0
    """Ridge penalty on the standardised drivers. With n calls it pulls each effect towards
    zero by about 1/(n + 1) of its size: enough to keep drivers that move together (two
    criteria failed on the same calls) from swinging to opposite extremes, too little to hide a
    real effect. Fixed, not cross-validated: on a few dozen calls the chosen penalty is itself
    noise, and a large one would narrow the bootstrap intervals around zero, which reads as
    "certainly no effect"."""
    resamples: int = 1000
    """Bootstrap resamples of the calls for the intervals: about 1000 are needed for stable
    2.5% and 97.5% percentiles (Efron & Tibshirani, *An Introduction to the Bootstrap*, 19.3);
    a thousand ridge fits take one to two seconds on two shared cores."""
    confidence: float = 0.95
    """Coverage of the intervals."""
    readable_half_width: float = 0.5
    """An interval wider than this either side (CSAT points, on the 1-5 scale) is too wide to
    read: it cannot tell a small effect from a large one. The reading then says about how many
    more calls would narrow it to this, as a half-width shrinks with 1/sqrt(calls)."""
    collinear_above: float = 0.8
    """Two drivers whose values correlate more than this across the calls (criteria failed on
    the same calls) are named in the limits: the model cannot tell their effects apart."""


# One driver's estimated effect on CSAT, with its interval and the calls behind it.
@dataclass(frozen=True)
class Driver:
    key: str
    """`criterion:<id>` or the speech metric's name."""
    name: str
    kind: Literal["criterion", "metric"]
    unit: str
    """What one unit of the driver is: "failing it", "10 s more silence", ..."""
    effect: float
    """CSAT points per unit, the other drivers held equal (negative: lower CSAT)."""
    low: float
    high: float
    calls: int
    """Calls with a CSAT and a known value of this driver."""
    failed: int | None
    """For a criterion, how many of those calls failed it."""
    reading: str
    more_calls: int | None = None
    """About how many more calls with a CSAT would narrow a too-wide interval, else None."""

    @property
    def clear(self) -> bool:
        """The interval lies wholly on one side of zero."""
        return self.low > 0 or self.high < 0

    def row(self) -> dict[str, object]:
        """The driver as a table row (CSV export)."""
        return {
            "driver": self.name,
            "per": self.unit,
            "effect on CSAT": round(self.effect, 2),
            "CI low": round(self.low, 2),
            "CI high": round(self.high, 2),
            "calls": self.calls,
            "failed": self.failed,
            "clear": self.clear,
            "reading": self.reading,
        }


# A candidate driver the analysis did not estimate, and why.
@dataclass(frozen=True)
class LeftOut:
    name: str
    reason: str


# The drivers found in a set of calls, ranked by size, and the limits of what they say.
@dataclass(frozen=True)
class DriverReport:
    calls: int
    """Calls with a CSAT: the ones analysed."""
    without_csat: int
    """Scored calls in the selection without a CSAT, not analysed."""
    mean_csat: float | None
    drivers: tuple[Driver, ...] = ()
    """Ranked by the size of the effect; empty when nothing was estimated."""
    left_out: tuple[LeftOut, ...] = ()
    message: str | None = None
    """Why nothing was estimated (too few calls, CSAT never varies, no candidate), else None."""
    more_calls_needed: int = 0
    """Calls with a CSAT still needed before anything is estimated."""
    limits: tuple[str, ...] = ()
    """What the figures cannot say, in plain words, left-out candidates included."""
    first_look: bool = False
    """Too few calls to estimate the drivers together: each was estimated on its own."""
    options: DriverOptions = field(default_factory=DriverOptions)


# A speech metric as a driver: its name, its unit and its value in that unit from the metrics.
@dataclass(frozen=True)
class _Metric:
    key: str
    name: str
    unit: str
    more: str
    """How "one unit more" reads in a sentence."""
    value: Callable[[Mapping], float | None]


def _talk_share(metrics: Mapping) -> float | None:
    agent, customer = metrics.get("agent_talk_seconds"), metrics.get("customer_talk_seconds")
    if agent is None or customer is None or agent + customer <= 0:
        return None
    return 10 * agent / (agent + customer)  # in tens of percentage points


def _per_ten(name: str) -> Callable[[Mapping], float | None]:
    return lambda metrics: None if metrics.get(name) is None else metrics[name] / 10


_METRICS = (
    _Metric(
        "silence", "Silence", "10 s more silence", "every 10 s more of silence",
        _per_ten("silence_seconds"),
    ),
    _Metric(
        "agent_talk_share",
        "Agent talk share",
        "10 points more agent talk share",
        "every 10 points more of the talking done by the agent",
        _talk_share,
    ),
    _Metric(
        "agent_overtalk",
        "Agent overtalk",
        "extra time the agent talks over the customer",
        "each more time the agent talks over the customer",
        lambda metrics: metrics.get("agent_overtalk_count"),
    ),
)  # fmt: skip


# One candidate driver: its values over the analysed calls, in natural units (NaN: unknown).
@dataclass(frozen=True)
class _Candidate:
    key: str
    name: str
    kind: Literal["criterion", "metric"]
    unit: str
    more: str
    values: np.ndarray
    failed: int | None = None

    @property
    def known(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.values)))

    @property
    def smaller_side(self) -> int:
        """Calls on the criterion's smaller side (failed or not); every call for a metric."""
        if self.failed is None:
            return self.known
        return min(self.failed, len(self.values) - self.failed)


def csat_drivers(
    calls: Sequence[CallFacts], *, options: DriverOptions = DriverOptions(), seed: int = 0
) -> DriverReport:
    """Which criterion failures and speech metrics go with lower or higher CSAT.

    Regresses CSAT (1-5) of the calls that have one on whether each criterion failed (n/a
    counts as not failed: there was nothing to fail) and on the speech metrics, with ridge
    regression on standardised drivers; effects are reported in natural units with percentile
    bootstrap intervals (`seed` makes them repeatable). Asks for `options.min_calls` calls
    to estimate the drivers together and `options.calls_per_driver` calls per driver; from
    `options.first_look_calls` it estimates each candidate on its own (`first_look`), and
    below that nothing.

    Returns:
        A report whose `message` says why nothing was estimated when it could not be, and whose
        `limits` always say what the figures cannot.
    """
    rated = [call for call in calls if call.csat is not None]
    n = len(rated)
    report = {
        "calls": n,
        "without_csat": len(calls) - n,
        "mean_csat": fmean(call.csat for call in rated) if rated else None,
        "options": options,
    }
    if n == 0:
        return DriverReport(
            **report,
            message=(
                "No scored calls with a CSAT in this selection. CSAT comes from the csat column "
                "of the metadata CSV at import; a first look at the drivers starts at "
                f"{options.first_look_calls} calls with one."
            ),
            more_calls_needed=options.first_look_calls,
        )
    candidates, left_out = _candidates(rated, options)
    scores = np.array([call.csat for call in rated], dtype=float)
    if options.first_look_calls <= n < options.min_calls and candidates and np.ptp(scores) > 0:
        return _first_look(rated, len(calls) - n, candidates, left_out, report, options, seed)
    if n < options.min_calls:
        needed = options.min_calls - n
        waiting = [c.name for c in candidates]
        limits = [
            f"With {options.min_calls} calls it could estimate up to "
            f"{options.min_calls // options.calls_per_driver} drivers at once "
            f"({options.calls_per_driver} calls a driver), chosen from "
            f"the {len(waiting)} candidates so far: {', '.join(waiting) or 'none yet'}."
        ] + _left_out_lines(left_out)
        return DriverReport(
            **report,
            left_out=tuple(left_out),
            message=_too_few(n, options),
            more_calls_needed=max(options.first_look_calls - n, 0) or needed,
            limits=tuple(limits),
        )
    if np.ptp(scores) == 0:
        return DriverReport(
            **report,
            left_out=tuple(left_out),
            message=(
                f"Every one of the {n} calls has CSAT {rated[0].csat}: there is no difference in "
                "satisfaction to explain yet."
            ),
        )
    room = n // options.calls_per_driver
    kept, waiting = candidates[:room], candidates[room:]
    if waiting:
        more = len(candidates) * options.calls_per_driver - n
        left_out += [
            LeftOut(
                c.name,
                f"not estimated yet ({n} calls carry {room} drivers at "
                f"{options.calls_per_driver} calls a driver); about {more} more calls with a "
                "CSAT would add every candidate",
            )
            for c in waiting
        ]
    if not kept:
        return DriverReport(
            **report,
            left_out=tuple(left_out),
            message="No driver can be estimated: every candidate was left out (see the limits).",
            limits=tuple(_left_out_lines(left_out)),
        )
    drivers, collinear = _fit(kept, scores, options, seed)
    limits = _limits(rated, len(calls) - n, drivers, collinear, options)
    return DriverReport(
        **report,
        drivers=tuple(sorted(drivers, key=lambda d: -abs(d.effect))),
        left_out=tuple(left_out),
        limits=tuple(limits + _left_out_lines(left_out)),
    )


def _too_few(n: int, options: DriverOptions) -> str:
    """How many more calls with a CSAT the analysis needs, in words."""
    together = options.min_calls - n
    first = options.first_look_calls - n
    if first > 0:
        calls = "call" if first == 1 else "calls"
        return (
            f"Needs {first} more {calls} with a CSAT for a first look at the drivers "
            f"({options.first_look_calls} calls), and {together} more to estimate them together "
            f"({options.min_calls}); this selection has {n}. Until then any effect would mostly "
            "be noise."
        )
    return (
        f"Needs {together} more calls with a CSAT: the drivers are estimated from "
        f"{options.min_calls} calls and this selection has {n}."
    )


def _first_look(
    rated: Sequence[CallFacts],
    without_csat: int,
    candidates: Sequence[_Candidate],
    left_out: list[LeftOut],
    report: dict,
    options: DriverOptions,
    seed: int,
) -> DriverReport:
    """Each candidate estimated on its own, for a selection with too few calls to estimate
    them together; the limits lead with what that means."""
    n = len(rated)
    scores = np.array([call.csat for call in rated], dtype=float)
    drivers = [_fit([candidate], scores, options, seed)[0][0] for candidate in candidates]
    needed = options.min_calls - n
    together = max(options.min_calls, len(candidates) * options.calls_per_driver)
    limits = [
        f"A first look: {n} calls with a CSAT are too few to estimate the drivers together, "
        f"so each one here is estimated on its own. Its effect is not adjusted for the others: "
        "when the same calls fail several criteria, each of those criteria gets the credit for "
        f"all of them. {needed} more calls with a CSAT start the joint estimate; about "
        f"{together - n} more would let every candidate into it.",
        *_limits(rated, without_csat, drivers, [], options),
    ]
    return DriverReport(
        **report,
        drivers=tuple(sorted(drivers, key=lambda d: -abs(d.effect))),
        left_out=tuple(left_out),
        more_calls_needed=needed,
        limits=tuple(limits + _left_out_lines(left_out)),
        first_look=True,
    )


def _candidates(
    rated: Sequence[CallFacts], options: DriverOptions
) -> tuple[list[_Candidate], list[LeftOut]]:
    """Every criterion and speech metric with enough calls on each side to estimate, in the
    order they are kept, and the ones left out with the reason."""
    n = len(rated)
    titles = _criterion_titles(rated)
    candidates: list[_Candidate] = []
    left_out: list[LeftOut] = []
    for criterion_id, title in titles.items():
        results = [call.results.get(criterion_id, "na") for call in rated]
        failed = results.count("fail")
        passed = results.count("pass")
        needed = f"fewer than the {options.min_group} needed"
        if failed == 0:
            reason = "every call passed" if passed == n else "no call failed (the rest were n/a)"
        elif failed == n:
            reason = "every call failed"
        elif failed < options.min_group:
            reason = f"only {failed} of {n} calls failed, {needed}"
        elif n - failed < options.min_group:
            reason = f"only {n - failed} of {n} calls did not fail, {needed}"
        else:
            values = np.array([result == "fail" for result in results], dtype=float)
            candidates.append(
                _Candidate(
                    f"criterion:{criterion_id}", title, "criterion", "failing it", "", values,
                    failed,
                )
            )  # fmt: skip
            continue
        left_out.append(LeftOut(title, reason))
    for metric in _METRICS:
        raw = [metric.value(call.metrics) if call.metrics else None for call in rated]
        values = np.array([np.nan if v is None else float(v) for v in raw])
        known = values[~np.isnan(values)]
        if len(known) < n * (1 - options.max_missing_share):
            left_out.append(LeftOut(metric.name, f"unknown on {n - len(known)} of {n} calls"))
        elif np.ptp(known) == 0:
            left_out.append(LeftOut(metric.name, "every call has the same value"))
        else:
            candidates.append(
                _Candidate(metric.key, metric.name, "metric", metric.unit, metric.more, values)
            )
    # Criteria first (what coaching acts on), the most evenly split first; CSAT plays no part.
    candidates.sort(key=lambda c: (c.kind != "criterion", -c.smaller_side))
    return candidates, left_out


def _criterion_titles(rated: Sequence[CallFacts]) -> dict[str, str]:
    """Criterion id -> title, in scorecard order, for every criterion the calls were scored on."""
    titles: dict[str, str] = {}
    for name in dict.fromkeys(call.scorecard for call in rated):
        try:
            for criterion in load_scorecard(name).criteria:
                titles.setdefault(criterion.id, criterion.title)
        except ScorecardError:  # an evaluation on a scorecard since deleted: ids still count
            pass
    for call in rated:
        for criterion_id in call.results:
            titles.setdefault(criterion_id, criterion_id.replace("_", " ").capitalize())
    return {cid: title for cid, title in titles.items() if any(cid in c.results for c in rated)}


def _fit(
    kept: Sequence[_Candidate], scores: np.ndarray, options: DriverOptions, seed: int
) -> tuple[list[Driver], list[tuple[str, str, float]]]:
    """The ridge effects of the kept candidates in natural units, with bootstrap intervals, and
    the pairs of drivers too correlated to tell apart."""
    import sklearn  # scikit-learn takes a second to import: only when there is a fit
    from sklearn.linear_model import Ridge

    n = len(scores)
    values = np.column_stack([c.values for c in kept])
    values = np.where(np.isnan(values), np.nanmean(values, axis=0), values)
    centre, spread = values.mean(axis=0), values.std(axis=0)
    standard = (values - centre) / spread
    # One scaling for every resample, so each effect converts back the same way; a resample in
    # which a driver happens not to vary gets a zero effect from the penalty, not a crash.
    full = Ridge(alpha=options.alpha).fit(standard, scores).coef_ / spread
    rng = np.random.default_rng(seed)
    samples = np.empty((options.resamples, len(kept)))
    # The full fit checked the data and the parameters; skipping those checks in the resamples
    # makes each of the many fits about a third faster.
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        for row in range(options.resamples):
            picked = rng.integers(0, n, n)
            model = Ridge(alpha=options.alpha).fit(standard[picked], scores[picked])
            samples[row] = model.coef_ / spread
    tail = 100 * (1 - options.confidence) / 2
    lows, highs = np.percentile(samples, [tail, 100 - tail], axis=0)
    drivers = []
    for index, candidate in enumerate(kept):
        effect, low, high = float(full[index]), float(lows[index]), float(highs[index])
        half = (high - low) / 2
        more = None
        if half > options.readable_half_width:
            more = math.ceil(n * (half / options.readable_half_width) ** 2) - n
        drivers.append(
            Driver(
                key=candidate.key,
                name=candidate.name,
                kind=candidate.kind,
                unit=candidate.unit,
                effect=effect,
                low=low,
                high=high,
                calls=candidate.known,
                failed=candidate.failed,
                reading=_reading(candidate, effect, low, high, more, options),
                more_calls=more,
            )
        )
    correlation = np.corrcoef(values, rowvar=False) if len(kept) > 1 else np.ones((1, 1))
    collinear = [
        (kept[i].name, kept[j].name, float(correlation[i, j]))
        for i in range(len(kept))
        for j in range(i + 1, len(kept))
        if abs(correlation[i, j]) > options.collinear_above
    ]
    return drivers, collinear


def _points(value: float) -> str:
    """A CSAT difference in words: "0.8 lower", "0.3 higher"."""
    return f"{abs(value):.1f} {'lower' if value < 0 else 'higher'}"


def _reading(
    candidate: _Candidate,
    effect: float,
    low: float,
    high: float,
    more: int | None,
    options: DriverOptions,
) -> str:
    """The driver's effect as a sentence a team lead reads without statistics."""
    level = f"{options.confidence:.0%} CI"
    behind = f"{candidate.known} calls" + (
        f", {candidate.failed} failed" if candidate.failed is not None else ""
    )
    if candidate.kind == "criterion":
        subject, verb = f"Calls that fail {candidate.name}", "score"
        what, per = f"failing {candidate.name}", ""
    else:
        subject, verb = candidate.more.capitalize(), "goes with"
        what, per = candidate.name.lower(), f" per {candidate.unit}"
    if low > 0 or high < 0:
        near, far = sorted((abs(low), abs(high)))
        span = f"{near:.1f} to {far:.1f} {'lower' if high < 0 else 'higher'}"
        text = f"{subject} {verb} {_points(effect)} CSAT on average ({level} {span}; {behind})."
    else:
        size = "about the same" if abs(effect) < 0.05 else _points(effect)
        text = (
            f"No clear effect yet of {what}: {size} CSAT{per} on average, but the {level} runs "
            f"from {_points(low)} to {_points(high)} ({behind})."
        )
    if more is not None:
        text += (
            f" The interval is wide: about {more} more calls with a CSAT would narrow it to "
            f"±{options.readable_half_width:.1f}."
        )
    return text


def _limits(
    rated: Sequence[CallFacts],
    without_csat: int,
    drivers: Sequence[Driver],
    collinear: Sequence[tuple[str, str, float]],
    options: DriverOptions,
) -> list[str]:
    """What the estimated drivers cannot say, in plain words."""
    n = len(rated)
    reviewed = sum(call.reviewed for call in rated)
    unrated = f" ({without_csat} without one are not counted)" if without_csat else ""
    limits = [
        f"Based on {n} scored calls with a CSAT{unrated}. Customers who answer the survey may "
        "not be typical of every caller.",
        "These are associations, not causes: each effect compares calls that differ in that "
        "driver with the other drivers listed here held equal, but nothing the analysis cannot "
        "see (why the customer called, how upset they were to begin with).",
        f"Criterion results are each call's official evaluation: a reviewer's on {reviewed} "
        f"calls, auto-QA's on {n - reviewed}. Scoring mistakes blur effects towards zero. A "
        "criterion that did not apply counts as not failed.",
        f"The {options.confidence:.0%} intervals come from {options.resamples} bootstrap "
        f"resamples of the calls, with a light ridge penalty (alpha {options.alpha:g}) that "
        f"pulls each effect slightly towards zero. With {len(drivers)} drivers read at once, "
        f"expect about one interval in {round(1 / (1 - options.confidence))} to miss the true "
        "effect by chance.",
    ]
    limits += [
        f"{a} and {b} go together in these calls (correlation {r:.2f}): the analysis cannot "
        "tell their effects apart well, so read them together."
        for a, b, r in collinear
    ]
    return limits


def _left_out_lines(left_out: Sequence[LeftOut]) -> list[str]:
    """One line per reason, naming every candidate left out for it."""
    names: dict[str, list[str]] = {}
    for item in left_out:
        names.setdefault(item.reason, []).append(item.name)
    return [f"{', '.join(group)}: {reason}." for reason, group in names.items()]
