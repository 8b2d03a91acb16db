"""Users & teams (admins): add people, change role, team or access, reset passwords."""

import streamlit as st

import ui
from core.models import Channel, Role, utcnow
from core.people import (
    create_team,
    create_user,
    list_teams,
    list_users,
    reset_password,
    set_team_scorecard,
    update_user,
)
from qa.scorecard import available_scorecards
from ui.actions import attempt, show_flash

viewer = ui.guard("users")
st.title("Users & teams")
show_flash("users_flash")

with ui.db_session() as session:
    team_rows = list_teams(session=session)
    teams = {team.id: team.name for team in team_rows}
    users = list_users(session=session, viewer=viewer)
    team_ids = [None, *teams]

    st.dataframe(
        [
            {
                "Name": u.name,
                "Email": u.email,
                "Role": u.role,
                "Team": teams.get(u.team_id, "-"),
                "Active": u.active,
            }
            for u in users
        ],
        hide_index=True,
    )

    def run(action, success: str) -> None:
        attempt(session, action, success=success, flash_key="users_flash")

    with st.expander("Add a user"), st.form("add_user", clear_on_submit=True):
        name = st.text_input("Full name", key="add_user_name")
        email = st.text_input("Email", key="add_user_email")
        role = st.selectbox("Role", list(Role), key="add_user_role")
        # Most people added are agents of a team: the admin's own team, else the first one,
        # with "No team" last.
        choices = sorted(teams, key=lambda t: (t != viewer.team_id, teams[t].lower())) + [None]
        team_id = st.selectbox(
            "Team", choices, format_func=lambda t: teams.get(t, "No team"), key="add_user_team"
        )
        password = st.text_input("First password", type="password", key="add_user_password")
        if st.form_submit_button("Add user", type="primary"):
            run(
                lambda: create_user(
                    session=session,
                    actor=viewer,
                    name=name,
                    email=email,
                    role=role,
                    team_id=team_id,
                    password=password,
                    now=utcnow(),
                ),
                f"{name} can now sign in as {email}.",
            )

    with st.expander("Change a user"):
        by_id = {u.id: u for u in users}
        user_id = st.selectbox(
            "User", list(by_id), format_func=lambda i: by_id[i].email, key="edit_user_pick"
        )
        person = by_id[user_id]
        # Keys carry the user id, so the form shows the picked user's values, not the last one's.
        with st.form("edit_user"):
            new_role = st.selectbox(
                "Role",
                list(Role),
                index=list(Role).index(person.role),
                key=f"edit_user_role_{user_id}",
            )
            new_team = st.selectbox(
                "Team",
                team_ids,
                index=team_ids.index(person.team_id),
                format_func=lambda t: teams.get(t, "No team"),
                key=f"edit_user_team_{user_id}",
            )
            active = st.checkbox(
                "Can sign in", value=person.active, key=f"edit_user_active_{user_id}"
            )
            if st.form_submit_button("Save changes"):
                run(
                    lambda: update_user(
                        session=session,
                        actor=viewer,
                        user_id=user_id,
                        role=new_role,
                        team_id=new_team,
                        active=active,
                        now=utcnow(),
                    ),
                    f"Saved {person.email}.",
                )
        with st.form("reset_password", clear_on_submit=True):
            new_password = st.text_input("New password", type="password", key="reset_password")
            if st.form_submit_button("Reset password"):
                run(
                    lambda: reset_password(
                        session=session,
                        actor=viewer,
                        user_id=user_id,
                        new_password=new_password,
                        now=utcnow(),
                    ),
                    f"{person.email} has a new password.",
                )

    with st.expander("Team scorecards"), st.form("team_scorecards"):
        st.caption(
            "Calls and written conversations (chat, email, social) imported from now on are "
            "scored against their team's scorecard for them."
        )
        scorecards = available_scorecards(Channel.CALL)
        written = available_scorecards(Channel.CHAT)
        picks = {}
        for team in team_rows:
            calls_box, written_box = st.columns(2)
            picks[(team.id, False)] = calls_box.selectbox(
                f"{team.name}: calls",
                scorecards,
                index=scorecards.index(team.scorecard) if team.scorecard in scorecards else 0,
                key=f"team_scorecard_{team.id}",
            )
            picks[(team.id, True)] = written_box.selectbox(
                f"{team.name}: written",
                written,
                index=written.index(team.written_scorecard)
                if team.written_scorecard in written
                else 0,
                key=f"team_written_scorecard_{team.id}",
            )
        if st.form_submit_button("Save scorecards"):
            run(
                lambda: [
                    set_team_scorecard(
                        session=session,
                        actor=viewer,
                        team_id=team_id,
                        scorecard=name,
                        available=written if is_written else scorecards,
                        now=utcnow(),
                        written=is_written,
                    )
                    for (team_id, is_written), name in picks.items()
                ],
                "Team scorecards saved.",
            )

    with st.expander("Add a team"), st.form("add_team", clear_on_submit=True):
        team_name = st.text_input("Team name", key="add_team_name")
        if st.form_submit_button("Add team"):
            run(
                lambda: create_team(session=session, actor=viewer, name=team_name, now=utcnow()),
                f"Team {team_name} added.",
            )
