"""Learning from reviewers: every reviewed call is a labelled example for its scorecard, and
auto-QA's confidence is recalibrated on them so that "needs review" lands where it is wrong.

Per criterion, auto-QA's results are grouped by what it said and how sure it was (a confidence
band). Reviewers' verdicts on earlier results of the same group say how often such a result is
right; that share, pulled towards the raw confidence while examples are few, becomes the new
confidence. A group that reviewers overturn most of the time, on enough examples, takes the
reviewers' usual answer instead.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, select

from core.models import (
    CalibrationRater,
    CalibrationRating,
    CalibrationSession,
    CriterionScore,
    Evaluation,
    EvaluationSource,
)
from qa.evaluations import reviewed_pairs, scores_by_evaluation
from qa.scorecard import Scorecard
from qa.scoring import CriterionResult, EvaluationResult, Result, evaluation_of

__all__ = [
    "LearningOptions",
    "Recalibration",
    "ReviewedResult",
    "learn",
    "learned_recalibrations",
    "recalibrate",
    "reviewed_results",
]


# One auto-QA result on one criterion and what a person decided it should be.
@dataclass(frozen=True)
class ReviewedResult:
    criterion_id: str
    auto: Result
    confidence: float
    label: Result


# How reviewed examples move confidence (set before any measurement and kept; bench/autoqa.py
# prints the learning curve they give).
@dataclass(frozen=True)
class LearningOptions:
    bands: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9)
    """Inner edges of the confidence bands results are grouped by (as the reliability chart)."""
    prior_weight: float = 4.0
    """How many examples the raw confidence counts as: with few reviews it moves little."""
    min_to_overturn: int = 5
    """Reviews a group needs before the reviewers' usual answer replaces auto-QA's."""
    min_calls: int = 10
    """Reviewed calls a scorecard needs before anything is learned from them."""


# Per criterion, auto result and confidence band: reviewers' labels of such results.
@dataclass(frozen=True)
class Recalibration:
    options: LearningOptions = LearningOptions()
    groups: Mapping[tuple[str, str, int], Counter[str]] = field(default_factory=dict)
    examples: int = 0
    """Reviewed calls learned from."""

    def band(self, confidence: float) -> int:
        """The confidence band a result of this confidence is grouped in."""
        return bisect.bisect_right(self.options.bands, confidence)

    def adjust(self, result: CriterionResult) -> CriterionResult:
        """The result with its confidence (and, for a group reviewers keep overturning, its
        answer) learned from the reviewed examples of its group."""
        key = (result.criterion_id, str(result.result), self.band(result.confidence))
        labels = self.groups.get(key)
        if not labels:
            return result
        total = sum(labels.values())
        prior = self.options.prior_weight
        usual, count = labels.most_common(1)[0]
        if usual != str(result.result) and count >= self.options.min_to_overturn:
            share = (count + prior * 0.5) / (total + prior)
            if share > 0.5:
                return replace(
                    result,
                    result=Result(usual),
                    confidence=round(share, 3),
                    reason=f"Reviewers changed {count} of {total} such results to {usual}: "
                    f"{result.reason}",
                )
        agreed = labels[str(result.result)]
        confidence = (agreed + prior * result.confidence) / (total + prior)
        return replace(result, confidence=round(confidence, 3))


def learn(
    examples: Iterable[ReviewedResult], calls: int, options: LearningOptions | None = None
) -> Recalibration:
    """A recalibration from reviewed results (`calls` reviewed calls gave them)."""
    learned = Recalibration(options or LearningOptions(), {}, calls)
    for example in examples:
        key = (example.criterion_id, str(example.auto), learned.band(example.confidence))
        learned.groups.setdefault(key, Counter())[str(example.label)] += 1
    return learned


def recalibrate(
    evaluation: EvaluationResult, recalibration: Recalibration, scorecard: Scorecard
) -> EvaluationResult:
    """The evaluation with every criterion adjusted, its score and review flag recomputed."""
    if not recalibration.groups:
        return evaluation
    adjusted = evaluation_of(tuple(map(recalibration.adjust, evaluation.criteria)), scorecard)
    # The version it was scored with stays, whatever the scorecard object says now.
    return replace(adjusted, scorecard_version=evaluation.scorecard_version)


def _pairs(auto: Mapping[str, CriterionScore], label: Mapping[str, str]) -> list[ReviewedResult]:
    return [
        ReviewedResult(cid, Result(score.result), score.confidence, Result(label[cid]))
        for cid, score in auto.items()
        if cid in label
    ]


def reviewed_results(*, session: Session, scorecard: str) -> tuple[list[ReviewedResult], int]:
    """Every reviewed call on a scorecard as labelled examples, and how many calls gave them.

    A call's label is its newest human evaluation (a review, or an accepted dispute's rescoring),
    compared with the newest auto-QA evaluation of the same scorecard version; a call with none
    but a closed calibration takes the calibration's majority per criterion (ties left out).
    Read by the import for every team, so not scoped to a viewer.
    """
    reviewed = reviewed_pairs(session=session, scorecard=scorecard)
    calibrated = session.exec(
        select(CalibrationSession).where(
            CalibrationSession.scorecard == scorecard,
            col(CalibrationSession.closed_at).is_not(None),
            col(CalibrationSession.call_id).not_in([call.id for call, _, _ in reviewed]),
        )
    ).all()
    ids = [e.id for _, auto, human in reviewed for e in (auto, human)]
    ids += [c.auto_evaluation_id for c in calibrated]
    scores = scores_by_evaluation(session=session, evaluation_ids=ids)
    examples: list[ReviewedResult] = []
    for _, auto, human in reviewed:
        label = {cid: s.result for cid, s in scores.get(human.id, {}).items()}
        examples += _pairs(scores.get(auto.id, {}), label)
    votes: dict[int, dict[str, Counter[str]]] = {}
    ratings = session.exec(
        select(CalibrationRater.calibration_id, CalibrationRating)
        .join(CalibrationRater, col(CalibrationRater.id) == col(CalibrationRating.rater_id))
        .where(
            col(CalibrationRater.calibration_id).in_([c.id for c in calibrated]),
            col(CalibrationRater.submitted_at).is_not(None),
        )
    )
    for calibration_id, rating in ratings:  # one query for every calibration's ratings
        by_criterion = votes.setdefault(calibration_id, {})
        by_criterion.setdefault(rating.criterion_id, Counter())[rating.result] += 1
    for calibration in calibrated:
        label = {
            cid: top[0][0]
            for cid, counts in votes.get(calibration.id, {}).items()
            if len(top := counts.most_common(2)) == 1 or top[0][1] > top[1][1]
        }
        examples += _pairs(scores.get(calibration.auto_evaluation_id, {}), label)
    return examples, len(reviewed) + len(calibrated)


def learned_recalibrations(
    *, session: Session, options: LearningOptions | None = None
) -> dict[str, Recalibration]:
    """A recalibration per scorecard that has at least `options.min_calls` reviewed calls."""
    options = options or LearningOptions()
    names = session.exec(
        select(Evaluation.scorecard).where(Evaluation.source == EvaluationSource.HUMAN).distinct()
    ).all()
    names = sorted(set(names) | set(session.exec(select(CalibrationSession.scorecard)).all()))
    learned = {}
    for name in names:
        examples, calls = reviewed_results(session=session, scorecard=name)
        if calls >= options.min_calls:
            learned[name] = learn(examples, calls, options)
    return learned
