"""live monitoring, notes, lesson examples, coaching sessions

Revision ID: 5a46c4e977c5
Revises: dd9b297624fa
Create Date: 2026-11-23 14:11:38.369068
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5a46c4e977c5"
down_revision: str | None = "dd9b297624fa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coachingsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("commitments", sa.JSON(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coachingsession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coachingsession_agent_id"), ["agent_id"], unique=False)

    op.create_table(
        "livesession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("call_seconds", sa.Float(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("recording_path", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("livesession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_livesession_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_livesession_status"), ["status"], unique=False)

    op.create_table(
        "monitoringnote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("live_session_id", sa.Integer(), nullable=True),
        sa.Column("at_seconds", sa.Float(), nullable=False),
        sa.Column("end_seconds", sa.Float(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["live_session_id"], ["livesession.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("monitoringnote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoringnote_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoringnote_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_monitoringnote_live_session_id"), ["live_session_id"], unique=False
        )

    op.create_table(
        "lessonexample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("audio_path", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["note_id"], ["monitoringnote.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lessonexample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessonexample_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessonexample_lesson_id"), ["lesson_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lessonexample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessonexample_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lessonexample_call_id"))

    op.drop_table("lessonexample")
    with op.batch_alter_table("monitoringnote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoringnote_live_session_id"))
        batch_op.drop_index(batch_op.f("ix_monitoringnote_call_id"))
        batch_op.drop_index(batch_op.f("ix_monitoringnote_agent_id"))

    op.drop_table("monitoringnote")
    with op.batch_alter_table("livesession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_livesession_status"))
        batch_op.drop_index(batch_op.f("ix_livesession_agent_id"))

    op.drop_table("livesession")
    with op.batch_alter_table("coachingsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coachingsession_agent_id"))

    op.drop_table("coachingsession")
