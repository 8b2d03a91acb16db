"""Upload calls (reviewers, leads, admins): several recordings at once, transcribed on import;
or exports of written conversations (chat, email, social)."""

from datetime import UTC, datetime

import streamlit as st

import ui
from core.errors import InvalidInput
from core.people import list_agents
from core.time_zones import time_zone
from qa.ingest import AUDIO_SUFFIXES, CallMetadata, FileOutcome
from qa.uploads import check_upload, store_upload
from ui.imports import import_conversation_exports, import_recordings

viewer = ui.guard("upload")
settings = ui.app_settings()
st.title("Upload calls")

with ui.db_session() as session:
    agents = {a.email: a.name for a in list_agents(session=session, viewer=viewer)}


def _agent_name(email: str | None) -> str:
    return "Unassigned (a lead assigns later)" if email is None else agents[email]


def recordings() -> None:
    st.caption(
        "Stereo recordings: the agent on one channel, the customer on the other. A recording "
        "that was imported before is recognised by its content and skipped."
    )
    files = st.file_uploader(
        "Recordings",
        type=sorted(s.lstrip(".") for s in AUDIO_SUFFIXES),
        accept_multiple_files=True,
        key="upload_files",
    )
    agent = st.selectbox(
        "Agent on these calls",
        [None, *agents],
        format_func=_agent_name,
        key="upload_agent",
    )
    channel = st.radio(
        "Agent's channel",
        [0, 1],
        index=settings.agent_channel,
        format_func=lambda c: "Left (0)" if c == 0 else "Right (1)",
        horizontal=True,
        key="upload_channel",
    )
    when_box, time_box, csat_box = st.columns(3)
    call_day = when_box.date_input(
        "Call date", value=None, format="YYYY-MM-DD", key="upload_date", help="Empty: today."
    )
    call_time = time_box.time_input(
        "Call time", value=None, key="upload_time", help=f"Your time zone, {viewer.time_zone}."
    )
    csat = csat_box.selectbox(
        "CSAT",
        [None, 1, 2, 3, 4, 5],
        format_func=lambda score: "Not known" if score is None else f"{score} of 5",
        key="upload_csat",
        help="The customer's satisfaction score from the post-call survey, if there is one.",
    )
    st.caption(
        "Date, time and CSAT apply to every file of this import; for many calls with their own "
        "values, use `python -m workflow ingest --metadata calls.csv`."
    )

    if st.button("Import", type="primary", disabled=not files, key="upload_go"):
        started_at = None
        if call_day is not None or call_time is not None:
            day = call_day or datetime.now(time_zone(viewer.time_zone)).date()
            moment = datetime.combine(day, call_time or datetime.min.time())
            started_at = moment.replace(tzinfo=time_zone(viewer.time_zone)).astimezone(UTC)
            if started_at > datetime.now(UTC):
                st.error("The call date and time are in the future: nothing imported.")
                return
        folder = settings.data_dir / "uploads"
        paths = []
        for upload in files:
            data = upload.getvalue()
            try:
                check_upload(data=data, filename=upload.name, max_bytes=settings.max_upload_bytes)
            except InvalidInput as exc:
                st.error(str(exc))  # refused before anything is stored
                continue
            paths.append(store_upload(data=data, filename=upload.name, folder=folder))
        if not paths:
            return
        details = CallMetadata(started_at=started_at, csat=csat)
        bar = st.progress(0.0, text="Starting...")

        def progress(outcome: FileOutcome, done: int, total: int) -> None:
            name = outcome.path.name
            bar.progress(done / total, text=f"{done} of {total} done")
            if outcome.status == "imported":
                st.success(f"{name}: imported as call #{outcome.call_id}")
            elif outcome.status == "duplicate":
                st.info(f"{name}: already imported (call #{outcome.call_id}), skipped")
            elif outcome.status == "busy":
                st.info(f"{name}: {outcome.error}")
            else:
                st.error(f"{name}: {outcome.error}")

        import_recordings(
            paths,
            progress=progress,
            agent_email=agent,
            agent_channel=channel,
            metadata={path.name: details for path in paths},
        )
        st.page_link("pages/calls.py", label="Open the calls", icon=":material/call:")


def conversations() -> None:
    st.caption(
        "Chat, email and social media conversations exported from a help desk: Callcoach JSON, "
        "CSV (conversation_id, channel, sent_at, author, author_email, text), Zendesk tickets or "
        "Intercom conversations. Each is redacted, scored against its agent's team's written "
        "scorecard and stored; one imported before is recognised by its messages and skipped."
    )
    exports = st.file_uploader(
        "Exports", type=["json", "csv"], accept_multiple_files=True, key="upload_exports"
    )
    agent = st.selectbox(
        "Agent on conversations the export does not name",
        [None, *agents],
        format_func=_agent_name,
        key="upload_exports_agent",
        help="An export that gives the agent's email (agent_email, author_email, the help "
        "desk's agent) uses that.",
    )
    if not st.button("Import", type="primary", disabled=not exports, key="upload_exports_go"):
        return
    bar = st.progress(0.0, text="Reading the exports...")
    summary = import_conversation_exports(
        [(export.name, export.getvalue()) for export in exports],
        agent_email=agent,
        progress=lambda done, total: bar.progress(done / total, text=f"{done} of {total} done"),
    )
    bar.progress(1.0, text="Done")
    st.success(
        f"{summary.count('imported')} imported, {summary.count('duplicate')} already there, "
        f"{len(summary.failed)} failed"
    )
    for outcome in summary.outcomes:
        if outcome.status == "imported":
            st.page_link(
                "pages/calls.py",
                label=f"{outcome.source}: {outcome.where} imported as #{outcome.call_id}",
                icon=":material/chat:",
                query_params={"call": str(outcome.call_id)},
            )
        elif outcome.status == "duplicate":
            st.caption(f"{outcome.source}: {outcome.where} already there (#{outcome.call_id})")
        elif outcome.status == "failed":
            st.error(f"{outcome.source}: {outcome.error}")


voice, written = st.tabs(["Recordings", "Written conversations"])
with voice:
    recordings()
with written:
    conversations()
