"""Auto-QA against hand labels it was never tuned on: the held-out parts of
tests/data/autoqa/ and of the demo references (`bench/autoqa.py` prints the full tables).

The floors are today's held-out figures, rounded down; issue 16's goals (mean kappa 0.80,
every criterion 0.60, agreement 0.93, at most 25% of calls to review) are not met yet, and
the README says so.
"""

import pytest

from bench.autoqa import load_demo_references, load_labelled, measure
from qa.scorecard import load_scorecard


@pytest.mark.model
def test_auto_qa_agrees_with_the_held_out_hand_labels(embedder):
    calls = load_labelled("test")
    measurement = measure(calls, load_scorecard("default"), embedder)
    assert len(measurement.calls) >= 60
    table = "\n".join(
        f"{r.criterion_id}: {r.agreement:.2f} / {r.kappa:.2f}" for r in measurement.rows
    )
    assert measurement.overall_agreement >= 0.80, table
    assert measurement.mean_kappa >= 0.6, table
    assert min(r.kappa for r in measurement.rows) >= 0.4, table
    # Raw agreement flatters (most criteria pass on most calls); the scorer must beat always
    # answering each criterion's most common label.
    assert measurement.overall_agreement > measurement.overall_majority_agreement + 0.1, table
    confident, agreeing = measurement.confident()
    assert confident and agreeing >= 0.9


@pytest.mark.model
def test_the_held_out_demo_references_beat_the_majority_label(embedder):
    measurement = measure(load_demo_references("test"), load_scorecard("default"), embedder)
    assert len(measurement.calls) == 8
    assert measurement.overall_agreement > measurement.overall_majority_agreement


@pytest.mark.model
def test_a_team_without_recording_disclosure_is_scored_without_it(embedder):
    calls = [c for c in load_labelled("test") if not c.disclosure_required]
    assert calls
    measurement = measure(calls, load_scorecard("default"), embedder)
    assert "recording_disclosure" not in {
        r.criterion_id for e in measurement.evaluations for r in e.criteria
    }
    assert "recording_disclosure" not in {r.criterion_id for r in measurement.rows}
