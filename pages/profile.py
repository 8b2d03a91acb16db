"""Profile (everyone): your own time zone, email reminders and password."""

import streamlit as st

import ui
from core.auth import MIN_PASSWORD_LENGTH, SignInLimit, change_password
from core.models import Role, utcnow
from core.people import update_profile
from core.time_zones import time_zone_names
from ui.actions import attempt, show_flash
from ui.plain import plain

viewer = ui.guard("profile")
st.title("Profile")
st.caption(f"{plain(viewer.name)} · {plain(viewer.email)} · {viewer.role}")
show_flash("profile_flash")

zones = list(time_zone_names())
if viewer.time_zone not in zones:  # a name this machine's zone database no longer holds
    zones.insert(0, viewer.time_zone)

with ui.db_session() as session:

    def run(action, success: str) -> None:
        attempt(session, action, success=success, flash_key="profile_flash")

    with st.form("profile_settings"):
        zone = st.selectbox(
            "Time zone",
            zones,
            index=zones.index(viewer.time_zone),
            key="profile_time_zone",
            help="Type to search, e.g. a city. Learning streaks count your days in it, reminder "
            "emails date what is due in it, and the call times you enter are read in it.",
        )
        # Only agents are sent reminders (`python -m training remind`): for anyone else the
        # switch would change nothing.
        reminders = None
        if viewer.role == Role.AGENT:
            reminders = st.toggle(
                "Email reminders",
                value=viewer.reminders,
                key="profile_reminders",
                help="A short daily email when reviews are due or a lesson is overdue.",
            )
        if st.form_submit_button("Save", type="primary"):
            saved = f"Saved. Your time zone is {zone}" + (
                "." if reminders is None else f", email reminders {'on' if reminders else 'off'}."
            )
            run(
                lambda: update_profile(
                    session=session, user=viewer, time_zone=zone, reminders=reminders, now=utcnow()
                ),
                saved,
            )

    st.subheader("Change your password")
    with st.form("profile_password", clear_on_submit=True):
        current = st.text_input(
            "Current password",
            type="password",
            key="profile_current_password",
            autocomplete="current-password",
        )
        new = st.text_input(
            "New password",
            type="password",
            key="profile_new_password",
            autocomplete="new-password",
            help=f"At least {MIN_PASSWORD_LENGTH} characters.",
        )
        repeated = st.text_input(
            "Repeat the new password",
            type="password",
            key="profile_repeat_password",
            autocomplete="new-password",
        )

        def change_and_stay_signed_in() -> None:
            change_password(
                session=session,
                user=viewer,
                current=current,
                new=new,
                repeated=repeated,
                now=utcnow(),
                limit=SignInLimit.from_settings(ui.app_settings()),
            )
            ui.sign_in(viewer)  # changing the password ended every session, this one too

        if st.form_submit_button("Change password"):
            run(
                change_and_stay_signed_in,
                "Your password is changed. Anywhere else you were signed in, you are signed out.",
            )
