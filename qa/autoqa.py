"""The auto-QA scorer used on import: a scorecard and the sentence embedder, bound together."""

from __future__ import annotations

from index.embedder import get_embedder
from qa.metrics import CallMetrics
from qa.scorecard import load_scorecard
from qa.scoring import EvaluationResult, evaluate
from qa.transcript import Transcript

__all__ = ["AutoQA"]


class AutoQA:
    """Scores redacted transcripts against one scorecard; callable as an ingest `score` hook.

    Raises (on construction):
        ScorecardError: the scorecard is unknown or malformed.
    """

    def __init__(self, *, scorecard: str = "default", embedding_model: str = "bundled") -> None:
        self.scorecard = load_scorecard(scorecard)
        self.embedder = get_embedder(embedding_model)

    def __call__(self, transcript: Transcript, metrics: CallMetrics) -> EvaluationResult:
        return evaluate(transcript, self.scorecard, embedder=self.embedder, metrics=metrics)
