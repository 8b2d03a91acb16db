"""The Calls page's list at 10,000 calls: one page of `qa.call_list.list_call_rows` against the
picker it replaced, `core.calls.list_calls` (newest 500 calls, no score or state), in the same
process on the same database.

Run: `.venv/bin/python bench/call_list.py [--calls 10000] [--repeat 20]` (about a minute).

The database is a fresh SQLite file with `--calls` calls over six agents of one team, each auto-
scored on the default scorecard's ten criteria (one in four failing empathy), one in ten also
reviewed by a person and one in fifty disputed, so every state is present. Each query is timed
`--repeat` times as the page runs it (a lead's view); the table prints the median and p95 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.calls import list_calls  # noqa: E402
from core.db import create_db_engine, migrate  # noqa: E402
from core.models import (  # noqa: E402
    Call,
    CallStatus,
    CriterionScore,
    Dispute,
    Evaluation,
    EvaluationSource,
    Role,
    Team,
    User,
    utcnow,
)
from qa.call_list import CallListFilter, CallSort, CallState, list_call_rows  # noqa: E402
from qa.scorecard import load_scorecard  # noqa: E402

CRITERIA = tuple(c.id for c in load_scorecard("default").criteria)


def _fill(session: Session, calls: int) -> User:
    """`calls` scored calls of six agents of one team; the team's lead."""
    team = Team(name="Bench")
    session.add(team)
    session.flush()
    people = [
        User(
            name=f"Agent {i}",
            email=f"agent{i}@bench.example",
            role=Role.AGENT,
            team_id=team.id,
            password_hash="-",
            created_at=utcnow(),
        )
        for i in range(6)
    ]
    lead = User(
        name="Lead",
        email="lead@bench.example",
        role=Role.LEAD,
        team_id=team.id,
        password_hash="-",
        created_at=utcnow(),
    )
    session.add_all([*people, lead])
    session.flush()
    start = utcnow() - timedelta(days=365)
    for number in range(calls):
        agent = people[number % len(people)]
        when = start + timedelta(minutes=50 * number)
        call = Call(
            recording_path=f"bench-{number}.opus",
            sha256=f"{number:064d}",
            agent_id=agent.id,
            started_at=when,
            duration=60.0 + number % 600,
            status=CallStatus.DONE,
            created_at=when,
        )
        session.add(call)
        session.flush()
        failing = number % 4 == 0
        sources = [EvaluationSource.AUTO] + ([EvaluationSource.HUMAN] if number % 10 == 0 else [])
        for source in sources:
            evaluation = Evaluation(
                call_id=call.id,
                source=source,
                scorecard="default",
                scorecard_version="1",
                score=90.0 if failing and source == EvaluationSource.AUTO else 100.0,
                auto_fail=False,
                needs_review=number % 7 == 0,
                created_at=when,
            )
            session.add(evaluation)
            session.flush()
            session.add_all(
                CriterionScore(
                    evaluation_id=evaluation.id,
                    criterion_id=criterion,
                    result="fail" if failing and criterion == "empathy" else "pass",
                    confidence=0.9,
                    evidence=[],
                )
                for criterion in CRITERIA
            )
        if number % 50 == 0:
            session.add(
                Dispute(
                    call_id=call.id,
                    evaluation_id=evaluation.id,
                    criterion_id="empathy",
                    agent_id=agent.id,
                    reason="bench",
                    created_at=when,
                )
            )
        if number % 1000 == 999:
            session.commit()
            print(f"  {number + 1} calls stored", file=sys.stderr)
    session.commit()
    return lead


def _time(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm the caches, as a page that is open already has
    laps = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        laps.append((time.perf_counter() - began) * 1000)
    laps.sort()
    return statistics.median(laps), laps[max(0, round(0.95 * len(laps)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_db_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        with Session(engine) as session:
            lead = _fill(session, args.calls)
            cases: dict[str, Callable[[], object]] = {
                "peer: list_calls, newest 500 (the old picker)": lambda: list_calls(
                    session=session, viewer=lead
                ),
                "list, newest first, page 1 of 50": lambda: list_call_rows(
                    session=session, viewer=lead
                ),
                "list, newest first, last page": lambda: list_call_rows(
                    session=session, viewer=lead, offset=args.calls - 50
                ),
                "list, lowest score first": lambda: list_call_rows(
                    session=session, viewer=lead, sort=CallSort.LOWEST_SCORE
                ),
                "list, failed empathy, score <= 95": lambda: list_call_rows(
                    session=session,
                    viewer=lead,
                    filters=CallListFilter(failed_criterion="empathy", max_score=95),
                ),
                "list, disputed or needs review": lambda: list_call_rows(
                    session=session,
                    viewer=lead,
                    filters=CallListFilter(
                        states=frozenset({CallState.DISPUTED, CallState.NEEDS_REVIEW})
                    ),
                ),
            }
            print(f"{args.calls} calls, {args.repeat} runs each (ms)")
            print(f"{'query':52s} {'median':>8s} {'p95':>8s}")
            for name, run in cases.items():
                median, p95 = _time(run, args.repeat)
                print(f"{name:52s} {median:8.1f} {p95:8.1f}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
