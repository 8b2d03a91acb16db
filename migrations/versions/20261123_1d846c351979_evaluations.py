"""evaluations

Revision ID: 1d846c351979
Revises: 3e7ff359c617
Create Date: 2026-11-23 07:13:57.352352
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "1d846c351979"
down_revision: str | None = "3e7ff359c617"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("scorecard", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("scorecard_version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("auto_fail", sa.Boolean(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "criterionscore",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("criterionscore", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterionscore_evaluation_id"), ["evaluation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("criterionscore", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterionscore_evaluation_id"))

    op.drop_table("criterionscore")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_call_id"))

    op.drop_table("evaluation")
