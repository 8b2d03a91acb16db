"""disputes, calibration, team scorecard

Revision ID: 0682e63e5844
Revises: 1d846c351979
Create Date: 2026-11-23 09:08:41.202912
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0682e63e5844"
down_revision: str | None = "1d846c351979"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calibrationsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("auto_evaluation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("scorecard", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("scorecard_version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["auto_evaluation_id"], ["evaluation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calibrationsession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibrationsession_call_id"), ["call_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibrationsession_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reply", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("new_result", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispute_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispute_status"), ["status"], unique=False)

    op.create_table(
        "calibrationrater",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calibration_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["calibration_id"], ["calibrationsession.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("calibration_id", "reviewer_id"),
    )
    with op.batch_alter_table("calibrationrater", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibrationrater_calibration_id"), ["calibration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibrationrater_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "calibrationrating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["rater_id"], ["calibrationrater.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calibrationrating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibrationrating_rater_id"), ["rater_id"], unique=False
        )

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scorecard",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                server_default="default",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("scorecard")

    with op.batch_alter_table("calibrationrating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibrationrating_rater_id"))

    op.drop_table("calibrationrating")
    with op.batch_alter_table("calibrationrater", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibrationrater_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_calibrationrater_calibration_id"))

    op.drop_table("calibrationrater")
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_status"))
        batch_op.drop_index(batch_op.f("ix_dispute_call_id"))
        batch_op.drop_index(batch_op.f("ix_dispute_agent_id"))

    op.drop_table("dispute")
    with op.batch_alter_table("calibrationsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibrationsession_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_calibrationsession_call_id"))

    op.drop_table("calibrationsession")
