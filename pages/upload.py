"""Upload calls (reviewers, leads, admins): several recordings at once, transcribed on import."""

import streamlit as st

import ui
from core.errors import InvalidInput
from core.people import list_agents
from qa.ingest import AUDIO_SUFFIXES, FileOutcome
from qa.uploads import check_upload, store_upload
from ui.imports import import_recordings

viewer = ui.guard("upload")
settings = ui.app_settings()
st.title("Upload calls")
st.caption(
    "Stereo recordings: the agent on one channel, the customer on the other. A recording that "
    "was imported before is recognised by its content and skipped."
)

with ui.db_session() as session:
    agents = {a.email: a.name for a in list_agents(session=session, viewer=viewer)}

files = st.file_uploader(
    "Recordings",
    type=sorted(s.lstrip(".") for s in AUDIO_SUFFIXES),
    accept_multiple_files=True,
    key="upload_files",
)
agent = st.selectbox(
    "Agent on these calls",
    [None, *agents],
    format_func=lambda email: (
        "Unassigned (a lead assigns later)" if email is None else agents[email]
    ),
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

if st.button("Import", type="primary", disabled=not files, key="upload_go"):
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
        st.stop()
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

    import_recordings(paths, progress=progress, agent_email=agent, agent_channel=channel)
    st.page_link("pages/calls.py", label="Open the calls", icon=":material/call:")
