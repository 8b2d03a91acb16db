"""KPI targets set by admins (team analytics)

Revision ID: c3d9a1e4b6f7
Revises: b7c1e0f2a9d4
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c3d9a1e4b6f7"
down_revision: str | None = "b7c1e0f2a9d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpitarget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kpi", "criterion_id"),
    )


def downgrade() -> None:
    op.drop_table("kpitarget")
