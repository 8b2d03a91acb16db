"""Importing recordings and written conversations from a page: the app's cached models, then
the calls made searchable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st
from sqlmodel import Session

from core.calls import delete_failed_import, keep_as_real_call, retry_failed_import
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, Role, User, utcnow
from qa.conversation_formats import read_export
from qa.conversation_import import ConversationSummary, import_conversations
from qa.ingest import CallMetadata, FileOutcome, IngestOptions, IngestSummary, ingest
from ui.actions import attempt
from ui.lessons import auto_assigner
from ui.models import auto_qa, transcriber
from ui.resources import app_settings, db_engine
from ui.search import index_new_segments, segment_index

__all__ = [
    "failed_import_panel",
    "import_conversation_exports",
    "import_recordings",
    "practice_call_panel",
]


def import_recordings(
    paths: list[Path],
    *,
    progress: Callable[[FileOutcome, int, int], None],
    agent_email: str | None = None,
    agent_channel: int | None = None,
    metadata: dict[str, CallMetadata] | None = None,
) -> IngestSummary:
    """Transcribe, score and store `paths` (lessons assigned for failed criteria), then index
    the new calls for conversation search. A failed file is reported through `progress`;
    `metadata` gives a file's call time, CSAT or agent by its name."""
    settings = app_settings()
    model = transcriber()
    channel = settings.agent_channel if agent_channel is None else agent_channel
    summary = ingest(
        engine=db_engine(),
        paths=paths,
        transcribe=lambda path, ch: model.transcribe(path, agent_channel=ch),
        options=IngestOptions.from_settings(
            settings, agent_email=agent_email, agent_channel=channel
        ),
        now=utcnow,
        metadata=metadata,
        score=auto_qa(),
        on_evaluated=auto_assigner(),
        progress=progress,
    )
    index_new_segments(segment_index())  # the new calls become searchable by meaning
    return summary


def import_conversation_exports(
    files: list[tuple[str, bytes]],
    *,
    progress: Callable[[int, int], None],
    agent_email: str | None = None,
) -> ConversationSummary:
    """Read, redact, score and store the written conversations of export files (name, bytes),
    each against its agent's team's written scorecard with lessons assigned, then index them
    for conversation search. `progress` is told (done, total) after each conversation; the
    summary holds one outcome per conversation (or unreadable file), in the files' order."""
    settings = app_settings()
    items = [
        item
        for name, data in files
        for item in read_export(name, data, max_bytes=settings.max_upload_bytes)
    ]
    summary = import_conversations(
        engine=db_engine(),
        items=items,
        now=utcnow,
        score=auto_qa(),
        on_evaluated=auto_assigner(),
        agent_email=agent_email,
        store_unredacted=settings.store_unredacted_transcripts,
        progress=progress,
    )
    index_new_segments(segment_index())  # the new conversations become searchable
    return summary


def practice_call_panel(*, session: Session, viewer: User, call: Call) -> None:
    """A practice call says so; a lead or admin may keep it as a real call of its agent, which
    also assigns the lessons its failed criteria call for."""
    st.info(
        "Practice call (a demo or microphone live call): it is not counted in scores, "
        "dashboards, lesson assignments, the review queue or search.",
        icon=":material/school:",
    )
    if viewer.role not in (Role.LEAD, Role.ADMIN):
        return
    if st.button("Keep as a real call", key=f"keep_real_{call.id}"):
        attempt(
            session,
            lambda: keep_as_real_call(
                session=session,
                actor=viewer,
                call_id=call.id,
                now=utcnow(),
                on_kept=auto_assigner(),
            ),
            success=f"Call #{call.id} now counts as a real call of its agent.",
            flash_key="calls_flash",
        )


def failed_import_panel(*, session: Session, viewer: User, call: Call) -> None:
    """Why a call's import failed; reviewers, leads and admins import it again or delete it
    (both audited). Success is left as the Calls page's flash message (`calls_flash`)."""
    st.error(f"Import failed: {call.error or 'no reason was recorded'}")
    if viewer.role not in (Role.REVIEWER, Role.LEAD, Role.ADMIN):
        return
    again, remove = st.columns(2)
    if again.button("Import again", key=f"retry_import_{call.id}", icon=":material/refresh:"):
        try:
            path = retry_failed_import(session=session, actor=viewer, call_id=call.id, now=utcnow())
        except (InvalidInput, NotAllowed, NotFound) as exc:
            session.rollback()
            st.error(str(exc))
            return
        outcomes: list[FileOutcome] = []
        with st.spinner(f"Importing {call.original_name or path.name} again..."):
            import_recordings([path], progress=lambda outcome, _d, _t: outcomes.append(outcome))
        (outcome,) = outcomes
        if outcome.status == "imported":
            st.session_state["calls_flash"] = f"Call #{call.id} imported."
            st.rerun()
        session.expire_all()  # the call row was written by the import's own session
        st.error(f"Still not imported: {outcome.error}")
    if remove.button("Delete", key=f"delete_import_{call.id}", icon=":material/delete:"):

        def delete() -> None:
            delete_failed_import(session=session, actor=viewer, call_id=call.id, now=utcnow())
            st.query_params.pop("call", None)  # the link would point at a call that is gone

        attempt(
            session, delete, success=f"Failed import #{call.id} deleted.", flash_key="calls_flash"
        )
