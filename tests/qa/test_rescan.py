"""`python -m qa redact --rescan`: what an earlier redactor left in clear is redacted in place."""

from sqlmodel import Session, select

from core.models import (
    AuditEvent,
    Call,
    CallStatus,
    CriterionScore,
    Evaluation,
    EvaluationSource,
    LiveSession,
    MonitoringNote,
    Segment,
)
from qa.__main__ import main
from qa.rescan import rescan_stored_text
from tests.conftest import NOW

# What the redactor of an earlier release stored: the data said in answer, in clear.
LINES = [
    ("agent", "Can I take your date of birth and postcode, please?", None),
    ("customer", "My date on birth is the 14th of March 1982 and the post code is BS1 4DJ.", None),
    ("agent", "And the answer to your security question?", None),
    ("customer", "The answer is Buttons, it was my first cat.", None),
    ("agent", "Thank you, you are verified.", None),
]


GREETING = (
    "Good morning, Northwind Energy, my name is Amara, this call may be recorded for training."
)


def _stored_call(session: Session, agent_id: int) -> Call:
    call = Call(recording_path="x.wav", sha256="a" * 64, agent_id=agent_id, status=CallStatus.DONE)
    session.add(call)
    session.flush()
    for i, (speaker, text, _) in enumerate(LINES):
        words = [
            {"start": i * 2.0, "end": i * 2.0 + 1, "word": f" {w}", "probability": 0.9}
            for w in text.split()
        ]
        session.add(
            Segment(
                call_id=call.id,
                start=i * 2.0,
                end=i * 2.0 + 1.9,
                speaker=speaker,
                text=text,
                words=words,
            )
        )
    evaluation = Evaluation(
        call_id=call.id,
        source=EvaluationSource.AUTO,
        scorecard="default",
        scorecard_version="1",
        score=80.0,
        auto_fail=False,
        needs_review=False,
        created_at=NOW,
    )
    session.add(evaluation)
    session.flush()
    session.add(
        CriterionScore(
            evaluation_id=evaluation.id,
            criterion_id="verification",
            result="pass",
            confidence=0.9,
            evidence=[
                {"start": 2.0, "end": 3.9, "speaker": "customer", "text": LINES[1][1]},
                {"start": 0.0, "end": 1.9, "speaker": "agent", "text": GREETING},
            ],
        )
    )
    session.add(
        MonitoringNote(
            agent_id=agent_id,
            author_id=agent_id,
            call_id=call.id,
            at_seconds=2.0,
            text="Customer gave DOB 14/03/1982, verified well.",
            created_at=NOW,
        )
    )
    session.add(
        LiveSession(
            agent_id=agent_id,
            started_by_id=agent_id,
            source="simulator",
            started_at=NOW,
            segments=[
                {"start": 0.0, "end": 1.0, "speaker": "customer", "text": "It's B S one, four D J."}
            ],
        )
    )
    session.commit()
    return call


def _texts(session: Session) -> str:
    parts = [s.text for s in session.exec(select(Segment)).all()]
    parts += [w["word"] for s in session.exec(select(Segment)).all() for w in s.words]
    parts += [e["text"] for c in session.exec(select(CriterionScore)).all() for e in c.evidence]
    parts += [n.text for n in session.exec(select(MonitoringNote)).all()]
    parts += [s["text"] for live in session.exec(select(LiveSession)).all() for s in live.segments]
    return " ".join(parts)


def test_a_rescan_redacts_every_stored_copy_audits_it_and_a_second_finds_nothing(session, people):
    _stored_call(session, people["a1"].id)
    dry = rescan_stored_text(session=session, actor=None, now=NOW, dry_run=True)
    assert dry.tags["DOB"] >= 2 and dry.tags["POSTCODE"] >= 2 and dry.tags["SECURITY_ANSWER"] >= 1
    assert "BS1 4DJ" in _texts(session)  # a dry run changes nothing

    report = rescan_stored_text(session=session, actor=people["admin"], now=NOW)
    assert report.to_dict() == dry.to_dict()
    assert set(report.changed) == {"segments", "evidence", "notes", "live_sessions"}
    stored = _texts(session)
    for said in ("1982", "BS1", "4DJ", "Buttons", "B S one"):
        assert said not in stored
    assert "Thank you, you are verified." in stored  # the agent's words are kept
    assert GREETING in stored  # and the agent's own name in the evidence of the greeting
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "transcripts.rescan")).one()
    assert (event.actor_id, event.after) == (people["admin"].id, report.to_dict())
    assert len(report.segment_ids) == 2

    again = rescan_stored_text(session=session, actor=None, now=NOW)
    assert (dict(again.changed), dict(again.tags), again.segment_ids) == ({}, {}, [])
    assert len(session.exec(select(AuditEvent)).all()) == 1  # nothing changed: nothing to audit


def test_the_command_reports_what_it_would_redact(app_db, people, session, capsys):
    _stored_call(session, people["a1"].id)
    assert main(["redact", "--rescan", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would redact: ") and "DOB" in out and "records changed: " in out
    assert "BS1 4DJ" in _texts(session)


def test_rescan_and_a_file_do_not_go_together(capsys, tmp_path):
    assert main(["redact", str(tmp_path / "x.json"), "--rescan"]) == 2
    assert "--rescan reads the database" in capsys.readouterr().err
    assert main(["redact", "--dry-run"]) == 2


def test_a_call_stored_before_redacted_audio_gets_its_toned_copy(session, people, tmp_path):
    from core.calls import playable_file, stored_path
    from tests.qa.conftest import STEREO_OPUS

    call = _stored_call(session, people["a1"].id)
    call.recording_path = stored_path(STEREO_OPUS)
    session.add(call)
    session.commit()

    report = rescan_stored_text(session=session, actor=None, now=NOW, audio_dir=tmp_path)

    session.refresh(call)
    assert report.changed["audio"] == 1 and report.audio_errors == []
    assert playable_file(call).suffix == ".mp3" and playable_file(call).is_file()
    assert call.recording_path == call.audio_path  # nothing plays the unredacted original
    assert STEREO_OPUS.is_file()  # a file the app did not store itself is never deleted
    again = rescan_stored_text(session=session, actor=None, now=NOW, audio_dir=tmp_path)
    assert again.changed["audio"] == 0
