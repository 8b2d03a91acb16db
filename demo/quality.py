"""Demo QA workflow: reviews, disputes and calibration sessions on the scored demo calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.models import (
    Assignment,
    CalibrationSession,
    Call,
    Dispute,
    Evaluation,
    EvaluationSource,
    User,
)
from qa.calibration import create_calibration, submit_calibration
from qa.disputes import raise_dispute, resolve_dispute
from qa.evaluations import ReviewDecision, criterion_scores, latest_evaluation
from qa.ingest import EvaluatedHook
from qa.review import review_queue, submit_review
from qa.reviewer_workload import assign_reviews, set_weekly_target
from qa.scorecard import load_scorecard
from qa.scoring import Result

__all__ = ["QualitySeed", "assign_demo_lessons", "seed_quality_workflow"]

REFERENCES_DIR = Path(__file__).resolve().parents[1] / "data" / "demo" / "references"
LEAD, REVIEWER, ADMIN = "lena.brooks@example.com", "raj.patel@example.com", "admin@example.com"
REVIEWED_CALLS = 6  # the rest stay in the review queue
HANDED_TO_RAJ = 4  # queued calls Lena gives Raj; the rest stay in the shared pool
WEEKLY_TARGETS = {REVIEWER: 25, LEAD: 5}  # reviews a week Lena expects
CALIBRATED_CALL, OPEN_CALIBRATION_CALL = "10-diego-cancellation", "15-farah-direct-debit-date"

# What an agent writes when disputing each criterion.
_REASONS = {
    "greeting": "I gave the company name and my own name in my first sentence.",
    "recording_disclosure": "I read the recording notice straight after my greeting.",
    "verification": "I checked the postcode before I read out anything on the account.",
    "empathy": "I apologised as soon as the customer said how upset they were.",
    "hold_etiquette": "I asked before the hold and thanked them when I came back.",
    "resolution": "I gave the reference number and said it would be sorted in 3 working days.",
    "closing": "I asked if there was anything else before saying goodbye.",
    "professionalism": "I stayed polite all the way through, please listen again.",
    "dead_air": "That silence was the customer looking for their bill, not me.",
    "overtalk": "The customer kept talking over me, not the other way round.",
}


# What the demo QA workflow added.
@dataclass(frozen=True)
class QualitySeed:
    reviews: int
    disputes: int
    calibrations: int
    handed_out: int = 0


def _labels(call: Call) -> dict[str, str] | None:
    """The hand labels of a demo call (data/demo/references), the reviewers' verdicts."""
    stem = Path(call.original_name or call.recording_path).stem
    path = REFERENCES_DIR / f"{stem}.json"
    return json.loads(path.read_text())["labels"] if path.exists() else None


def _decisions(labels: dict[str, str], criteria: list[str]) -> list[ReviewDecision]:
    return [ReviewDecision(c, Result(labels.get(c, "pass"))) for c in criteria]


def seed_quality_workflow(*, engine: Engine, now: datetime, random_share: float) -> QualitySeed:
    """Review some demo calls (verdicts = the calls' hand labels), raise two disputes (one
    decided), run two calibration sessions (one finished, one waiting), set weekly review
    targets and hand a few calls of the review queue (sampled with `random_share`) to Raj.
    Does nothing when the workflow was seeded before or the calls are not scored."""
    with Session(engine, expire_on_commit=False) as session:
        if (
            session.exec(select(Dispute)).first()
            or session.exec(select(CalibrationSession)).first()
        ):
            return QualitySeed(0, 0, 0)
        people = {u.email: u for u in session.exec(select(User))}
        lead, reviewer, admin = people[LEAD], people[REVIEWER], people[ADMIN]
        calls = {
            Path(c.original_name or c.recording_path).stem: c
            for c in session.exec(select(Call).order_by(col(Call.started_at)))
        }
        scored = select(Evaluation.call_id).where(Evaluation.source == EvaluationSource.AUTO)
        if not set(session.exec(scored)):
            return QualitySeed(0, 0, 0)
        scorecard = load_scorecard("default")
        criteria = [c.id for c in scorecard.criteria]
        tick = iter(now - timedelta(hours=48) + timedelta(minutes=7 * i) for i in range(1000))

        reviews = 0
        for stem, call in calls.items():
            labels = _labels(call)
            if reviews == REVIEWED_CALLS or stem in (CALIBRATED_CALL, OPEN_CALIBRATION_CALL):
                continue
            if labels is None:
                continue
            submit_review(
                session=session,
                reviewer=reviewer,
                call_id=call.id,
                decisions=_decisions(labels, criteria),
                scorecard=scorecard,
                now=next(tick),
            )
            reviews += 1

        disputes = []
        for call in calls.values():
            if len(disputes) == 2 or call.agent_id in {d.agent_id for d in disputes}:
                continue
            agent = session.get(User, call.agent_id)
            evaluation = latest_evaluation(session=session, viewer=agent, call_id=call.id)
            failed = [
                s.criterion_id
                for s in criterion_scores(session=session, evaluation=evaluation)
                if s.result == "fail"
            ]
            if failed:
                disputes.append(
                    raise_dispute(
                        session=session,
                        agent=agent,
                        call_id=call.id,
                        criterion_id=failed[-1],
                        reason=_REASONS.get(failed[-1], "Please listen to this part again."),
                        now=next(tick),
                    )
                )
        if disputes:
            resolve_dispute(
                session=session,
                resolver=lead,
                dispute_id=disputes[0].id,
                accept=False,
                reply="I listened again and the evidence lines stand. Let's go through it in our "
                "next one-to-one.",
                now=next(tick),
            )

        calibrations = 0
        if (call := calls.get(CALIBRATED_CALL)) and (labels := _labels(call)):
            finished = create_calibration(
                session=session,
                organiser=lead,
                call_id=call.id,
                reviewer_ids=[reviewer.id, lead.id],
                now=next(tick),
            )
            # Lena reads the cancellation call's empathy differently: something to talk through.
            lena = dict(labels, empathy="pass" if labels.get("empathy") != "pass" else "fail")
            for person, verdicts in ((reviewer, labels), (lead, lena)):
                submit_calibration(
                    session=session,
                    reviewer=person,
                    calibration_id=finished.id,
                    decisions=_decisions(verdicts, criteria),
                    now=next(tick),
                )
            calibrations += 1
        if call := calls.get(OPEN_CALIBRATION_CALL):
            create_calibration(
                session=session,
                organiser=lead,
                call_id=call.id,
                reviewer_ids=[reviewer.id, lead.id, admin.id],
                now=next(tick),
            )
            calibrations += 1

        for email, weekly in WEEKLY_TARGETS.items():
            set_weekly_target(
                session=session, lead=lead, reviewer_id=people[email].id, weekly=weekly, now=now
            )
        queued = review_queue(session=session, viewer=lead, random_share=random_share)
        handed_out = assign_reviews(
            session=session,
            lead=lead,
            call_ids=[item.call.id for item in queued[:HANDED_TO_RAJ]],
            reviewer_id=reviewer.id,
            now=next(tick),
        )
        return QualitySeed(reviews, len(disputes), calibrations, handed_out)


def assign_demo_lessons(*, engine: Engine, assign: EvaluatedHook, now: datetime) -> int:
    """Give each demo agent lessons for the failed criteria of their calls' official
    evaluations (once per evaluation), call by call in the order they happened, each assigned
    half an hour after its call started (as if scored on import; never after `now`), so a
    lesson done later sits between the agent's calls. Returns how many assignments were made."""
    made = 0
    with Session(engine, expire_on_commit=False) as session:
        done = set(session.exec(select(Assignment.evaluation_id)))
        calls = select(Call).where(col(Call.agent_id).is_not(None))
        for call in session.exec(calls.order_by(col(Call.started_at), col(Call.id))):
            agent = session.get(User, call.agent_id)
            evaluation = latest_evaluation(session=session, viewer=agent, call_id=call.id)
            if evaluation is None or evaluation.id in done:
                continue
            scored = min(call.started_at + timedelta(minutes=30), now) if call.started_at else now
            made += len(assign(session, evaluation, scored) or ())
            session.commit()
    return made
