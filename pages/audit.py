"""Audit trail (admins): who changed what and when, filtered, a page at a time, in words."""

import streamlit as st

import ui
from core.audit import audit_choices, count_events, list_events
from core.people import list_users
from core.time_zones import time_zone
from ui.audit import audit_filters, event_rows, events_csv
from ui.paging import page_number, pager, table_key

PAGE_SIZE = 100  # the newest events first, this many a page

# Wide: five columns, and the change in words needs the room to be read without scrolling.
viewer = ui.guard("audit")
st.title("Audit trail")
zone = time_zone(viewer.time_zone)

with ui.db_session() as session:
    names = {u.id: u.email for u in list_users(session=session, viewer=viewer)}
    choices = audit_choices(session=session, viewer=viewer)
if not choices.actions:
    st.info("Nothing has been changed yet.")
    st.stop()

filters = audit_filters(choices, names=names, zone=zone, key="audit")
page = page_number(key="audit_page", filters=filters)
with ui.db_session() as session:
    total = count_events(session=session, viewer=viewer, **filters)
    events = list_events(
        session=session, viewer=viewer, **filters, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )

st.markdown(f"**{total} events match**" if total != 1 else "**1 event matches**")
if not events:
    st.info("No events match these filters: widen the dates or clear a filter.")
    st.stop()

rows = event_rows(events, names=names, zone=zone)
table = st.dataframe(
    rows,
    hide_index=True,
    column_config={"Change": st.column_config.TextColumn(width="large")},
    on_select="rerun",
    selection_mode="single-row",
    key=table_key("audit_page"),
)
if total > PAGE_SIZE:
    pager(total, size=PAGE_SIZE, key="audit_page")

picked = [row for row in table.selection.rows if row < len(events)]
if picked:
    event = events[picked[0]]
    st.subheader(f"{event.action} · {rows[picked[0]]['What']}", divider="gray")
    for column, label, record in zip(
        st.columns(2), ("Before", "After"), (event.before, event.after), strict=True
    ):
        column.markdown(f"**{label}**")
        if record is None:
            column.caption("Nothing recorded.")
        else:
            column.json(record)
else:
    st.caption("Select a row to see everything it changed, before and after.")

st.download_button(
    "Download CSV",
    data=events_csv(engine=ui.db_engine(), viewer=viewer, filters=filters, names=names, zone=zone),
    file_name="audit-trail.csv",
    mime="text/csv",
    key="audit_csv",
    on_click="ignore",  # the file is made on the click; the page need not run again
    icon=":material/download:",
)
