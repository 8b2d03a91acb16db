"""The auto-QA scorer used on import: scorecards and the sentence embedder, bound together."""

from __future__ import annotations

from index.embedder import get_embedder
from qa.metrics import CallMetrics
from qa.scorecard import Scorecard, load_scorecard
from qa.scoring import EvaluationResult, evaluate
from qa.transcript import Transcript

__all__ = ["DEFAULT_SCORECARD", "AutoQA"]

DEFAULT_SCORECARD = "default"


class AutoQA:
    """Scores redacted transcripts; callable as an ingest `score` hook.

    Each call is scored against its team's scorecard (the hook's third argument), or against
    `scorecard` for every call when one is given (e.g. `qa ingest --scorecard`). Scorecards are
    loaded once each.

    Raises (on construction):
        ScorecardError: the given scorecard is unknown or malformed.
    """

    def __init__(self, *, scorecard: str | None = None, embedding_model: str = "bundled") -> None:
        self.fixed = load_scorecard(scorecard) if scorecard else None
        self.embedder = get_embedder(embedding_model)
        self._scorecards: dict[str, Scorecard] = {}

    def scorecard_for(self, team_scorecard: str | None) -> Scorecard:
        """The scorecard a call of a team using `team_scorecard` is scored against.

        Raises:
            ScorecardError: the team's scorecard is unknown or malformed.
        """
        if self.fixed is not None:
            return self.fixed
        name = team_scorecard or DEFAULT_SCORECARD
        if name not in self._scorecards:
            self._scorecards[name] = load_scorecard(name)
        return self._scorecards[name]

    def __call__(
        self, transcript: Transcript, metrics: CallMetrics, team_scorecard: str | None = None
    ) -> EvaluationResult:
        scorecard = self.scorecard_for(team_scorecard)
        return evaluate(transcript, scorecard, embedder=self.embedder, metrics=metrics)
