"""Leads assign calls to reviewers and set each reviewer a weekly review target

Revision ID: b8d2f0a4c6e1
Revises: a7c1e9d3b5f2
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b8d2f0a4c6e1"
down_revision: str | None = "a7c1e9d3b5f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviewassignment",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("call_id"),
    )
    op.create_index("ix_reviewassignment_reviewer_id", "reviewassignment", ["reviewer_id"])
    op.create_table(
        "reviewtarget",
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("weekly", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reviewer_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("reviewer_id"),
    )


def downgrade() -> None:
    op.drop_table("reviewtarget")
    op.drop_index("ix_reviewassignment_reviewer_id", table_name="reviewassignment")
    op.drop_table("reviewassignment")
