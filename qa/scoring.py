"""Auto-QA: a call judged against a scorecard, per criterion with a confidence and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.clock import clock
from core.models import Speaker
from qa.checks import RULES as CALL_RULES
from qa.checks import Result
from qa.judge import JUDGED_RULES, Judge, JudgeError, Opinion
from qa.metrics import CallMetrics, compute_metrics
from qa.prepared_call import PreparedCall, SentenceEncoder
from qa.scorecard import Criterion, Scorecard
from qa.transcript import Transcript, TranscriptSegment
from qa.written_checks import WRITTEN_RULES

__all__ = [
    "CriterionResult",
    "EvaluationResult",
    "Evidence",
    "JudgePolicy",
    "Result",
    "SentenceEncoder",
    "evaluate",
    "evaluation_of",
    "overall_score",
]


# A stretch of the transcript that decided a result.
@dataclass(frozen=True)
class Evidence:
    start: float
    end: float
    speaker: Speaker
    text: str
    index: int | None = field(default=None, compare=False)
    """The segment's place in the call in time order: a written conversation's message number."""

    @classmethod
    def of(cls, segment: TranscriptSegment, index: int | None = None) -> Evidence:
        return cls(segment.start, segment.end, segment.speaker, segment.text, index)

    def to_message_dict(self) -> dict[str, Any]:
        """The evidence of a written conversation: the message and what it says."""
        return {"message": self.index, "author": str(self.speaker), "text": self.text}

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "speaker": str(self.speaker),
            "text": self.text,
        }


# The auto-QA verdict on one criterion.
@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    result: Result
    confidence: float
    """0-1: how clear the decision was (distance of the deciding similarity or timing from
    its threshold). Below the scorecard's `review_below` the call goes to human review."""
    evidence: tuple[Evidence, ...]
    reason: str
    """One sentence for the reviewer: what was found, or what was missing."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": str(self.result),
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
            "reason": self.reason,
        }


# The auto-QA evaluation of one call against one scorecard version.
@dataclass(frozen=True)
class EvaluationResult:
    scorecard: str
    scorecard_version: str
    """`Scorecard.version_tag`: the written version plus the start of the file's hash."""
    score: float
    """0-100: weighted pass rate over the criteria that apply; 0 when a critical one failed."""
    auto_fail: bool
    """A critical criterion failed."""
    needs_review: bool
    """Some confidence is below the scorecard's `review_below` (or nothing applied)."""
    criteria: tuple[CriterionResult, ...]

    def result(self, criterion_id: str) -> CriterionResult:
        """The result of one criterion.

        Raises:
            KeyError: the scorecard had no such criterion.
        """
        for result in self.criteria:
            if result.criterion_id == criterion_id:
                return result
        raise KeyError(criterion_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scorecard": self.scorecard,
            "scorecard_version": self.scorecard_version,
            "score": self.score,
            "auto_fail": self.auto_fail,
            "needs_review": self.needs_review,
            "criteria": {r.criterion_id: r.to_dict() for r in self.criteria},
        }


# Rules that fail a call for something the agent did not say or do in words. Agent speech that
# could not be transcribed may hold it, so such a failure is left unjudged for a reviewer.
_ABSENCE_RULES = frozenset(
    {
        "greeting",
        "recording_disclosure",
        "verification",
        "empathy",
        "hold_etiquette",
        "resolution",
        "closing",
    }
)


_RULES = CALL_RULES | WRITTEN_RULES


def _judge(call: PreparedCall, criterion: Criterion) -> CriterionResult:
    verdict = _RULES[criterion.check.rule](call, criterion.check)
    confidence = verdict.confidence if call.speakers_known else min(verdict.confidence, 0.5)
    if call.speaker_confidence is not None:  # a verdict is no surer than who said what
        confidence = min(confidence, call.speaker_confidence)
    unclear = call.unclear_agent_speech
    if verdict.result is Result.FAIL and criterion.check.rule in _ABSENCE_RULES and unclear:
        where = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in unclear)
        return CriterionResult(
            criterion_id=criterion.id,
            result=Result.NA,
            confidence=0.0,
            evidence=tuple(Evidence.of(call.segments[i], i) for i in verdict.evidence),
            reason=f"Not judged: the agent's speech at {where} could not be transcribed and "
            f"may hold what is missing. {verdict.reason}",
        )
    return CriterionResult(
        criterion_id=criterion.id,
        result=verdict.result,
        confidence=round(float(confidence), 3),
        evidence=tuple(Evidence.of(call.segments[i], i) for i in verdict.evidence),
        reason=verdict.reason,
    )


def overall_score(results: Mapping[str, Result], scorecard: Scorecard) -> tuple[float, bool]:
    """(score 0-100, auto_fail) for per-criterion results, auto-QA's or a reviewer's.

    The score is the weighted pass rate over the criteria that apply; 0 when a critical
    criterion failed (auto-fail) or when none applies.
    """
    weights = {c.id: c.weight for c in scorecard.criteria}
    critical = {c.id for c in scorecard.criteria if c.critical}
    applicable = {cid: r for cid, r in results.items() if Result(r) is not Result.NA}
    total = sum(weights.get(cid, 0.0) for cid in applicable)
    passed = sum(weights.get(cid, 0.0) for cid, r in applicable.items() if Result(r) is Result.PASS)
    auto_fail = any(Result(r) is Result.FAIL and cid in critical for cid, r in results.items())
    score = 0.0 if auto_fail or not total else round(100.0 * passed / total, 1)
    return score, auto_fail


# How the judge's opinion and a rule's verdict are combined (qa.judge). Chosen on the development
# part: there, overruling the rules never helped (the judge answers "pass" to most questions),
# and asking only about results headed for review cost nothing in agreement.
@dataclass(frozen=True)
class JudgePolicy:
    ask_below: float = 0.6
    """The judge is asked about a call when a criterion it knows is less sure than this (the
    default: only results that would send the call to review)."""
    agree_confidence: float = 0.8
    """When the judge agrees with the rule and is at least this sure, the result is kept with
    the judge's confidence (if higher)."""
    overrule_above: float | None = None
    """When the judge disagrees and is at least this sure, its answer replaces the rule's, at a
    confidence below review (a person confirms); None: it never replaces the rule's answer. A
    disagreement always leaves the result below review."""


def _second_opinion(
    result: CriterionResult, opinion: Opinion, transcript: Transcript, policy: JudgePolicy
) -> CriterionResult:
    quote = (
        (Evidence.of(transcript.segments[opinion.segment], opinion.segment),)
        if opinion.segment is not None
        else ()
    )
    evidence = tuple(dict.fromkeys(result.evidence + quote))
    said = f" ({opinion.quote!r})" if opinion.quote else ""
    if opinion.result is result.result:
        if opinion.confidence < policy.agree_confidence:
            return result
        return replace(
            result,
            confidence=round(max(result.confidence, opinion.confidence), 3),
            evidence=evidence,
            reason=f"{result.reason} The language-model judge agrees{said}.",
        )
    unsure = round(min(result.confidence, opinion.confidence, 0.5), 3)
    if policy.overrule_above is not None and opinion.confidence >= policy.overrule_above:
        return replace(
            result,
            result=opinion.result,
            confidence=unsure,
            evidence=evidence,
            reason=f"The language-model judge says {opinion.result}{said}, against the rules: "
            f"{result.reason}",
        )
    return replace(
        result,
        confidence=unsure,
        evidence=evidence,
        reason=f"{result.reason} The language-model judge disagrees ({opinion.result}){said}.",
    )


def _with_judge(
    results: tuple[CriterionResult, ...],
    call: PreparedCall,
    scorecard: Scorecard,
    judge: Judge,
    policy: JudgePolicy,
) -> tuple[CriterionResult, ...]:
    rules = {c.id: c.check.rule for c in scorecard.criteria}
    unsure = [
        r
        for r in results
        if rules[r.criterion_id] in JUDGED_RULES
        and r.confidence < policy.ask_below
        # NA at confidence 0: left for a reviewer because the agent's speech was unclear.
        and not (r.result is Result.NA and r.confidence == 0.0)
    ]
    if not unsure or not call.speakers_known:
        return results
    try:
        opinions = judge.opinions(call.transcript, scorecard.criteria, scorecard.version_tag)
    except JudgeError:
        # A call too long for the model's context, or a reply it could not finish: the rules'
        # unsure results stand, and the call goes to review as it would without a judge.
        return results
    return tuple(
        _second_opinion(r, opinions[r.criterion_id], call.transcript, policy)
        if r in unsure and r.criterion_id in opinions
        else r
        for r in results
    )


def evaluate(
    transcript: Transcript,
    scorecard: Scorecard,
    *,
    embedder: SentenceEncoder,
    metrics: CallMetrics | None = None,
    judge: Judge | None = None,
    policy: JudgePolicy = JudgePolicy(),
) -> EvaluationResult:
    """Judge one call against a scorecard.

    Args:
        transcript: the call, with speaker-attributed segments (word timings optional).
        scorecard: what to judge and how (`load_scorecard`).
        embedder: encodes sentences to unit vectors (`index.embedder.get_embedder(...)`); all
            sentences of the call are encoded in one batch, the scorecard's exemplar phrases
            once per embedder and process.
        metrics: the call's speech metrics (silences and overlaps come from them); computed
            from the transcript when None.
        judge: a second opinion on open-ended criteria (`qa.judge`), asked once per call when
            the rules are unsure of one; None scores by the rules alone.
        policy: how the judge's opinion and the rules' verdict combine.

    Returns:
        Per criterion pass, fail or na with a confidence and the segments that decided it; the
        score is the weighted pass rate over applicable criteria (0-100), 0 when a critical
        criterion failed.
    """
    if metrics is None:
        metrics = compute_metrics(transcript)
    call = PreparedCall(transcript, scorecard, embedder, metrics)
    results = tuple(_judge(call, criterion) for criterion in scorecard.criteria)
    if judge is not None:
        results = _with_judge(results, call, scorecard, judge, policy)
    return evaluation_of(results, scorecard)


def evaluation_of(results: tuple[CriterionResult, ...], scorecard: Scorecard) -> EvaluationResult:
    """The evaluation that per-criterion results make: the score, auto-fail and whether the call
    needs review (some confidence under the scorecard's `review_below`, or nothing applies)."""
    score, auto_fail = overall_score({r.criterion_id: r.result for r in results}, scorecard)
    nothing_applies = all(r.result is Result.NA for r in results)
    needs_review = nothing_applies or any(r.confidence < scorecard.review_below for r in results)
    return EvaluationResult(
        scorecard=scorecard.name,
        scorecard_version=scorecard.version_tag,
        score=score,
        auto_fail=auto_fail,
        needs_review=needs_review,
        criteria=results,
    )
