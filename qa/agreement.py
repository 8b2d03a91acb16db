"""Agreement between raters of the same items: raw agreement, Cohen's and Fleiss' kappa."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "CriterionAgreement",
    "ReliabilityBin",
    "agreement_by_criterion",
    "cohen_kappa",
    "fleiss_kappa",
    "majority_agreement",
    "percent_agreement",
    "reliability",
]


def _check(a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
    if len(a) != len(b):
        raise ValueError(f"the raters rated different numbers of items ({len(a)} vs {len(b)})")
    if not a:
        raise ValueError("there are no ratings to compare")


def percent_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Share of items both raters put in the same category (0-1).

    Raises:
        ValueError: the sequences differ in length or are empty.
    """
    _check(a, b)
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa: agreement beyond what the raters' own category rates give by chance.

    (observed - expected) / (1 - expected), where expected = sum over categories of the product
    of both raters' shares. When chance agreement is already total (both raters always give the
    same single category) kappa is undefined; this returns 1.0 then, as the raters cannot agree
    more.

    Raises:
        ValueError: the sequences differ in length or are empty.
    """
    observed = percent_agreement(a, b)
    n = len(a)
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a.keys() | count_b.keys()) / n**2
    if expected >= 1.0:
        return 1.0
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(ratings: Sequence[Sequence[Hashable]]) -> float:
    """Fleiss' kappa: agreement of any fixed number of raters beyond chance.

    Args:
        ratings: per item, the category each rater gave it (every item rated by the same
            number of raters, at least two).

    As with `cohen_kappa`, 1.0 when chance agreement is already total (every rater always
    gave the same single category).

    Raises:
        ValueError: no items, fewer than two raters, or items with different numbers of raters.
    """
    if not ratings:
        raise ValueError("there are no ratings to compare")
    raters = len(ratings[0])
    if raters < 2:
        raise ValueError("Fleiss' kappa needs at least two raters per item")
    if any(len(item) != raters for item in ratings):
        raise ValueError("every item must be rated by the same number of raters")
    counts = [Counter(item) for item in ratings]
    observed = sum(
        (sum(n * n for n in c.values()) - raters) / (raters * (raters - 1)) for c in counts
    ) / len(ratings)
    totals: Counter[Hashable] = Counter()
    for c in counts:
        totals.update(c)
    expected = sum((n / (len(ratings) * raters)) ** 2 for n in totals.values())
    if expected >= 1.0:
        return 1.0
    return (observed - expected) / (1.0 - expected)


def majority_agreement(labels: Sequence[Hashable]) -> float:
    """Agreement of always answering the most common label: the baseline raw agreement flatters.

    Raises:
        ValueError: there are no labels.
    """
    if not labels:
        raise ValueError("there are no labels")
    return Counter(labels).most_common(1)[0][1] / len(labels)


# How well two raters (auto-QA and a person, or two reviewers) agree on one criterion.
@dataclass(frozen=True)
class CriterionAgreement:
    criterion_id: str
    items: int
    agreement: float
    """Share of calls with the same result (pass, fail or na)."""
    kappa: float
    """Cohen's kappa of the two raters' results."""
    majority_agreement: float
    """Agreement of always answering the second rater's most common result: the baseline."""


def agreement_by_criterion(
    first: Sequence[Mapping[str, str]],
    second: Sequence[Mapping[str, str]],
    criterion_ids: Sequence[str],
) -> list[CriterionAgreement]:
    """Per criterion, how the first rater's results agree with the second's (the reference).

    Args:
        first: per call, criterion id -> result (e.g. auto-QA).
        second: per call, criterion id -> result, in the same call order (e.g. hand labels).
        criterion_ids: the criteria to compare; each must be in every mapping.

    Raises:
        ValueError: the raters rated different numbers of calls, or none.
        KeyError: a call's mapping lacks one of the criteria.
    """
    rows = []
    for criterion_id in criterion_ids:
        a = [results[criterion_id] for results in first]
        b = [results[criterion_id] for results in second]
        rows.append(
            CriterionAgreement(
                criterion_id=criterion_id,
                items=len(a),
                agreement=percent_agreement(a, b),
                kappa=cohen_kappa(a, b),
                majority_agreement=majority_agreement(b),
            )
        )
    return rows


# Results whose confidence fell in one band, and how many of them a person agreed with.
@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    results: int
    agreed: int

    @property
    def agreement(self) -> float | None:
        """Share of the band's results that agree (None when the band is empty)."""
        return self.agreed / self.results if self.results else None


RELIABILITY_EDGES = (0.0, 0.6, 0.7, 0.8, 0.9, 1.0)


def reliability(
    results: Sequence[tuple[float, bool]], edges: Sequence[float] = RELIABILITY_EDGES
) -> list[ReliabilityBin]:
    """Confidence against correctness: per confidence band [low, high) (the last one closed),
    how many results fell in it and how many agreed with the reference. A confidence that
    means something has agreement rising with the band, and at least 0.9 in the top band.

    Args:
        results: per result, its confidence (0-1) and whether it agreed.
        edges: the band edges, ascending, first 0 and last 1.
    """
    bins = []
    for i, (low, high) in enumerate(zip(edges, edges[1:], strict=False)):
        last = i == len(edges) - 2
        inside = [ok for c, ok in results if low <= c < high or (last and c == high)]
        bins.append(ReliabilityBin(low, high, len(inside), sum(inside)))
    return bins
