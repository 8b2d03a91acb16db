"""Disputes: an agent challenges a failed criterion of their call; a reviewer or lead decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import calls_scope, get_call
from core.errors import InvalidInput, NotFound
from core.models import Call, CriterionScore, Dispute, DisputeStatus, Role, User
from core.people import require_role
from qa.evaluations import ReviewDecision, add_human_evaluation, criterion_scores
from qa.evaluations import latest_evaluation as official_evaluation
from qa.scorecard import ScorecardError, load_scorecard
from qa.scoring import Result

__all__ = ["DisputeItem", "list_disputes", "raise_dispute", "resolve_dispute"]

MAX_TEXT = 2000
_DECIDERS = (Role.REVIEWER, Role.LEAD, Role.ADMIN)


# A dispute with the call it is about and the names a reader needs.
@dataclass(frozen=True)
class DisputeItem:
    dispute: Dispute
    call: Call
    agent_name: str
    resolver_name: str | None
    decided_by: CriterionScore | None
    """The disputed criterion's result as scored, with its reason and evidence."""


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"Please write {what}.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Please keep {what} under {MAX_TEXT} characters.")
    return text or None


@audit_refusals
def raise_dispute(
    *, session: Session, agent: User, call_id: int, criterion_id: str, reason: str, now: datetime
) -> Dispute:
    """An agent disputes one failed criterion of their call's official evaluation. Audited.

    Raises:
        NotAllowed: the user is not an agent, or the call is not theirs.
        NotFound: no such call.
        InvalidInput: the call is not scored, the criterion did not fail, the reason is empty
            or too long, or this criterion of this evaluation was disputed already.
    """
    require_role(agent, Role.AGENT)
    get_call(session=session, viewer=agent, call_id=call_id)
    evaluation = official_evaluation(session=session, viewer=agent, call_id=call_id)
    if evaluation is None:
        raise InvalidInput("This call has not been scored yet, so there is nothing to dispute.")
    scores = {s.criterion_id: s for s in criterion_scores(session=session, evaluation=evaluation)}
    if criterion_id not in scores:
        raise InvalidInput(f"The call's scorecard has no criterion {criterion_id!r}.")
    if scores[criterion_id].result != Result.FAIL:
        raise InvalidInput(
            f"Only a failed criterion can be disputed; {criterion_id} is "
            f"{scores[criterion_id].result}."
        )
    text = _text(reason, "why you disagree", required=True)
    earlier = session.exec(
        select(Dispute).where(
            Dispute.evaluation_id == evaluation.id, Dispute.criterion_id == criterion_id
        )
    ).first()
    if earlier is not None:
        raise InvalidInput(
            f"You disputed {criterion_id} on this call already "
            f"({earlier.status}{': ' + earlier.reply if earlier.reply else ''})."
        )
    dispute = Dispute(
        call_id=call_id,
        evaluation_id=evaluation.id,
        criterion_id=criterion_id,
        agent_id=agent.id,
        reason=text,
        created_at=now,
    )
    session.add(dispute)
    session.flush()
    record_event(
        session=session,
        actor=agent,
        action="dispute",
        entity="call",
        entity_id=call_id,
        now=now,
        after={"dispute": dispute.id, "criterion": criterion_id, "reason": text},
    )
    session.commit()
    return dispute


@audit_refusals
def list_disputes(
    *, session: Session, viewer: User, status: DisputeStatus | None = None
) -> list[DisputeItem]:
    """Disputes the viewer may see, newest first: an agent's own; for reviewers, leads and
    admins those on calls in their scope."""
    resolver = User.__table__.alias("resolver")
    query = (
        select(Dispute, Call, User.name, resolver.c.name, CriterionScore)
        .join(Call, col(Call.id) == col(Dispute.call_id))
        .join(User, col(User.id) == col(Dispute.agent_id))
        .outerjoin(resolver, resolver.c.id == col(Dispute.resolved_by_id))
        .outerjoin(
            CriterionScore,
            (col(CriterionScore.evaluation_id) == col(Dispute.evaluation_id))
            & (col(CriterionScore.criterion_id) == col(Dispute.criterion_id)),
        )
        .where(calls_scope(viewer))
        .order_by(col(Dispute.created_at).desc(), col(Dispute.id).desc())
    )
    if viewer.role == Role.AGENT:
        query = query.where(Dispute.agent_id == viewer.id)
    if status is not None:
        query = query.where(Dispute.status == status)
    return [DisputeItem(*row) for row in session.exec(query)]


@audit_refusals
def resolve_dispute(
    *,
    session: Session,
    resolver: User,
    dispute_id: int,
    accept: bool,
    reply: str | None,
    now: datetime,
    new_result: Result = Result.PASS,
) -> Dispute:
    """Accept a dispute (the criterion gets `new_result` and the call is rescored as a new
    official evaluation) or reject it with a reply. Audited either way.

    Raises:
        NotAllowed: the resolver is not a reviewer, lead or admin, or the call is outside
            their scope.
        NotFound: no such dispute.
        InvalidInput: the dispute is already decided, a rejection has no reply, the new result
            is not pass or n/a, or the call's scorecard cannot be loaded.
    """
    require_role(resolver, *_DECIDERS)
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"There is no dispute #{dispute_id}.")
    get_call(session=session, viewer=resolver, call_id=dispute.call_id)
    if dispute.status != DisputeStatus.OPEN:
        raise InvalidInput(f"Dispute #{dispute_id} was already {dispute.status}.")
    text = _text(reply, "a reply to the agent", required=not accept)
    before = official_evaluation(session=session, viewer=resolver, call_id=dispute.call_id)
    audit_before = {"dispute": dispute.id, "criterion": dispute.criterion_id}
    audit_after = {"dispute": dispute.id, "reply": text}
    if accept:
        if new_result not in (Result.PASS, Result.NA):
            raise InvalidInput("An accepted dispute turns the criterion to pass or n/a.")
        try:
            scorecard = load_scorecard(before.scorecard)
        except ScorecardError as exc:
            raise InvalidInput(f"The call's scorecard cannot be loaded: {exc}") from None
        comment = f"Dispute #{dispute.id} accepted" + (f": {text}" if text else "")
        after, changed = add_human_evaluation(
            session=session,
            reviewer=resolver,
            base=before,
            decisions={
                dispute.criterion_id: ReviewDecision(dispute.criterion_id, new_result, comment)
            },
            scorecard=scorecard,
            now=now,
        )
        audit_before["score"], audit_after["score"] = before.score, after.score
        audit_after["changed"] = changed
        dispute.new_result = str(new_result)
    dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    dispute.reply, dispute.resolved_by_id, dispute.resolved_at = text, resolver.id, now
    session.add(dispute)
    record_event(
        session=session,
        actor=resolver,
        action=f"dispute_{dispute.status}",
        entity="call",
        entity_id=dispute.call_id,
        now=now,
        before=audit_before,
        after=audit_after,
    )
    session.commit()
    return dispute
