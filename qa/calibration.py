"""Calibration: several reviewers score one call blind, then see where they and auto-QA differ."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import calls_scope, get_call
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import (
    CalibrationRater,
    CalibrationRating,
    CalibrationSession,
    Call,
    Evaluation,
    Role,
    User,
)
from core.people import require_role
from qa.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from qa.evaluations import ReviewDecision, criterion_scores, latest_auto_evaluation

__all__ = [
    "CalibrationItem",
    "CalibrationReport",
    "CriterionCalibration",
    "calibration_criteria",
    "calibration_report",
    "close_calibration",
    "compare_ratings",
    "compare_session",
    "create_calibration",
    "list_calibrations",
    "submit_calibration",
]

_ORGANISERS = (Role.LEAD, Role.ADMIN)
_RATERS = (Role.REVIEWER, Role.LEAD, Role.ADMIN)


# A calibration session as a participant or organiser sees it.
@dataclass(frozen=True)
class CalibrationItem:
    calibration: CalibrationSession
    call: Call
    raters: tuple[tuple[str, bool], ...]
    """(name, has submitted) of each invited reviewer."""
    my_rater: CalibrationRater | None
    """The viewer's own invitation, when they are one of the reviewers."""

    @property
    def revealed(self) -> bool:
        return self.calibration.closed_at is not None


# How the reviewers and auto-QA judged one criterion of the calibration call.
@dataclass(frozen=True)
class CriterionCalibration:
    criterion_id: str
    results: dict[str, str]
    """Reviewer name -> pass | fail | na."""
    auto: str | None
    consensus: str | None
    """The most common reviewer result; None on a tie."""
    reviewer_agreement: float | None
    """Share of reviewer pairs giving the same result; None with fewer than two reviewers."""
    auto_agreement: float
    """Share of reviewers whose result matches auto-QA's."""


# The outcome of a calibration session.
@dataclass(frozen=True)
class CalibrationReport:
    reviewers: tuple[str, ...]
    criteria: tuple[CriterionCalibration, ...]
    fleiss_kappa: float | None
    """Across reviewers, criteria as items; None with fewer than two reviewers."""
    pair_kappas: tuple[tuple[str, str, float, float], ...]
    """(reviewer, reviewer, agreement, Cohen's kappa) over the criteria."""
    auto_kappas: tuple[tuple[str, float, float], ...]
    """(reviewer, agreement with auto-QA, Cohen's kappa with auto-QA) over the criteria."""


def compare_ratings(
    ratings: Mapping[str, Mapping[str, str]],
    auto: Mapping[str, str],
    criterion_ids: Sequence[str],
) -> CalibrationReport:
    """Compare reviewers' results on the same call with each other and with auto-QA.

    Args:
        ratings: reviewer name -> criterion id -> result; every reviewer rates every criterion.
        auto: criterion id -> auto-QA result.
        criterion_ids: the criteria, in report order.

    Raises:
        KeyError: a reviewer's ratings or auto-QA's lack one of the criteria.
    """
    names = tuple(ratings)
    rows = []
    for cid in criterion_ids:
        results = {name: ratings[name][cid] for name in names}
        values = list(results.values())
        ranked = Counter(values).most_common(2)
        tie = len(ranked) == 2 and ranked[0][1] == ranked[1][1]
        pairs = list(combinations(values, 2))
        rows.append(
            CriterionCalibration(
                criterion_id=cid,
                results=results,
                auto=auto.get(cid),
                consensus=None if not ranked or tie else ranked[0][0],
                reviewer_agreement=sum(a == b for a, b in pairs) / len(pairs) if pairs else None,
                auto_agreement=sum(v == auto.get(cid) for v in values) / len(values)
                if values
                else 0.0,
            )
        )
    columns = {name: [ratings[name][cid] for cid in criterion_ids] for name in names}
    auto_column = [auto[cid] for cid in criterion_ids]
    return CalibrationReport(
        reviewers=names,
        criteria=tuple(rows),
        fleiss_kappa=fleiss_kappa([list(r.results.values()) for r in rows])
        if len(names) >= 2 and rows
        else None,
        pair_kappas=tuple(
            (a, b, percent_agreement(columns[a], columns[b]), cohen_kappa(columns[a], columns[b]))
            for a, b in combinations(names, 2)
        ),
        auto_kappas=tuple(
            (n, percent_agreement(columns[n], auto_column), cohen_kappa(columns[n], auto_column))
            for n in names
        )
        if criterion_ids
        else (),
    )


@audit_refusals
def create_calibration(
    *, session: Session, organiser: User, call_id: int, reviewer_ids: Sequence[int], now: datetime
) -> CalibrationSession:
    """A lead or admin asks reviewers to score a call blind. Audited.

    Raises:
        NotAllowed: the organiser is not a lead or admin, or the call is outside their scope.
        NotFound: no such call.
        InvalidInput: fewer than two reviewers, a reviewer who cannot review or see this call,
            or a call without an auto-QA evaluation to compare with.
    """
    require_role(organiser, *_ORGANISERS)
    call = get_call(session=session, viewer=organiser, call_id=call_id)
    auto = latest_auto_evaluation(session=session, call_id=call_id)
    if auto is None:
        raise InvalidInput(f"Call #{call_id} has not been scored yet; pick a scored call.")
    unique_ids = list(dict.fromkeys(reviewer_ids))
    if len(unique_ids) < 2:
        raise InvalidInput("Pick at least two reviewers: calibration compares people.")
    for reviewer_id in unique_ids:
        reviewer = session.get(User, reviewer_id)
        if reviewer is None or not reviewer.active or reviewer.role not in _RATERS:
            raise InvalidInput(f"User #{reviewer_id} cannot review calls.")
        visible = select(Call.id).where(Call.id == call.id, calls_scope(reviewer))
        if session.exec(visible).first() is None:
            raise InvalidInput(f"{reviewer.name} cannot see call #{call_id}.")
    calibration = CalibrationSession(
        call_id=call_id,
        auto_evaluation_id=auto.id,
        created_by_id=organiser.id,
        scorecard=auto.scorecard,
        scorecard_version=auto.scorecard_version,
        created_at=now,
    )
    session.add(calibration)
    session.flush()
    for reviewer_id in unique_ids:
        session.add(CalibrationRater(calibration_id=calibration.id, reviewer_id=reviewer_id))
    record_event(
        session=session,
        actor=organiser,
        action="calibration_create",
        entity="calibration",
        entity_id=calibration.id,
        now=now,
        after={"call": call_id, "reviewers": unique_ids},
    )
    session.commit()
    return calibration


def _raters(session: Session, calibration_id: int) -> list[tuple[CalibrationRater, User]]:
    query = (
        select(CalibrationRater, User)
        .join(User, col(User.id) == col(CalibrationRater.reviewer_id))
        .where(CalibrationRater.calibration_id == calibration_id)
        .order_by(User.name)
    )
    return list(session.exec(query))


def _item(session: Session, calibration: CalibrationSession, viewer: User) -> CalibrationItem:
    raters = _raters(session, calibration.id)
    mine = next((r for r, u in raters if u.id == viewer.id), None)
    return CalibrationItem(
        calibration=calibration,
        call=session.get(Call, calibration.call_id),
        raters=tuple((u.name, r.submitted_at is not None) for r, u in raters),
        my_rater=mine,
    )


def _open_as(session: Session, viewer: User, calibration_id: int) -> CalibrationItem:
    calibration = session.get(CalibrationSession, calibration_id)
    if calibration is None:
        raise NotFound(f"There is no calibration session #{calibration_id}.")
    item = _item(session, calibration, viewer)
    organiser = viewer.id == calibration.created_by_id or viewer.role == Role.ADMIN
    if not viewer.active or not (organiser or item.my_rater is not None):
        raise NotAllowed("You are not part of this calibration session.")
    return item


@audit_refusals
def list_calibrations(*, session: Session, viewer: User) -> list[CalibrationItem]:
    """Calibration sessions the viewer organised or was asked to score (admins: all), newest
    first."""
    require_role(viewer, *_RATERS)
    query = select(CalibrationSession).order_by(col(CalibrationSession.id).desc())
    if viewer.role != Role.ADMIN:
        invited = select(CalibrationRater.calibration_id).where(
            CalibrationRater.reviewer_id == viewer.id
        )
        query = query.where(
            (CalibrationSession.created_by_id == viewer.id)
            | col(CalibrationSession.id).in_(invited)
        )
    return [_item(session, c, viewer) for c in session.exec(query)]


def _auto_results(session: Session, calibration: CalibrationSession) -> dict[str, str]:
    """Criterion id -> auto-QA result of the evaluation the session compares with, in
    scorecard order: also the criteria the reviewers score."""
    auto = session.get(Evaluation, calibration.auto_evaluation_id)
    return {s.criterion_id: s.result for s in criterion_scores(session=session, evaluation=auto)}


@audit_refusals
def calibration_criteria(*, session: Session, viewer: User, calibration_id: int) -> list[str]:
    """The criteria a reviewer scores in a calibration session, in scorecard order.

    Raises:
        NotFound, NotAllowed: as `submit_calibration`.
    """
    return list(_auto_results(session, _open_as(session, viewer, calibration_id).calibration))


@audit_refusals
def submit_calibration(
    *,
    session: Session,
    reviewer: User,
    calibration_id: int,
    decisions: Sequence[ReviewDecision],
    now: datetime,
) -> CalibrationSession:
    """Store a reviewer's blind results; the session closes (results revealed) when the last
    invited reviewer submits. Audited.

    Raises:
        NotFound: no such session.
        NotAllowed: the reviewer was not invited.
        InvalidInput: already submitted, the session is closed, or a criterion is missing or
            unknown.
    """
    item = _open_as(session, reviewer, calibration_id)
    rater = item.my_rater
    if rater is None:
        raise NotAllowed("You were not asked to score this calibration call.")
    if rater.submitted_at is not None:
        raise InvalidInput("You have already submitted your results for this call.")
    if item.revealed:
        raise InvalidInput("This calibration session is closed.")
    criteria = list(_auto_results(session, item.calibration))
    decided = {d.criterion_id: d for d in decisions}
    if unknown := sorted(set(decided) - set(criteria)):
        raise InvalidInput(f"Unknown criteria: {', '.join(unknown)}")
    if missing := [c for c in criteria if c not in decided]:
        raise InvalidInput(f"Decide every criterion; missing: {', '.join(missing)}")
    for cid in criteria:
        comment = (decided[cid].comment or "").strip() or None
        session.add(
            CalibrationRating(
                rater_id=rater.id,
                criterion_id=cid,
                result=str(decided[cid].result),
                comment=comment,
            )
        )
    rater.submitted_at = now
    session.add(rater)
    calibration = item.calibration
    if sum(done for _, done in item.raters) + 1 == len(item.raters):
        calibration.closed_at = now
        session.add(calibration)
    record_event(
        session=session,
        actor=reviewer,
        action="calibration_submit",
        entity="calibration",
        entity_id=calibration_id,
        now=now,
        after={"results": {cid: str(decided[cid].result) for cid in criteria}},
    )
    session.commit()
    return calibration


@audit_refusals
def close_calibration(
    *, session: Session, organiser: User, calibration_id: int, now: datetime
) -> CalibrationSession:
    """Close a session early and reveal the results of those who submitted. Audited.

    Raises:
        NotFound: no such session.
        NotAllowed: the user did not organise it and is not an admin.
        InvalidInput: it is closed already.
    """
    require_role(organiser, *_ORGANISERS)
    calibration = _open_as(session, organiser, calibration_id).calibration
    if organiser.id != calibration.created_by_id and organiser.role != Role.ADMIN:
        raise NotAllowed("Only the lead who organised this session can close it.")
    if calibration.closed_at is not None:
        raise InvalidInput("This calibration session is closed already.")
    calibration.closed_at = now
    session.add(calibration)
    record_event(
        session=session,
        actor=organiser,
        action="calibration_close",
        entity="calibration",
        entity_id=calibration_id,
        now=now,
    )
    session.commit()
    return calibration


@audit_refusals
def calibration_report(*, session: Session, viewer: User, calibration_id: int) -> CalibrationReport:
    """The results of a closed session: reviewers against each other and against auto-QA.

    Raises:
        NotFound: no such session.
        NotAllowed: the viewer is not part of it.
        InvalidInput: it is still open (scoring is blind until then).
    """
    item = _open_as(session, viewer, calibration_id)
    if not item.revealed:
        raise InvalidInput(
            "Results stay hidden until every reviewer has submitted or the lead closes the "
            "session, so nobody scores with the others' answers in mind."
        )
    return compare_session(session=session, calibration=item.calibration)


def compare_session(*, session: Session, calibration: CalibrationSession) -> CalibrationReport:
    """The submitted ratings of a session the caller already opened in scope, compared with
    each other and with auto-QA (criteria in scorecard order)."""
    auto = _auto_results(session, calibration)
    ratings: dict[str, dict[str, str]] = {}
    for rater, user in _raters(session, calibration.id):
        if rater.submitted_at is None:
            continue
        rows = session.exec(select(CalibrationRating).where(CalibrationRating.rater_id == rater.id))
        ratings[user.name] = {r.criterion_id: r.result for r in rows}
    return compare_ratings(ratings, auto, list(auto))
