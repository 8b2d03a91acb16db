"""micro-learning: assignments, attempts, review cards, tips

Revision ID: dd9b297624fa
Revises: 0682e63e5844
Create Date: 2026-11-23 09:23:05.536997
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "dd9b297624fa"
down_revision: str | None = "0682e63e5844"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lessonattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_active_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("seconds_spent", sa.Float(), nullable=False),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("quiz_correct", sa.Integer(), nullable=True),
        sa.Column("quiz_total", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lessonattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessonattempt_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessonattempt_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "lessontip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lessontip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessontip_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessontip_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessontip_status"), ["status"], unique=False)

    op.create_table(
        "reviewcard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agent_id", "lesson_id", "question"),
    )
    with op.batch_alter_table("reviewcard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewcard_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviewcard_due_at"), ["due_at"], unique=False)

    op.create_table(
        "reviewlog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("feel", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("rating", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["card_id"], ["reviewcard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviewlog", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewlog_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviewlog_card_id"), ["card_id"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignment_evaluation_id"), ["evaluation_id"], unique=False
        )
        batch_op.create_index(
            "uq_assignment_open",
            ["agent_id", "lesson_id"],
            unique=True,
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "time_zone",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                server_default="Europe/London",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("reminders", sa.Boolean(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("reminders")
        batch_op.drop_column("time_zone")

    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignment_open",
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_assignment_evaluation_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_agent_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("reviewlog", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewlog_card_id"))
        batch_op.drop_index(batch_op.f("ix_reviewlog_agent_id"))

    op.drop_table("reviewlog")
    with op.batch_alter_table("reviewcard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewcard_due_at"))
        batch_op.drop_index(batch_op.f("ix_reviewcard_agent_id"))

    op.drop_table("reviewcard")
    with op.batch_alter_table("lessontip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessontip_status"))
        batch_op.drop_index(batch_op.f("ix_lessontip_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lessontip_author_id"))

    op.drop_table("lessontip")
    with op.batch_alter_table("lessonattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessonattempt_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lessonattempt_agent_id"))

    op.drop_table("lessonattempt")
