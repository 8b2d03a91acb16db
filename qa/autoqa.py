"""The auto-QA scorer used on import: scorecards and the sentence embedder, bound together."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from core.config import Settings
from index.embedder import get_embedder
from qa.judge import Judge, get_judge
from qa.learning import Recalibration, recalibrate
from qa.metrics import CallMetrics
from qa.scorecard import Scorecard, load_scorecard
from qa.scoring import EvaluationResult, evaluate
from qa.transcript import Transcript

__all__ = ["DEFAULT_SCORECARD", "AutoQA", "configured_judge"]

DEFAULT_SCORECARD = "default"


def configured_judge(settings: Settings) -> Judge | None:
    """The language-model judge when QA_JUDGE is 'hybrid' (loaded once per process), else None.

    Raises:
        ModelError: the judge's model cannot be assembled or found.
        JudgeError: it cannot be loaded.
    """
    if settings.qa_judge != "hybrid":
        return None
    return get_judge(settings.judge_model, settings.model_cache_dir, settings.cpu_threads)


class AutoQA:
    """Scores redacted transcripts; callable as an ingest `score` hook.

    Each call is scored against its team's scorecard (the hook's third argument), or against
    `scorecard` for every call when one is given (e.g. `qa ingest --scorecard`). Scorecards are
    loaded once each. With a `judge` (setting QA_JUDGE=hybrid), a local language model gives a
    second opinion where the rules are unsure of an open-ended criterion; with
    `recalibrations` (per scorecard name, `qa.learning`), confidences are those reviewers'
    verdicts on earlier calls support.

    Raises (on construction):
        ScorecardError: the given scorecard is unknown or malformed.
    """

    def __init__(
        self,
        *,
        scorecard: str | None = None,
        embedding_model: str = "bundled",
        judge: Judge | None = None,
        recalibrations: Mapping[str, Recalibration] | None = None,
    ) -> None:
        self.fixed = load_scorecard(scorecard) if scorecard else None
        self.embedder = get_embedder(embedding_model)
        self.judge = judge
        self.recalibrations = dict(recalibrations or {})
        self._scorecards: dict[str, Scorecard] = {}

    def with_recalibrations(self, recalibrations: Mapping[str, Recalibration]) -> AutoQA:
        """This scorer (its models and scorecards shared) with confidences learned anew from
        reviewed calls (`qa.learning.learned_recalibrations`)."""
        clone = copy.copy(self)
        clone.recalibrations = dict(recalibrations)
        return clone

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
        result = evaluate(
            transcript, scorecard, embedder=self.embedder, metrics=metrics, judge=self.judge
        )
        learned = self.recalibrations.get(scorecard.name)
        return recalibrate(result, learned, scorecard) if learned else result
