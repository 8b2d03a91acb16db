"""Callcoach: the Streamlit entry point. Builds the signed-in role's navigation and runs it."""

from pathlib import Path

# Imported whole before any page runs: Altair reads pandas from sys.modules without importing
# it, and a chart drawn while another session was still importing pandas failed with
# "partially initialized module 'pandas' has no attribute 'Timestamp'".
import pandas  # noqa: F401
import streamlit as st

import ui
from ui.learning import menu_badges
from ui.lessons import preload_lesson_index

# The icon is a file of the app: a Material icon name here makes every browser fetch it from
# Google's font service, which an offline site cannot reach.
ICON = Path(__file__).parent / "ui" / "assets" / "icon.png"
# Before the navigation: set after it, the browser first fetches the page's Material icon as
# the tab's icon.
st.set_page_config(page_title="Callcoach", page_icon=str(ICON))
# Pages that lay two things side by side (the call beside the review grid; the audit trail's
# wide table) get the wide layout. Decided here, once per run: a second call in the page was
# undone by the next rerun of the same page.
WIDE_PAGES = {"review", "audit"}

ui.app_settings()  # a malformed setting stops here with a clear message
preload_lesson_index()  # once per process, in the background (PRELOAD_MODELS)
user = ui.signed_in_user()
# Expanded: a lead has a dozen pages, and "View more" hid the dashboards and search.
page = st.navigation(ui.navigation_for(user, badges=menu_badges(user)), expanded=True)
st.set_page_config(layout="wide" if page.url_path in WIDE_PAGES else "centered")
page.run()
