"""Which pages exist, who may open each, and the guard every page runs first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from core.access import record_refusal
from core.models import Role, User
from ui.auth import sign_out, signed_in_user, sync_cookie
from ui.resources import db_session

__all__ = ["PAGES", "PageSpec", "account_box", "guard", "menu_for", "navigation_for"]

_EVERYONE = frozenset(Role)


# One page of the app and the roles that may open it.
@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[Role]
    section: str


PAGES: dict[str, PageSpec] = {
    "home": PageSpec("pages/home.py", "Home", ":material/home:", _EVERYONE, "Callcoach"),
    "learn": PageSpec(
        "pages/learn.py", "My lessons", ":material/school:", frozenset({Role.AGENT}), "Learning"
    ),
    "reviews": PageSpec(
        "pages/reviews.py", "Reviews", ":material/replay:", frozenset({Role.AGENT}), "Learning"
    ),
    "calls": PageSpec("pages/calls.py", "Calls", ":material/call:", _EVERYONE, "Calls"),
    "review": PageSpec(
        "pages/review.py",
        "Review queue",
        ":material/fact_check:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Quality",
    ),
    "disputes": PageSpec("pages/disputes.py", "Disputes", ":material/gavel:", _EVERYONE, "Quality"),
    "calibration": PageSpec(
        "pages/calibration.py",
        "Calibration",
        ":material/balance:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Quality",
    ),
    "accuracy": PageSpec(
        "pages/accuracy.py",
        "Auto-QA accuracy",
        ":material/rule:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Quality",
    ),
    "quality_dashboard": PageSpec(
        "pages/quality_dashboard.py", "QA dashboard", ":material/monitoring:", _EVERYONE, "Insights"
    ),
    "learning_dashboard": PageSpec(
        "pages/learning_dashboard.py",
        "Learning dashboard",
        ":material/insights:",
        _EVERYONE,
        "Insights",
    ),
    "drivers": PageSpec(
        "pages/drivers.py",
        "What drives CSAT",
        ":material/sentiment_satisfied:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Insights",
    ),
    "search": PageSpec(
        "pages/search.py", "Conversation search", ":material/search:", _EVERYONE, "Insights"
    ),
    "upload": PageSpec(
        "pages/upload.py",
        "Upload calls",
        ":material/upload:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Calls",
    ),
    "monitor": PageSpec(
        "pages/monitor.py",
        "Live monitoring",
        ":material/hearing:",
        frozenset({Role.REVIEWER, Role.LEAD, Role.ADMIN}),
        "Coaching",
    ),
    "coaching": PageSpec(
        "pages/coaching.py",
        "Coaching",
        ":material/psychology:",
        frozenset({Role.LEAD, Role.ADMIN}),
        "Coaching",
    ),
    "my_coaching": PageSpec(
        "pages/my_coaching.py",
        "My coaching",
        ":material/psychology:",
        frozenset({Role.AGENT}),
        "Learning",
    ),
    "lessons": PageSpec(
        "pages/lessons.py",
        "Lessons",
        ":material/school:",
        frozenset({Role.LEAD, Role.ADMIN}),
        "Coaching",
    ),
    "users": PageSpec(
        "pages/users.py", "Users & teams", ":material/group:", frozenset({Role.ADMIN}), "Admin"
    ),
    "targets": PageSpec(
        "pages/targets.py", "KPI targets", ":material/flag:", frozenset({Role.ADMIN}), "Admin"
    ),
    "audit": PageSpec(
        "pages/audit.py", "Audit trail", ":material/history:", frozenset({Role.ADMIN}), "Admin"
    ),
    "profile": PageSpec("pages/profile.py", "Profile", ":material/person:", _EVERYONE, "Account"),
}


def menu_for(user: User | None) -> list[str]:
    """Keys of the pages shown in `user`'s menu, in menu order (signed out: only sign-in)."""
    if user is None:
        return ["sign_in"]
    return [key for key, spec in PAGES.items() if user.role in spec.roles]


def navigation_for(
    user: User | None, badges: Mapping[str, int] | None = None
) -> dict[str, list[st.Page]]:
    """The navigation of `user`'s role; `badges` adds a count to a page's title (e.g. lessons
    to do: "My lessons · 3").

    Every page is registered, the ones the role may not open hidden, so a page's URL always
    reaches its guard: "please sign in" or "not allowed" instead of silently showing another page.
    """
    signed_in = user is not None
    menu = menu_for(user)
    sections: dict[str, list[st.Page]] = {
        "": [
            st.Page(
                "pages/sign_in.py",
                title="Sign in",
                icon=":material/login:",
                default=not signed_in,
                visibility="hidden" if signed_in else "visible",
            )
        ]
    }
    for key, spec in PAGES.items():
        allowed = key in menu
        count = (badges or {}).get(key)
        page = st.Page(
            spec.path,
            title=f"{spec.title} · {count}" if count else spec.title,
            icon=spec.icon,
            default=signed_in and key == "home",
            visibility="visible" if allowed else "hidden",
        )
        sections.setdefault(spec.section if allowed else "", []).append(page)
    return sections


def guard(page_key: str) -> User:
    """Return the signed-in user if their role may open this page; otherwise say why and stop."""
    user = signed_in_user()
    sync_cookie()
    if user is None:
        st.info("Please sign in to see this page.")
        st.page_link("pages/sign_in.py", label="Sign in", icon=":material/login:")
        st.stop()
    account_box(user)
    if user.role not in PAGES[page_key].roles:
        with db_session() as session:
            record_refusal(
                session=session, actor=user, what=f"page:{PAGES[page_key].path}", reason=user.role
            )
        st.error("Not allowed: this page is not available to your role.")
        st.stop()
    return user


# On a phone the sidebar covers the page, and Streamlit leaves it open after a page is picked:
# close it when a menu link is tapped below Streamlit's 768 px breakpoint. One listener per
# browser tab, on the document, so it outlives the sidebar being drawn again.
_CLOSE_MENU_ON_PHONES = """<script>
if (!window.__callcoachMenuCloser) {
  window.__callcoachMenuCloser = true;
  document.addEventListener("click", (event) => {
    if (window.innerWidth >= 768) return;
    if (!event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => document.querySelector('[data-testid="stSidebarHeader"] button')?.click(), 0);
  }, true);
}
</script>"""


def account_box(user: User) -> None:
    """Who is signed in, with a sign-out button, at the top of the sidebar."""
    with st.sidebar:
        st.html(_CLOSE_MENU_ON_PHONES, unsafe_allow_javascript=True)
        st.caption(f"Signed in as **{user.name}** ({user.role})")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.switch_page("pages/sign_in.py")
