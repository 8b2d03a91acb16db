"""Streamlit helpers shared by app.py and the pages: resources, sign-in state, navigation."""

from ui.auth import pop_notice, sign_in, sign_out, signed_in_user, sync_cookie
from ui.navigation import PAGES, account_box, guard, navigation_for
from ui.resources import app_settings, db_engine, db_session

__all__ = [
    "PAGES",
    "account_box",
    "app_settings",
    "db_engine",
    "db_session",
    "guard",
    "navigation_for",
    "pop_notice",
    "sign_in",
    "sign_out",
    "signed_in_user",
    "sync_cookie",
]
