"""Callcoach: the Streamlit entry point. Builds the signed-in role's navigation and runs it."""

import streamlit as st

import ui
from ui.learning import menu_badges

st.set_page_config(page_title="Callcoach", page_icon=":material/headset_mic:", layout="centered")

ui.app_settings()  # a malformed setting stops here with a clear message
user = ui.signed_in_user()
# Expanded: a lead has a dozen pages, and "View more" hid the dashboards and search.
st.navigation(ui.navigation_for(user, badges=menu_badges(user)), expanded=True).run()
