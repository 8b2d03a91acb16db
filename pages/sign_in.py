"""Sign-in page: email and password, checked against the argon2 hash."""

import streamlit as st

import ui
from core.auth import SignInLimit, authenticate
from core.errors import SignInFailed
from core.models import utcnow

if ui.signed_in_user() is not None:
    st.switch_page("pages/home.py")
ui.sync_cookie()

st.title("Callcoach")
st.caption("QA, coaching and bite-sized lessons for call-center teams.")

if notice := ui.pop_notice():
    st.info(notice)

with st.form("sign_in_form"):
    email = st.text_input("Email", key="sign_in_email", autocomplete="username")
    password = st.text_input(
        "Password", type="password", key="sign_in_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("Sign in", type="primary", width="stretch")

if submitted:
    if not email.strip() or not password:
        st.error("Enter your email and your password.")
        st.stop()
    with ui.db_session() as session:
        try:
            user = authenticate(
                session=session,
                email=email,
                password=password,
                now=utcnow(),
                limit=SignInLimit.from_settings(ui.app_settings()),
            )
        except SignInFailed as exc:
            st.error(str(exc))
            st.stop()
    ui.sign_in(user)
    st.switch_page("pages/home.py")
