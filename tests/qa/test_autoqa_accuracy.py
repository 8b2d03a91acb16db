"""Auto-QA against the 51 hand-labelled transcripts (tests/data/README.md); `bench/autoqa.py`
prints the full table, on these and on the demo call references."""

import pytest

from bench.autoqa import load_labelled, measure
from qa.scorecard import load_scorecard


@pytest.mark.model
def test_auto_qa_agrees_with_the_hand_labels(embedder):
    measurement = measure(load_labelled(), load_scorecard("default"), embedder)
    assert len(measurement.calls) == 51
    table = "\n".join(
        f"{r.criterion_id}: {r.agreement:.2f} / {r.kappa:.2f}" for r in measurement.rows
    )
    assert measurement.overall_agreement >= 0.85, table
    assert measurement.mean_kappa >= 0.6, table
    # Raw agreement flatters (most criteria pass on most calls); the scorer must beat always
    # answering each criterion's most common label.
    assert measurement.overall_agreement > measurement.overall_majority_agreement, table
