"""Calls say whether they are practice: demo and microphone live calls, which never count in
scores, dashboards, lesson assignments, the review queue or search

Revision ID: a7c1e9d3b5f2
Revises: f1b2c3d4e5a6
Create Date: 2026-12-06 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c1e9d3b5f2"
down_revision: str | None = "f1b2c3d4e5a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.add_column(sa.Column("practice", sa.Boolean(), nullable=False, server_default="0"))
        batch.create_index("ix_call_practice", ["practice"])


def downgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.drop_index("ix_call_practice")
        batch.drop_column("practice")
